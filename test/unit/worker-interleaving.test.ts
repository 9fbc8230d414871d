// Several Artillery worker threads: phases are split with Artillery's own divideWork()
// (node_modules/artillery/dist/lib/dist.js), each simulated worker runs the processor's
// webhook choice on the arrival times of Artillery's uniform process, and a healthy
// server allowing 10 per second per webhook (sliding window) judges every request.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { createWebhookPicker, localWorkerCount, workerSlot } from '../../processors/lib/webhook-choice.ts';
import { ROOT } from '../../reference-server/launch.ts';

interface Phase {
  name?: string;
  duration?: number | string;
  arrivalRate?: number;
  arrivalCount?: number;
  pause?: number | string;
}
interface WorkerScript {
  config: { phases: Phase[] };
}
type DivideWork = (script: WorkerScript, workers: number) => WorkerScript[];

// Imported by path: Artillery's package exports do not list it. Its compiled JS, not its TS source.
const DIST = path.join(ROOT, 'node_modules/artillery/dist/lib/dist.js');
const divideWork = ((await import(DIST)) as { default: DivideWork }).default;

function scenarioPhases(name: string): Phase[] {
  const script = parse(readFileSync(path.join(ROOT, 'scenarios', `${name}.yml`), 'utf8')) as WorkerScript;
  return script.config.phases;
}

/** Arrival times (ms) of one worker's script, as Artillery's uniform process ticks: first after one interval. */
function arrivals(phases: Phase[], startMs: number): number[] {
  const times: number[] = [];
  let t = startMs;
  for (const phase of phases) {
    const durationMs = Number(phase.duration ?? phase.pause ?? 0) * 1000;
    const perSecond = phase.arrivalRate ?? (phase.arrivalCount ? (phase.arrivalCount * 1000) / durationMs : 0);
    if (perSecond > 0) {
      const interval = 1000 / perSecond;
      const count = Math.floor(durationMs / interval);
      for (let n = 1; n <= count; n++) times.push(t + n * interval);
    }
    t += durationMs;
  }
  return times;
}

type Choice = (slot: number, workers: number) => (poolSize: number) => number;
const interleaved: Choice = (slot) => {
  const picker = createWebhookPicker(slot);
  return (poolSize) => picker.next(poolSize);
};
// What every worker did before: its own round robin from webhook 0.
const fromZero: Choice = () => {
  let n = 0;
  return (poolSize) => n++ % poolSize;
};

/** Share of requests a healthy server (10 per rolling second per webhook) answers with 429. */
function rateLimitedShare(scenario: string, workers: number, choice: Choice, startJitterMs = 0): number {
  const pool = Number(
    (
      parse(readFileSync(path.join(ROOT, 'scenarios', `${scenario}.yml`), 'utf8')) as {
        config: { variables?: { webhookPool?: number } };
      }
    ).config.variables?.webhookPool ?? 1,
  );
  const scripts = divideWork({ config: { phases: scenarioPhases(scenario) } }, workers);
  const firstThreadId = 3; // any: Artillery's workers get consecutive thread ids
  const requests: { at: number; webhook: number }[] = [];
  for (const [i, script] of scripts.entries()) {
    const pick = choice(workerSlot(firstThreadId + i, localWorkerCount(workers + 1)), localWorkerCount(workers + 1));
    const start = (i * 7919) % (startJitterMs + 1);
    for (const at of arrivals(script.config.phases, start)) requests.push({ at, webhook: pick(pool) });
  }
  requests.sort((a, b) => a.at - b.at);
  const allowed = new Map<number, number[]>();
  let limited = 0;
  for (const { at, webhook } of requests) {
    const log = (allowed.get(webhook) ?? []).filter((t) => at - t < 1000);
    if (log.length >= 10) limited += 1;
    else log.push(at);
    allowed.set(webhook, log);
  }
  return limited / requests.length;
}

describe('webhook choice under several Artillery worker threads (sustained: 100/s over 20 webhooks)', () => {
  it('15 workers (a 16-core machine): 0 % rate-limited, started together or 0-20 ms apart', (t) => {
    assert.equal(rateLimitedShare('sustained', 15, interleaved), 0);
    assert.equal(rateLimitedShare('sustained', 15, interleaved, 20), 0);
    t.diagnostic(
      `before (each worker from webhook 0): ${(rateLimitedShare('sustained', 15, fromZero) * 100).toFixed(1)} %`,
    );
    assert.ok(rateLimitedShare('sustained', 15, fromZero) > 0.05, 'the simulation sees the old collision');
  });

  it('from 1 to 63 workers, started together or 0-20 ms apart: 0 % rate-limited', (t) => {
    const shares = Array.from({ length: 63 }, (_, i) => i + 1).flatMap((w) => [
      [w, rateLimitedShare('sustained', w, interleaved)],
      [w, rateLimitedShare('sustained', w, interleaved, 20)],
    ]);
    t.diagnostic(
      `before: 11 workers ${(rateLimitedShare('sustained', 11, fromZero) * 100).toFixed(1)} %, 31 workers ${(rateLimitedShare('sustained', 31, fromZero) * 100).toFixed(1)} %`,
    );
    for (const [w, share] of shares) assert.equal(share, 0, `${w} workers`);
  });

  it('memory-leak (10 batches of 100 in 1 s over 20 webhooks, one worker): 0 % rate-limited', () => {
    for (const w of [1, 2, 15, 31]) assert.equal(rateLimitedShare('memory-leak', w, interleaved), 0, `${w} workers`);
  });

  it('a single worker still goes round the whole pool', () => {
    const picker = createWebhookPicker(workerSlot(7, 15));
    const seen = new Set(Array.from({ length: 20 }, () => picker.next(20)));
    assert.equal(seen.size, 20);
  });
});

describe('per-thread state is confined to single-worker phases by construction', () => {
  // Duplicate detection by id or body (REPLAY_EVIDENCE=id|body), and the acceptances
  // counted as executions, live in one thread: these scenarios put all their virtual
  // users in one worker, because Artillery runs an arrivalCount phase in its first worker only.
  for (const scenario of ['burst', 'idempotency', 'rate-limit', 'hft', 'memory-leak']) {
    it(`${scenario}: one worker under 15`, () => {
      assert.equal(divideWork({ config: { phases: scenarioPhases(scenario) } }, 15).length, 1);
    });
  }

  it('sustained is the one scenario split over workers (no per-thread judgement in it)', () => {
    assert.equal(divideWork({ config: { phases: scenarioPhases('sustained') } }, 15).length, 15);
  });
});
