// Test 4 of the guide, Memory Leak Detection: scenarios/memory-leak.yml. The shared hooks only;
// the leak verdict is the server-monitor plugin's.
import { coreHooks } from './core/hooks.ts';
import { defineScenario } from './core/scenario.ts';

export const scenario = defineScenario({
  order: 50,
  spacedBelowLimit: true,
  title: 'Test 4 of the guide: Memory Leak Detection',
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
