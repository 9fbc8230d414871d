// Test 5 of the guide, Rate Limiting: scenarios/rate-limit.yml. 20 different signals to one
// webhook released at once; judged against the band a correct limiter of the named model allows.

import type { Context, Done, Events } from './core/artillery.ts';
import { lastBurst } from './core/burst-release.ts';
import { coreHooks } from './core/hooks.ts';
import { rt } from './core/runtime.ts';
import { defineScenario } from './core/scenario.ts';
import { outcomeOfStatus } from './lib/classify.ts';
import { allowedBand } from './lib/limiter-model.ts';

export const METRICS = {
  allowed: 'webhook.limit_allowed',
  bandMin: 'webhook.limit_band_min',
  bandMax: 'webhook.limit_band_max',
} as const;

export const scenario = defineScenario({
  order: 60,
  title: 'Test 5 of the guide: Rate Limiting',
  counters: [],
  // Emitted only after a burst: without one the band gate is not measured.
  evidence: Object.values(METRICS),
  settings: ['RATE_LIMIT_PER_SECOND', 'RATE_LIMIT_MODEL', 'RATE_LIMIT_BURST'],
});

export const {
  provisionCredentials,
  removeProvisionedWebhooks,
  pickWebhook,
  signSignal,
  recordOutcome,
  recordTransportError,
} = coreHooks(scenario);

/**
 * Flow step after a burst: how many requests the limiter let through, beside the band
 * a correct limiter of the named model (RATE_LIMIT_MODEL) allows within the measured span.
 */
export function judgeRateLimit(context: Context, events: Events, done: Done): void {
  const burst = lastBurst(context);
  if (burst) {
    const { settings } = rt();
    const allowed = burst.responses.filter((r) => {
      const outcome = r.status === undefined ? undefined : outcomeOfStatus(r.status);
      return outcome === 'accepted' || outcome === 'duplicate';
    }).length;
    const band = allowedBand(
      settings.rateLimitModel,
      { perWindow: settings.rateLimitPerSecond, capacity: settings.rateLimitBurst },
      burst.count,
      burst.lastAnswerAt - burst.firstWriteAt,
    );
    events.emit('counter', METRICS.allowed, allowed);
    events.emit('counter', METRICS.bandMin, band.min);
    events.emit('counter', METRICS.bandMax, band.max);
  }
  done();
}
