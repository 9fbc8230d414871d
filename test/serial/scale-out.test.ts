// Checks that hold across load generators: `npm run stress -- --generators 2` (two artillery
// processes at once, their results merged with Artillery's SSMS code) reaches the verdict of
// one generator for the same total load; the burst stays exactly-once across generators on
// the server's own count (the reference target, and the independent fixture receiver); a
// racy server fails that gate across generators; server figures come from one sampler; and
// `npm run report -- --merge` judges generator files, naming what it cannot merge.
// In test/serial/, run alone after the other files: its two generators burst at one instant
// on this 2-core machine, and a neighbouring test file's load made every attempt INVALID.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { Verdict } from 'webhook-stress-report';
import { listeningUrl, processedCountEnv, ROOT, startTarget } from '../../reference-server/launch.ts';
import { type ChildResult, runNode } from '../helpers/node-child.ts';
import { rerunWhileInvalid } from '../helpers/rerun-invalid.ts';

interface Output {
  aggregate: { counters: Record<string, number>; summaries: Record<string, Record<string, number>> };
}

interface SuiteRun {
  code: number | null;
  output: string;
  dir: string;
  verdict: Verdict;
  merged: Output;
}

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(name: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `scale-${name}-`));
  dirs.push(dir);
  return dir;
}

function spawnNode(args: string[], env: Record<string, string>): Promise<ChildResult> {
  return runNode(args, {
    cwd: ROOT,
    env: { ...process.env, WEBHOOK_STRESS_PROFILE: 'off', ...env } as Record<string, string>,
  });
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** The one verdict (and merged JSON) `npm run stress` wrote for `scenario` at the top of `dir`. */
function scenarioResult(dir: string, scenario: string): { verdict: Verdict; merged: Output } {
  const file = readdirSync(dir).find((f) => f.startsWith(`${scenario}-`) && f.endsWith('.verdict.json'));
  assert.ok(file, `no verdict in ${dir}: ${readdirSync(dir).join(', ')}`);
  const verdict = readJson<Verdict>(path.join(dir, file));
  return { verdict, merged: readJson<Output>(path.join(dir, verdict.files.html.replace(/\.html$/, '.json'))) };
}

/** `npm run stress` on one scenario; a run reported INVALID (a burst smeared by other load) is run again, four times at most. */
async function stress(scenario: string, target: string, generators: number, env: Record<string, string>) {
  return rerunWhileInvalid(
    scenario,
    async (): Promise<SuiteRun> => {
      const dir = tempDir(scenario);
      const args = ['scripts/stress.ts', '--only', scenario, '--target', target, '--reports-dir', dir];
      const { code, output } = await spawnNode([...args, '--generators', String(generators)], env);
      return { code, output, dir, ...scenarioResult(dir, scenario) };
    },
    (run) => run.verdict.invalid,
  );
}

const outcomes = (v: Verdict) => v.gates.map((g) => `${g.passed ? 'pass' : 'FAIL'}: ${g.expression}`);
const generatorFiles = (run: SuiteRun, scenario: string) => {
  const [folder] = readdirSync(path.join(run.dir, 'generators'));
  const dir = path.join(run.dir, 'generators', folder ?? '');
  return [0, 1].map((i) => path.join(dir, `${scenario}-g${i}.json`));
};

async function startReceiver(args: string[]): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'test/fixtures/receiver.ts'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { url: await listeningUrl(child, 'receiver'), child };
}

