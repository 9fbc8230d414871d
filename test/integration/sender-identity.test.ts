// The sender's rules, not the pack's: a receiver built on the official Standard Webhooks library
// (test/fixtures/standard-webhooks-receiver.ts, no pack code) deduplicates by `webhook-id`, answers
// a constant body and counts what it executed. A copy of a delivery carries the same id, so a
// correct receiver passes burst and idempotency; its variant that deduplicates nothing fails
// exactly the exactly-once gate. Retries against it (no limiter) is not measured, not a FAIL.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { describe, it } from 'node:test';
import { listeningUrl, ROOT } from '../../reference-server/launch.ts';
import { type ArtilleryRun, failedGates, runJudgedScenario } from '../helpers/artillery.ts';

const SECRET = `whsec_${Buffer.from('sender-identity-test-key-32-bytes!').toString('base64')}`;
const EXACTLY_ONCE = 'webhook.executions == webhook.expected_executions';

async function startReceiver(args: string[]): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'test/fixtures/standard-webhooks-receiver.ts'), '--secret', SECRET, ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return { url: await listeningUrl(child, 'receiver'), child };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

const env = (url: string) => ({
  SIGNING_SCHEME: 'standard',
  WEBHOOK_TOKEN: 'trader1',
  WEBHOOK_SECRET: SECRET,
  WEBHOOK_PATH: '/webhooks/{token}',
  PROCESSED_COUNT_URL: `${url}/metrics`,
  PROCESSED_COUNT_METRIC: 'webhook_events_executed_total',
  // The receiver's server process is this test's child: the monitor watches it by its port.
});

interface Row {
  title: string;
  receiver: string[];
  scenario: string;
  env?: Record<string, string>;
  fails: string[];
  code?: number;
  check: (run: ArtilleryRun) => void;
}

const rows: Row[] = [
  {
    title: 'dedupe by webhook-id, burst: 100 copies of one delivery, executed once: passes',
    receiver: ['--dedupe', 'id'],
    scenario: 'burst',
    fails: [],
    check: (run) => {
      assert.equal(run.counters['webhook.executions'], 1);
      assert.equal(run.counters['webhook.accepted'], 100, 'constant bodies: every copy answered 200');
    },
  },
  {
    title: 'no dedupe, burst: fails only exactly-once (100 executions)',
    receiver: ['--dedupe', 'none'],
    scenario: 'burst',
    fails: ['webhook.executions == 1'],
    check: (run) => assert.equal(run.counters['webhook.executions'], 100),
  },
  {
    title:
      'dedupe by webhook-id kept 5 min, idempotency: 3 executions of 9 (the repeat after the window keeps its id): passes',
    receiver: ['--dedupe', 'id'],
    scenario: 'idempotency',
    fails: [],
    check: (run) => {
      assert.equal(run.counters['webhook.executions'], 3);
      assert.equal(run.counters['webhook.expected_executions'], 3);
      assert.equal(run.counters['plugins.expect.failed'], 0, 'no replay header is asked for');
    },
  },
  {
    title: 'dedupe by webhook-id kept 1 s, REPROCESS_AFTER_TTL=true (the guide), idempotency: 6 executions: passes',
    receiver: ['--dedupe', 'id', '--retention-ms', '1000'],
    scenario: 'idempotency',
    env: { REPROCESS_AFTER_TTL: 'true' },
    fails: [],
    check: (run) => assert.equal(run.counters['webhook.executions'], 6),
  },
  {
    title: 'no dedupe, idempotency: fails only exactly-once (9 executions)',
    receiver: ['--dedupe', 'none'],
    scenario: 'idempotency',
    fails: [EXACTLY_ONCE],
    check: (run) => assert.equal(run.counters['webhook.executions'], 9),
  },
  {
    title: 'no limiter, retries: the retry after a 429 is not measured with one line, every event executed once',
    receiver: ['--dedupe', 'id'],
    scenario: 'retries',
    fails: ['webhook.retried_after_429 == 1'],
    check: (run) => {
      assert.equal(run.counters['webhook.retried_after_429'], undefined);
      assert.equal(run.counters['webhook.executions'], run.counters['webhook.expected_executions']);
      assert.match(
        run.output,
        /retries: the retry after a 429 is not measured \(webhook\.retried_after_429\): no 429 in 100 signals; the receiver has no rate limit for this webhook \(scenarios\/rate-limit\.yml tests it\)/,
      );
      assert.match(run.output, /NOT MEASURED: webhook\.retried_after_429 == 1/);
      assert.doesNotMatch(run.output, /^\s+FAIL: /m);
    },
  },
];

describe('sender identity on a receiver built on the official standardwebhooks library', () => {
  for (const row of rows) {
    it(row.title, async () => {
      const receiver = await startReceiver(row.receiver);
      try {
        const port = new URL(receiver.url).port;
        const run = await runJudgedScenario(row.scenario, receiver.url, {
          ...env(receiver.url),
          SERVER_PORT: port,
          ...row.env,
        });
        assert.deepEqual(failedGates(run), row.fails, run.output);
        assert.equal(run.code, row.fails.length > 0 ? 1 : 0, run.output);
        row.check(run);
      } finally {
        await stop(receiver.child);
      }
    });
  }
});
