// Test 2 of the guide, Burst Load: scenarios/burst.yml. 100 copies of one delivery released at
// once by the burst engine; exactly-once on the server's own count.
import { prepareSharedSignal, recordReleaseLag, waitForSharedRelease } from './core/burst-release.ts';
import { PROCESSED_COLUMN } from './core/columns.ts';
import { coreHooks } from './core/hooks.ts';
import { countProcessed, readProcessedCount } from './core/oracle.ts';
import { defineScenario } from './core/scenario.ts';

export const scenario = defineScenario({
  order: 30,
  title: 'Test 2 of the guide: Burst Load',
  counters: [],
  histograms: ['burst.release_lag_ms'],
  columns: [PROCESSED_COLUMN],
});

export const {
  provisionCredentials,
  removeProvisionedWebhooks,
  pickWebhook,
  signSignal,
  recordOutcome,
  recordTransportError,
} = coreHooks(scenario);
export { countProcessed, prepareSharedSignal, readProcessedCount, recordReleaseLag, waitForSharedRelease };
