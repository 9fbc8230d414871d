// Test 5 of the guide, Rate Limiting: scenarios/rate-limit.yml. 20 different signals to one
// webhook released at once; judged against the band a correct limiter of the named model allows.

import type { Context, Done, Events } from './core/artillery.ts';
import { lastBurst } from './core/burst-release.ts';
import { coreHooks } from './core/hooks.ts';
import { ownSettings } from './core/own-settings.ts';
import { defineScenario } from './core/scenario.ts';
import { outcomeOfStatus } from './lib/classify.ts';
import { allowedBand, LIMITER_MODELS, type LimiterModel } from './lib/limiter-model.ts';
import { type Env, number, oneOf, SettingsError } from './lib/read-env.ts';

export const METRICS = {
  allowed: 'webhook.limit_allowed',
  bandMin: 'webhook.limit_band_min',
  bandMax: 'webhook.limit_band_max',
} as const;

export interface RateLimitSettings {
  perSecond: number;
  model: LimiterModel;
  /** Token bucket: requests allowed at once from a full bucket. */
  burst: number;
}

/** RATE_LIMIT_PER_SECOND (10), RATE_LIMIT_MODEL (sliding-window) and RATE_LIMIT_BURST (token bucket only). */
export function readRateLimitSettings(env: Env): RateLimitSettings {
  if (env.RATE_LIMIT_TOLERANCE) {
    throw new SettingsError(
      `RATE_LIMIT_TOLERANCE="${env.RATE_LIMIT_TOLERANCE}" is no longer read; name the limiter instead: RATE_LIMIT_MODEL=${LIMITER_MODELS.join('|')}`,
    );
  }
  const perSecond = number(env, 'RATE_LIMIT_PER_SECOND', 10);
  const model = oneOf(env, 'RATE_LIMIT_MODEL', LIMITER_MODELS, 'sliding-window');
  const burst = number(env, 'RATE_LIMIT_BURST', Math.max(1, Math.ceil(perSecond)));
  if (env.RATE_LIMIT_BURST && model !== 'token-bucket') {
    throw new SettingsError(
      `RATE_LIMIT_BURST="${env.RATE_LIMIT_BURST}" applies only to RATE_LIMIT_MODEL=token-bucket (now ${model}); set the model or unset it`,
    );
  }
  if (!Number.isInteger(burst) || burst < 1) {
    throw new SettingsError(`RATE_LIMIT_BURST="${env.RATE_LIMIT_BURST}" is not a whole number of requests >= 1`);
  }
  return { perSecond, model, burst };
}

const own = ownSettings(readRateLimitSettings);

export const scenario = defineScenario({
  order: 60,
  title: 'Test 5 of the guide: Rate Limiting',
  counters: [],
  // Emitted only after a burst: without one the band gate is not measured.
  evidence: Object.values(METRICS),
  settings: ['RATE_LIMIT_PER_SECOND', 'RATE_LIMIT_MODEL', 'RATE_LIMIT_BURST'],
  readSettings: own.read,
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
    const limit = own.get();
    const allowed = burst.responses.filter((r) => {
      const outcome = r.status === undefined ? undefined : outcomeOfStatus(r.status);
      return outcome === 'accepted' || outcome === 'duplicate';
    }).length;
    const band = allowedBand(
      limit.model,
      { perWindow: limit.perSecond, capacity: limit.burst },
      burst.count,
      burst.lastAnswerAt - burst.firstWriteAt,
    );
    events.emit('counter', METRICS.allowed, allowed);
    events.emit('counter', METRICS.bandMin, band.min);
    events.emit('counter', METRICS.bandMax, band.max);
  }
  done();
}
