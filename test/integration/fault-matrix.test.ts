// Each realistic bug, switched on in the reference target, trips the gate that
// guards against it, and only that gate; a control scenario under the same bug still passes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { processedCountEnv, startTarget } from '../../reference-server/launch.ts';
import { failedGates, runJudgedScenario } from '../helpers/artillery.ts';

interface Case {
  fault: string;
  scenario: string;
  /** The gates that must fail; an empty list means the scenario must pass. */
  fails: string[];
  env?: Record<string, string>;
  /** How the failing gates are marked (default FAIL). */
  mark?: 'FAIL' | 'NOT MEASURED';
}

const matrix: Case[] = [
  { fault: 'race', scenario: 'burst', fails: ['webhook.executions == 1'] },
  { fault: 'race', scenario: 'idempotency', fails: [] },
  {
    fault: 'no-rate-limit',
    scenario: 'rate-limit',
    fails: [
      'webhook.rate_limited > 0 and webhook.limit_allowed >= webhook.limit_band_min and webhook.limit_allowed <= webhook.limit_band_max',
    ],
  },
  { fault: 'no-rate-limit', scenario: 'hft', fails: [] },
  { fault: 'slow', scenario: 'hft', fails: ['http.response_time.p95 < 200'] },
  { fault: 'slow', scenario: 'rate-limit', fails: [] },
  { fault: 'errors', scenario: 'hft', fails: ['webhook.server_error == 0'] },
  { fault: 'errors', scenario: 'idempotency', fails: [] },
  { fault: 'reprocess-retries', scenario: 'retries', fails: ['webhook.executions == webhook.expected_executions'] },
  { fault: 'reprocess-retries', scenario: 'idempotency', fails: [] },
  { fault: 'dedupe-before-limit', scenario: 'retries', fails: ['webhook.executions == webhook.expected_executions'] },
  { fault: 'dedupe-before-limit', scenario: 'idempotency', fails: [] },
  // No 429 ever came: the retry after one is not measured (one line says so), not a FAIL of retries.
  { fault: 'no-rate-limit', scenario: 'retries', fails: ['webhook.retried_after_429 == 1'], mark: 'NOT MEASURED' },
  {
    fault: 'no-replay-header',
    scenario: 'idempotency',
    // The header is checked only when the user names it as the evidence of replays.
    env: { REPLAY_EVIDENCE: 'header' },
    fails: ['plugins.expect.ok >= 3 and plugins.expect.failed == 0'],
  },
  { fault: 'no-replay-header', scenario: 'burst', fails: [] },
  { fault: 'starve', scenario: 'noisy-neighbour', fails: ['neighbours.accepted / neighbours.sent >= 0.95'] },
  { fault: 'starve', scenario: 'hft', fails: [] },
  { fault: 'no-rate-limit', scenario: 'noisy-neighbour', fails: ['noisy.rate_limited / noisy.sent >= 0.8'] },
  { fault: 'slow', scenario: 'noisy-neighbour', fails: ['neighbours.response_time.p95 < 200'] },
];

// hft as a control (a fault that must not touch it): 25 signals to one webhook over 5 s. What a
// control proves is that the fault leaves hft's gates alone; the full 12 s at 8.3/s, just under
// the limit, is scenarios.test.ts's. At 5/s the limiter's margin absorbs a target handling spaced
// requests late on a loaded machine (its sliding window runs on its own clock), which 8.3/s did
// not: one 429 under four test files at once (issue 17: shorter where the length proves nothing).
const HFT_CONTROL = JSON.stringify({ config: { phases: [{ name: 'hft', arrivalCount: 25, duration: 5 }] } });
// hft under --fault slow: 25 signals over 3 s at its 8.3/s, every one slow, show a p95 over 200 ms
// as well as 100 do. (--fault errors keeps the full 100: the target answers every 40th with a 500.)
const HFT_SLOW = JSON.stringify({ config: { phases: [{ name: 'hft', arrivalCount: 25, duration: 3 }] } });

describe('fault matrix', () => {
  for (const { fault, scenario, fails, env, mark } of matrix) {
    const title = fails.length > 0 ? `fails only "${fails.join('", "')}"` : 'still passes';
    it(`--fault ${fault}: ${scenario} ${title}`, async () => {
      const target = await startTarget(['--fault', fault]);
      try {
        const hftOverrides = fails.length === 0 ? HFT_CONTROL : fault === 'slow' ? HFT_SLOW : undefined;
        const options = scenario === 'hft' && hftOverrides ? { overrides: hftOverrides } : {};
        const run = await runJudgedScenario(
          scenario,
          target.url,
          { ...processedCountEnv(target.url), ...env },
          options,
        );
        assert.deepEqual(failedGates(run), fails, run.output);
        assert.equal(run.code, fails.length > 0 ? 1 : 0, run.output);
        for (const expression of fails)
          assert.match(run.output, new RegExp(`${mark ?? 'FAIL'}: ${escapeRegExp(expression)}  \\[`));
      } finally {
        await target.stop();
      }
    });
  }
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
