// Test 1 of the guide, High-Frequency Trading: scenarios/hft.yml. Nothing of its own beyond
// the shared hooks: 100 alternating BUY/SELL signals to one webhook just under its limit.
import { coreHooks } from './core/hooks.ts';
import { defineScenario } from './core/scenario.ts';

export const scenario = defineScenario({
  order: 20,
  spacedBelowLimit: true,
  title: 'Test 1 of the guide: High-Frequency Trading',
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
