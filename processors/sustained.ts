// Test 3 of the guide, Sustained Load: scenarios/sustained.yml. The shared hooks only; the
// server's memory and CPU come from the server-monitor plugin.
import { coreHooks } from './core/hooks.ts';
import { defineScenario } from './core/scenario.ts';

export const scenario = defineScenario({
  order: 40,
  spacedBelowLimit: true,
  title: 'Test 3 of the guide: Sustained Load',
  counters: [],
});

export const {
  provisionCredentials,
  removeProvisionedWebhooks,
  pickWebhook,
  signSignal,
  recordOutcome,
  recordTransportError,
} = coreHooks(scenario);
