// The capacity scenario by the real CLI against a receiver whose capacity is known by
// construction (test/fixtures/capacity-receiver.ts: at most N a second, the rest queued): the
// knee is found within 10 % of N, the run passes when the knee is at least what is required and
// fails only that gate when it is not; each step's figures, the latency from the intended send
// time and Artillery's http.* metrics are in the report. In test/serial/: a ramp to 400/s is a
// heavy neighbour (a FastAPI hft run beside it met a 429), and the knee is a timing.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { listeningUrl, ROOT } from '../../reference-server/launch.ts';
import { failedGates, runJudgedScenario } from '../helpers/artillery.ts';

const CREDENTIALS = { WEBHOOK_TOKEN: 'trader1', WEBHOOK_SECRET: 'capacity-secret', WEBHOOK_PATH: '/hook/{token}' };
const RATE = 300;

async function startReceiver(args: string[]): Promise<{ url: string; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join(ROOT, 'test/fixtures/capacity-receiver.ts'), ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const url = await listeningUrl(child, 'capacity receiver');
  return {
    url,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

describe('capacity', () => {
  it(`a receiver serving at most ${RATE}/s: the knee is within 10 % of it, the run passes`, async () => {
    const receiver = await startReceiver(['--rate', String(RATE)]);
    try {
      const run = await runJudgedScenario('capacity', receiver.url, CREDENTIALS);
      assert.deepEqual(failedGates(run), [], run.output);
      assert.equal(run.code, 0, run.output);
      const c = run.counters;
      const knee = c['capacity.knee_rps'] ?? 0;
      assert.ok(Math.abs(knee - RATE) <= RATE * 0.1, `knee ${knee}/s for a receiver of ${RATE}/s`);
      assert.ok((c['capacity.broke_rps'] ?? 0) > knee, 'the bracket is above the knee');
      assert.equal(c['capacity.generator_bound'], 0);
      assert.equal(c['capacity.required_rps'], 100);
      // Each step's figures, in order, the first at CAPACITY_START_RPS.
      assert.equal(c['capacity.step_01.intended_rps'], 50);
      for (let i = 1; i <= (c['capacity.steps'] ?? 0); i++)
        assert.equal(typeof c[`capacity.step_${String(i).padStart(2, '0')}.p95_ms`], 'number');
      assert.equal(c['http.requests'], c['webhook.sent'], 'every signed signal was sent');
      assert.equal(c['http.codes.200'], c['http.requests'], 'and answered');
      // Latency from the intended send time, beside Artillery's from the actual send: never below it.
      const summaries = (
        JSON.parse(readFileSync(path.join(run.reportsDir, 'artillery.json'), 'utf8')) as {
          aggregate: { summaries: Record<string, { p95: number; count: number }> };
        }
      ).aggregate.summaries;
      const corrected = summaries['ramp.response_time_corrected'];
      assert.equal(corrected?.count, c['http.responses']);
      assert.ok((corrected?.p95 ?? 0) >= (summaries['http.response_time']?.p95 ?? Number.POSITIVE_INFINITY));
      assert.equal(summaries['ramp.schedule_lag_ms']?.count, c['http.requests']);
      assert.match(run.output, /capacity: knee \d+\/s \(the highest rate that held\); broke at \d+\/s/);
      assert.match(run.output, /capacity step 4: 400\/s intended, .*broke: p95 \d+ ms >= 200 ms/);
    } finally {
      await receiver.stop();
    }
  });

  it('the same receiver asked for more than it holds: only the knee gate fails', async () => {
    const receiver = await startReceiver(['--rate', String(RATE)]);
    try {
      // One step at 400/s: it breaks (its queue grows), so no rate held.
      const run = await runJudgedScenario('capacity', receiver.url, {
        ...CREDENTIALS,
        CAPACITY_START_RPS: '400',
        CAPACITY_MAX_STEPS: '1',
      });
      assert.deepEqual(failedGates(run), ['capacity.knee_rps >= capacity.required_rps'], run.output);
      assert.equal(run.code, 1);
      assert.equal(run.counters['capacity.knee_rps'], 0);
    } finally {
      await receiver.stop();
    }
  });
});
