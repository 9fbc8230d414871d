// The hooks every scenario's YAML may name, bound to the scenario's own counters: each
// processor module spreads these into its exports beside the hooks of its own.

import { applyProfile } from 'webhook-stress-common';
import type { Context, Done, Events } from './artillery.ts';
import { fatal } from './fatal.ts';
import { CORE_COUNTERS } from './metrics.ts';
import { recordOutcome, recordTransportError } from './outcome.ts';
import { createPicker, provisionCredentials, removeProvisionedWebhooks } from './pool.ts';
import { rt } from './runtime.ts';
import type { ScenarioModule } from './scenario.ts';
import { signSignal } from './sender.ts';
import { createSpacingWatch, GENERATOR, scheduledLimit } from './spacing.ts';

type SpacingWatch = ReturnType<typeof createSpacingWatch>;

/** signSignal, with each send's time noted per webhook and a send bunched past the limit counted. */
function spacedSignSignal(): typeof signSignal {
  let watch: SpacingWatch | undefined;
  return (params, context, events, done) => {
    // After rt(): the profile is applied before the limit is read.
    rt();
    watch ??= createSpacingWatch(scheduledLimit(process.env));
    if (watch.note(String(context.vars.webhookToken), Date.now())) events.emit('counter', GENERATOR.bunchedSends, 1);
    signSignal(params, context, events, done);
  };
}

export function coreHooks(scenario: ScenarioModule) {
  const spaced = scenario.spacedBelowLimit === true;
  const pickFrom = createPicker([...CORE_COUNTERS, ...scenario.counters, ...(spaced ? [GENERATOR.bunchedSends] : [])]);
  const checkOwnSettings = (): unknown => {
    try {
      applyProfile();
      return scenario.readSettings?.(process.env);
    } catch (err) {
      fatal(err);
    }
  };
  return {
    /** `before` flow: the scenario's own settings checked, then the webhooks provisioned. */
    provisionCredentials: async (context: Context) =>
      provisionCredentials(context, checkOwnSettings, scenario.sendsHostileTraffic === true),
    removeProvisionedWebhooks,
    /** beforeScenario: one webhook of the pool for this virtual user, and every counter at 0. */
    pickWebhook(context: Context, events: Events, done: Done): void {
      pickFrom(context, events, done);
    },
    signSignal: spaced ? spacedSignSignal() : signSignal,
    recordOutcome,
    recordTransportError,
    pickFrom,
  };
}
