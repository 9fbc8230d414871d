// Verdicts that must hold on receivers the pack was never tuned to: test/fixtures/receiver.ts
// shares no code with the pack, answers every acceptance and every replay with the same
// {"status":"ok"}, acts on signals in a background task and exposes its own processed
// counter. Each fault fails exactly its gate; each control passes.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { describe, it } from 'node:test';
import { listeningUrl, ROOT } from '../../reference-server/launch.ts';
import { type ArtilleryRun, failedGates, runJudgedScenario } from '../helpers/artillery.ts';

interface Receiver {
  url: string;
  child: ChildProcess;
}

async function startReceiver(args: string[]): Promise<Receiver> {
  const child = spawn(process.execPath, [path.join(ROOT, 'test/fixtures/receiver.ts'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await listeningUrl(child, 'receiver');
  return { url, child };
}

async function stop(receiver: Receiver): Promise<void> {
  if (receiver.child.exitCode !== null || receiver.child.signalCode !== null) return;
  receiver.child.kill('SIGTERM');
  await once(receiver.child, 'exit');
}

/** Existing credentials, so the pack does not log in: the fixture ignores signatures. */
const CREDENTIALS = { WEBHOOK_TOKEN: 'trader1', WEBHOOK_SECRET: 'unused-secret', WEBHOOK_PATH: '/hook/{token}' };
const PROMETHEUS = (url: string) => ({
  PROCESSED_COUNT_URL: `${url}/metrics`,
  PROCESSED_COUNT_METRIC: 'signals_processed_total{receiver="fixture"}',
});
const JSON_STATS = (url: string) => ({
  PROCESSED_COUNT_URL: `${url}/stats`,
  PROCESSED_COUNT_JSON_PATH: 'stats.processed',
});
const NOT_MEASURED = /exactly-once not measured \(webhook\.executions\): set PROCESSED_COUNT_URL/g;
/** The fixture marks no replay (constant bodies, no header): the user says so. */
const UNMARKED = { REPLAY_EVIDENCE: 'none' };
const EXACTLY_ONCE = 'webhook.executions == webhook.expected_executions';
const TRANSPORT_GATE = 'webhook.timed_out == 0 and webhook.transport_error == 0 and vusers.failed == 0';

interface Row {
  title: string;
  receiver: string[];
  scenario: string;
  oracle?: (url: string) => Record<string, string>;
  env?: Record<string, string>;
  fails: string[];
  check?: (run: ArtilleryRun) => void;
}

const rows: Row[] = [
  {
    title: 'constant body, hft: no false replays, passes',
    receiver: [],
    scenario: 'hft',
    fails: [],
    check: (run) => {
      assert.equal(run.counters['webhook.accepted'], 100);
      assert.equal(run.counters['webhook.duplicate'], 0);
    },
  },
  {
    title: 'constant body, hft, REPLAY_EVIDENCE=body (the old inference, now opt-in): 99 false replays, fails',
    receiver: [],
    scenario: 'hft',
    env: { REPLAY_EVIDENCE: 'body' },
    fails: ['webhook.as_expected / webhook.sent >= 0.95'],
    check: (run) => assert.equal(run.counters['webhook.duplicate'], 99),
  },
  {
    title: 'atomic idempotency + Prometheus oracle, idempotency: passes on 6 executions',
    receiver: ['--idempotency', 'atomic'],
    scenario: 'idempotency',
    env: UNMARKED,
    oracle: PROMETHEUS,
    fails: [],
    check: (run) => {
      assert.equal(run.counters['webhook.processed'], 6);
      assert.equal(run.counters['webhook.accepted'], 9, 'constant bodies: every answer looks like an acceptance');
    },
  },
  {
    title: 'atomic idempotency + JSON oracle, idempotency: passes',
    receiver: ['--idempotency', 'atomic'],
    scenario: 'idempotency',
    env: UNMARKED,
    oracle: JSON_STATS,
    fails: [],
    check: (run) => assert.equal(run.counters['webhook.executions'], 6),
  },
  {
    title: 'no idempotency + oracle, idempotency: fails only exactly-once (9 executions)',
    receiver: ['--idempotency', 'none'],
    scenario: 'idempotency',
    env: UNMARKED,
    oracle: PROMETHEUS,
    fails: [EXACTLY_ONCE],
    check: (run) => assert.equal(run.counters['webhook.executions'], 9),
  },
  {
    title: 'atomic idempotency, no replay header, REPLAY_EVIDENCE naming header: fails only the expect gate',
    receiver: ['--idempotency', 'atomic'],
    scenario: 'idempotency',
    oracle: PROMETHEUS,
    env: { REPLAY_EVIDENCE: 'header' },
    fails: ['plugins.expect.ok >= 3 and plugins.expect.failed == 0'],
    check: (run) => assert.equal(run.counters['plugins.expect.failed'], 3, 'each in-window repeat lacks the header'),
  },
  {
    title: 'atomic idempotency, no replay header, REPLAY_EVIDENCE unset (the guide asks for none): passes',
    receiver: ['--idempotency', 'atomic'],
    scenario: 'idempotency',
    oracle: PROMETHEUS,
    fails: [],
    check: (run) => assert.equal(run.counters['plugins.expect.failed'], 0),
  },
  {
    title: 'atomic idempotency keeping ids 60 s, REPROCESS_AFTER_TTL=false, idempotency: passes on 3 executions',
    receiver: ['--idempotency', 'atomic', '--ttl-ms', '60000'],
    scenario: 'idempotency',
    oracle: PROMETHEUS,
    env: { ...UNMARKED, REPROCESS_AFTER_TTL: 'false' },
    fails: [],
    check: (run) => assert.equal(run.counters['webhook.executions'], 3),
  },
  {
    title: 'atomic idempotency (1 s), REPROCESS_AFTER_TTL=false, idempotency: fails only exactly-once',
    receiver: ['--idempotency', 'atomic'],
    scenario: 'idempotency',
    oracle: PROMETHEUS,
    env: { ...UNMARKED, REPROCESS_AFTER_TTL: 'false' },
    fails: [EXACTLY_ONCE],
    check: (run) => assert.equal(run.counters['webhook.expected_executions'], 3),
  },
  {
    title: 'atomic idempotency keeping ids 60 s, fixed-window limit 10/s, retries: passes, the 429 retried once',
    receiver: ['--idempotency', 'atomic', '--ttl-ms', '60000', '--rate-limit', '10'],
    scenario: 'retries',
    oracle: PROMETHEUS,
    fails: [],
    check: (run) => {
      assert.equal(run.counters['webhook.executions'], run.counters['webhook.expected_executions']);
      assert.equal(run.counters['webhook.retried_after_429'], 1);
    },
  },
  {
    title: 'no idempotency, fixed-window limit 10/s, retries: fails only exactly-once (6 retries processed again)',
    receiver: ['--idempotency', 'none', '--rate-limit', '10'],
    scenario: 'retries',
    oracle: PROMETHEUS,
    fails: [EXACTLY_ONCE],
    check: (run) =>
      assert.equal(run.counters['webhook.executions'], (run.counters['webhook.expected_executions'] ?? 0) + 6),
  },
  {
    title: 'atomic idempotency, neither oracle nor evidence: fails as not measured, with one line',
    receiver: ['--idempotency', 'atomic'],
    scenario: 'idempotency',
    env: UNMARKED,
    fails: [EXACTLY_ONCE],
    check: (run) => {
      assert.equal(run.output.match(NOT_MEASURED)?.length, 1, run.output);
      assert.equal(run.counters['webhook.executions'], undefined);
      assert.match(
        run.output,
        /NOT MEASURED: webhook\.executions == webhook\.expected_executions {2}\[webhook\.executions = not measured, webhook\.expected_executions = 6\]/,
      );
    },
  },
  {
    title: 'atomic idempotency + oracle, burst: passes on 1 execution of 100 identical signals',
    receiver: ['--idempotency', 'atomic'],
    scenario: 'burst',
    oracle: PROMETHEUS,
    fails: [],
    check: (run) => {
      assert.equal(run.counters['webhook.executions'], 1);
      assert.equal(run.counters['webhook.accepted'], 100, 'constant bodies: no replay is visible to the client');
    },
  },
  {
    title: 'racy idempotency + oracle, burst: fails only exactly-once',
    receiver: ['--idempotency', 'racy'],
    scenario: 'burst',
    oracle: PROMETHEUS,
    fails: ['webhook.executions == 1'],
    check: (run) => assert.ok((run.counters['webhook.executions'] ?? 0) > 1),
  },
  {
    title: 'atomic idempotency, neither oracle nor evidence, burst: fails as not measured, with one line',
    receiver: ['--idempotency', 'atomic'],
    scenario: 'burst',
    fails: ['webhook.executions == 1'],
    check: (run) => {
      assert.equal(run.output.match(NOT_MEASURED)?.length, 1, run.output);
      assert.match(run.output, /NOT MEASURED: webhook\.executions == 1 {2}\[webhook\.executions = not measured\]/);
    },
  },
  {
    title: 'every 25th answer after 4 s, hft: fails only the transport gate (sender deadline 3 s)',
    receiver: ['--slow-every', '25', '--slow-ms', '4000'],
    scenario: 'hft',
    fails: [TRANSPORT_GATE],
    check: (run) => {
      assert.equal(run.counters['webhook.timed_out'], 4);
      assert.equal(run.counters['vusers.failed'], 4);
    },
  },
];

describe('independent receivers (constant body, own processed counter)', () => {
  for (const row of rows) {
    it(`${row.title}`, async () => {
      const receiver = await startReceiver(row.receiver);
      try {
        const env = { ...CREDENTIALS, ...row.oracle?.(receiver.url), ...row.env };
        const run = await runJudgedScenario(row.scenario, receiver.url, env);
        assert.deepEqual(failedGates(run), row.fails, run.output);
        assert.equal(run.code, row.fails.length > 0 ? 1 : 0, run.output);
        row.check?.(run);
      } finally {
        await stop(receiver);
      }
    });
  }
});
