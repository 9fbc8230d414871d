// Every scenario, run by the real artillery CLI against a healthy reference target (its
// processed counter configured as the exactly-once oracle), passes all its gates.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { processedCountEnv, type RunningTarget, startTarget } from '../../reference-server/launch.ts';
import { failedGates, runJudgedScenario } from '../helpers/artillery.ts';

let target: RunningTarget;
before(async () => {
  target = await startTarget();
});
after(async () => target.stop());

describe('healthy reference target: every scenario passes', () => {
  const expectations: Record<string, (c: Record<string, number>) => void> = {
    preflight: (c) => {
      assert.equal(c['webhook.accepted'], 1);
      assert.equal(c['plugins.expect.ok'], 2, 'status and content type');
    },
    hft: (c) => assert.equal(c['webhook.accepted'], 100),
    burst: (c) => {
      assert.equal(c['webhook.accepted'], 1);
      assert.equal(c['webhook.sent'], 100);
    },
    sustained: (c) => assert.equal(c['webhook.accepted'], 3000),
    'memory-leak': (c) => assert.equal(c['webhook.accepted'], 1000),
    'rate-limit': (c) => {
      assert.equal(c['webhook.accepted'], 10);
      assert.equal(c['webhook.rate_limited'], 10);
    },
    idempotency: (c) => {
      assert.equal(c['webhook.executions'], 6, 'the server processed 6 of 9 signals');
      assert.equal(c['webhook.accepted'], 6);
      assert.equal(c['webhook.duplicate'], 3, 'the replay header marks each in-window repeat');
    },
    retries: (c) => {
      assert.equal(c['webhook.duplicate'], 6, 'every retry of the 3 events answered as a replay');
      assert.equal(c['webhook.rate_limited'], 1, 'the fill stops at the first 429');
      assert.equal(c['webhook.retried_after_429'], 1);
      assert.equal(c['webhook.executions'], c['webhook.expected_executions']);
    },
    'out-of-order': (c) => assert.equal(c['order.late_accepted'], 5, 'the reference target does not order signals'),
    hostile: (c) => {
      assert.equal(c['webhook.processed'], 35, 'only the legitimate signals processed');
      assert.equal(c['hostile.forged_sig.rejected'], 5);
    },
    capacity: (c) => {
      // Up to 100/s here (CAPACITY_MAX_RPS below): the target answers every step (429s are answers).
      assert.equal(c['capacity.knee_rps'], 100);
      assert.equal(c['capacity.steps'], 2);
      assert.equal(c['http.responses'], c['webhook.sent']);
    },
    'noisy-neighbour': (c) => {
      // Not all: on a loaded machine arrivals bunch, and a neighbour may meet its own limit once.
      assert.ok((c['neighbours.accepted'] ?? 0) >= 0.95 * (c['neighbours.sent'] ?? 1), 'neighbours accepted');
      assert.ok((c['noisy.rate_limited'] ?? 0) >= 0.8 * (c['noisy.sent'] ?? 0), 'the noisy webhook limited');
    },
  };
  // Shorter than its default ramp (to 3,200/s): what is checked here is that it passes, not how far,
  // and a ramp is a heavy neighbour for the lane's other files.
  const own: Record<string, Record<string, string>> = { capacity: { CAPACITY_MAX_RPS: '100' } };
  for (const [scenario, check] of Object.entries(expectations)) {
    it(scenario, async () => {
      const run = await runJudgedScenario(scenario, target.url, { ...processedCountEnv(target.url), ...own[scenario] });
      assert.deepEqual(failedGates(run), [], run.output);
      assert.equal(run.code, 0, run.output);
      assert.ok((run.verdict?.gates.length ?? 0) >= 2, 'the verdict lists the gates');
      check(run.counters);
    });
  }
});