async function stopReceiver(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

describe('scale-out: 2 local generators, one merged verdict', () => {
  let hftMerged: SuiteRun | undefined;

  it('hft: 2 generators of 50 signals each reach the verdict of 1 generator of 100; server figures from generator 0 only', async () => {
    // On a loaded machine Artillery's timer bunches hft's 8.3/s into a 429 now and then (README
    // "Limits"): a limit of 20/s keeps both runs judged on their load, not on the scheduler.
    const target = await startTarget(['--rate-limit', '20']);
    try {
      const env = processedCountEnv(target.url);
      const single = await stress('hft', target.url, 1, env);
      const merged = await stress('hft', target.url, 2, env);
      hftMerged = merged;
      assert.equal(single.code, 0, single.output);
      assert.equal(merged.code, 0, merged.output);
      assert.deepEqual(outcomes(merged.verdict), outcomes(single.verdict));
      const c = merged.merged.aggregate.counters;
      assert.equal(c['webhook.sent'], 100, 'the same total load');
      assert.equal(merged.merged.aggregate.summaries['http.response_time']?.count, 100, 'histograms merged');
      const [g0, g1] = generatorFiles(merged, 'hft').map((f) => readJson<Output>(f).aggregate.counters);
      assert.equal(g0?.['webhook.sent'], 50);
      assert.equal(g1?.['webhook.sent'], 50);
      assert.equal(c['server.sampling_parties'], 1);
      assert.equal(g1?.['server.samples'], 0, 'generator 1 does not sample');
      assert.match(merged.output, /\[g1\] Server monitor: generator 1 of a scale-out, generator 0 samples the server/);
      for (const name of Object.keys(g0 ?? {}).filter((n) => n.startsWith('server.')))
        assert.equal(c[name], g0?.[name], `${name} is generator 0's, not a sum`);
      assert.ok((c['server.memory_peak_mb'] ?? 0) > 0, 'the server was sampled');
    } finally {
      await target.stop();
    }
  });

  it('burst: exactly-once across 2 generators on the server count, same verdict as 1 generator', async () => {
    const target = await startTarget();
    try {
      const env = processedCountEnv(target.url);
      const single = await stress('burst', target.url, 1, env);
      const merged = await stress('burst', target.url, 2, env);
      assert.equal(merged.code, 0, merged.output);
      assert.deepEqual(outcomes(merged.verdict), outcomes(single.verdict));
      const c = merged.merged.aggregate.counters;
      assert.equal(c['webhook.sent'], 200, 'every generator sends the whole burst of one shared signal');
      assert.equal(c['webhook.executions'], 1, 'measured once, by the orchestrator');
      const lag = merged.merged.aggregate.summaries['burst.release_lag_ms'];
      assert.equal(lag?.count, 2, 'one burst per generator');
      assert.ok((lag?.max ?? 999) - (lag?.min ?? 0) <= 250, 'released together, within the idempotency window');
      assert.equal(c['webhook.processed'], 1);
    } finally {
      await target.stop();
    }
  });

  it('burst on a racy server (--fault race): the exactly-once gate fails across 2 generators, alone', async () => {
    const target = await startTarget(['--fault', 'race']);
    try {
      const run = await stress('burst', target.url, 2, processedCountEnv(target.url));
      assert.equal(run.code, 1, run.output);
      assert.deepEqual(
        run.verdict.gates.filter((g) => !g.passed).map((g) => g.expression),
        ['webhook.executions == 1'],
      );
      assert.ok((run.merged.aggregate.counters['webhook.executions'] ?? 0) > 1);
    } finally {
      await target.stop();
    }
  });

  for (const [mode, fails] of [
    ['atomic', []],
    ['racy', ['webhook.executions == 1']],
  ] as const) {
    it(`independent receiver, ${mode} idempotency: burst across 2 generators ${fails.length ? 'fails' : 'passes'} exactly-once`, async () => {
      const receiver = await startReceiver(['--idempotency', mode]);
      try {
        const run = await stress('burst', receiver.url, 2, {
          WEBHOOK_TOKEN: 'trader1',
          WEBHOOK_SECRET: 'unused-secret',
          WEBHOOK_PATH: '/hook/{token}',
          PROCESSED_COUNT_URL: `${receiver.url}/metrics`,
          PROCESSED_COUNT_METRIC: 'signals_processed_total{receiver="fixture"}',
        });
        assert.deepEqual(
          run.verdict.gates.filter((g) => !g.passed).map((g) => g.expression),
          [...fails],
          run.output,
        );
        const executions = run.merged.aggregate.counters['webhook.executions'] ?? 0;
        if (mode === 'atomic') assert.equal(executions, 1);
        else assert.ok(executions > 1, `racy: ${executions} executions`);
      } finally {
        await stopReceiver(receiver.child);
      }
    });
  }

  it('distinct streams: 2 generators send no signal content twice (a receiver that dedupes by content executes 100 hft + 1 burst)', async () => {
    const dir = tempDir('streams');
    const record = path.join(dir, 'executed.jsonl');
    const secret = `whsec_${Buffer.from('two-generators-test-key-32-bytes!').toString('base64')}`;
    const run = await rerunWhileInvalid(
      'hft,burst',
      async () => {
        rmSync(record, { force: true });
        const receiver = spawn(
          process.execPath,
          [
            path.join(ROOT, 'test/fixtures/standard-webhooks-receiver.ts'),
            ...['--secret', secret, '--dedupe', 'content', '--record', record],
          ],
          { stdio: ['ignore', 'pipe', 'pipe'] },
        );
        const url = await listeningUrl(receiver, 'receiver');
        try {
          const reports = tempDir('streams-run');
          const args = ['scripts/stress.ts', '--only', 'hft,burst', '--target', url, '--reports-dir', reports];
          return await spawnNode([...args, '--generators', '2'], {
            SIGNING_SCHEME: 'standard',
            WEBHOOK_TOKEN: 'trader1',
            WEBHOOK_SECRET: secret,
            WEBHOOK_PATH: '/webhooks/{token}',
            PROCESSED_COUNT_URL: `${url}/metrics`,
            PROCESSED_COUNT_METRIC: 'webhook_events_executed_total',
            SERVER_PORT: new URL(url).port,
          });
        } finally {
          await stopReceiver(receiver);
        }
      },
      (r) => /^\S+[ \t]+INVALID[ \t].*$/m.exec(r.output)?.[0],
    );
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /^hft\s+PASS/m);
    assert.match(run.output, /^burst\s+PASS/m);
    const executed = readFileSync(record, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.equal(executed.length, 101, 'every hft signal is its own content, and the burst one signal');
    const content = (s: Record<string, unknown>) =>
      JSON.stringify([s.action, s.symbol, s.quantity, s.price, s.comment]);
    assert.equal(new Set(executed.map(content)).size, 101);
    assert.equal(new Set(executed.map((s) => s.signal_id)).size, 101);
    // Only the sampling generator prints the server gates; the other one says who samples. No
    // generator prints the exactly-once gate: the orchestrator reads the count around them all.
    assert.doesNotMatch(run.output, /\[g1\]\s+\S+: server\./);
    assert.match(run.output, /\[g1\] Server monitor: generator 1 of a scale-out, generator 0 samples the server/);
    assert.match(run.output, /\[g0\]\s+pass: server\.worker_crashes == 0/);
    assert.doesNotMatch(run.output, /\[g\d\].*(NOT MEASURED|FAIL|fail): webhook\.executions/);
    assert.match(run.output, /^\s+pass: webhook\.executions == 1/m);
  });

  it('report --merge: generator files judged again; a server sampled by both files counted once; files without sketches leave percentiles not measured', async (t) => {
    if (!hftMerged) return t.skip('needs the hft run above');
    const [g0, g1] = generatorFiles(hftMerged, 'hft') as [string, string];
    const report = (files: string[], extra: string[] = []) => {
      const dir = tempDir('report');
      const args = ['scripts/report.ts', '--merge', 'scenarios/hft.yml', ...files, '--reports-dir', dir, ...extra];
      return spawnNode(args, {}).then((r) => ({ ...r, dir, ...scenarioResult(dir, 'hft') }));
    };
    const again = await report([g0, g1]);
    assert.equal(again.code, 0, again.output);
    assert.deepEqual(outcomes(again.verdict), outcomes(hftMerged.verdict));
    // One JUnit test case per gate of hft.yml (its validity gate on the generator's spacing included).
    assert.equal(
      (readFileSync(path.join(again.dir, again.verdict.files.junit), 'utf8').match(/<testcase /g) ?? []).length,
      7,
    );

    // Both files sampled the server (as run-fargate workers all do): each figure is one party's, from its gauge.
    const twice = await report([g0, g0]);
    assert.equal(twice.code, 0, twice.output);
    assert.match(twice.output, /sampled the server 2 times; each server figure is the largest party's/);
    const single = readJson<Output>(g0).aggregate.counters;
    const doubled = twice.merged.aggregate.counters;
    assert.equal(doubled['webhook.sent'], 2 * (single['webhook.sent'] ?? 0), 'client counters add up');
    assert.equal(doubled['server.sampling_parties'], 2);
    for (const name of ['server.memory_peak_mb', 'server.worker_crashes', 'server.root_died', 'server.cpu_max_pct'])
      assert.equal(doubled[name], single[name], `${name} is not doubled`);

    // The server sampled by a party that is no generator (npm run monitor beside a cloud run): its health report.
    const healthFile = readdirSync(hftMerged.dir).find((f) => f.startsWith('server_health_report_hft-'));
    assert.ok(healthFile);
    const fromHealth = await report([g0, g1], ['--health', path.join(hftMerged.dir, healthFile)]);
    assert.equal(fromHealth.code, 0, fromHealth.output);
    assert.match(fromHealth.output, /server figures: from .*server_health_report_hft-.* \(one sampler\)/);
    for (const name of ['server.samples', 'server.memory_peak_mb', 'server.cpu_max_pct', 'server.worker_crashes'])
      assert.equal(fromHealth.merged.aggregate.counters[name], single[name], `${name} from the health report`);

    const plain = tempDir('plain');
    for (const [i, f] of [g0, g1].entries()) copyFileSync(f, path.join(plain, `g${i}.json`));
    const noSketches = await report([path.join(plain, 'g0.json'), path.join(plain, 'g1.json')]);
    assert.equal(noSketches.code, 1, noSketches.output);
    assert.match(noSketches.output, /percentiles: .* came without sketches/);
    assert.deepEqual(
      noSketches.verdict.gates.filter((g) => !g.passed).map((g) => g.expression),
      ['http.response_time.p95 < 200'],
    );

    const bad = await spawnNode(
      ['scripts/report.ts', '--merge', 'scenarios/hft.yml', path.join(plain, 'none.json')],
      {},
    );
    assert.equal(bad.code, 2);
    assert.equal(bad.output.trim().split('\n').length, 1, bad.output);
    assert.match(bad.output, /^report: cannot read .*none\.json; check the path/);
  });
});
