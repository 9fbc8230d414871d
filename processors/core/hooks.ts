// The hooks every scenario's YAML may name, bound to the scenario's own counters: each
// processor module spreads these into its exports beside the hooks of its own.

import { applyProfile } from 'webhook-stress-common';
import type { Context, Done, Events } from './artillery.ts';
import { fatal } from './fatal.ts';
import { CORE_COUNTERS } from './metrics.ts';
import { recordOutcome, recordTransportError } from './outcome.ts';
import { createPicker, provisionCredentials, removeProvisionedWebhooks } from './pool.ts';
import type { ScenarioModule } from './scenario.ts';
import { signSignal } from './sender.ts';

export function coreHooks(scenario: ScenarioModule) {
  const pickFrom = createPicker([...CORE_COUNTERS, ...scenario.counters]);
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
    signSignal,
    recordOutcome,
    recordTransportError,
    pickFrom,
  };
}
