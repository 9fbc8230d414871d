// Real runs' HTML reports, opened in headless Chromium: every chart draws (a 1-second
// burst and a 30-second run alike), offline, the verdict table is the run's gates; a
// regression against a baseline fails the run and shows side by side; the index page
// trends every kept run. Screenshots are kept in test-artifacts/.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { provisionWebhooks } from '../../processors/lib/provision.ts';
import { readSettings } from '../../processors/lib/settings.ts';
import { listeningUrl, processedCountEnv, ROOT, startTarget } from '../../reference-server/launch.ts';
import { failedGates, runJudgedScenario } from '../helpers/artillery.ts';
import { openReport } from '../helpers/browser.ts';

const ARTIFACTS = path.join(ROOT, 'test-artifacts');
mkdirSync(ARTIFACTS, { recursive: true });

const reportOf = (run: { reportsDir: string; verdict?: { files: { html: string } } | undefined }) =>
  path.join(run.reportsDir, run.verdict?.files.html ?? 'missing.html');

function assertEveryChartDraws(charts: { id: string; points: number; canvas: boolean }[]): void {
  for (const chart of charts) assert.ok(chart.canvas && chart.points > 0, `${chart.id} drew ${chart.points} points`);
}

/** The independent fixture receiver (test/fixtures/receiver.ts), on a port of its choosing. */
async function startReceiver(args: string[]): Promise<{ url: string; stop: () => Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, 'test/fixtures/receiver.ts'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await listeningUrl(child, 'receiver');
  return {
    url,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

describe('HTML report', () => {
  it('a 1-second burst: every request drawn by dispatch offset and outcome, every chart draws', async () => {
    const target = await startTarget();
    const run = await runJudgedScenario('burst', target.url, processedCountEnv(target.url)).finally(() =>
      target.stop(),
    );
    assert.equal(run.code, 0, run.output);
    const page = await openReport(reportOf(run), path.join(ARTIFACTS, 'report-burst.png'));
    assert.deepEqual(page.errors, []);
    assert.deepEqual(
      page.charts.map((c) => c.id),
      ['rate', 'burst-scatter', 'latency-histogram', 'latency-cdf', 'outcomes-per-second', 'memory', 'cpu'],
    );
    assertEveryChartDraws(page.charts);
    assert.equal(page.charts.find((c) => c.id === 'burst-scatter')?.points, 100, 'one point per request');
    const html = readFileSync(reportOf(run), 'utf8');
    for (const outcome of ['accepted', 'duplicate', 'rate_limited'])
      assert.match(html, new RegExp(`"label":"${outcome}"`));
  });

  it('a 10-second run: per-request timeline, histogram, CDF, outcomes per second; settings as a table', async () => {
    const target = await startTarget();
    // 10 s, not the scenario's 30: what is proven is one point per request and every chart drawn,
    // which 1,000 requests show as well as 3,000 (issue 17: shorter where length proves nothing).
    const overrides = JSON.stringify({ config: { phases: [{ name: 'sustained', arrivalRate: 100, duration: 10 }] } });
    const run = await runJudgedScenario('sustained', target.url, processedCountEnv(target.url), { overrides }).finally(
      () => target.stop(),
    );
    // The charts are what this proves, not the verdict: a p95 over 200 ms on a loaded lane (it
    // happened once, at 247 ms) is a FAIL whose report draws the same charts.
    assert.ok(run.verdict && run.verdict.invalid === undefined, run.output);
    const page = await openReport(reportOf(run), path.join(ARTIFACTS, 'report-sustained.png'));
    assert.deepEqual(page.errors, []);
    assert.deepEqual(
      page.charts.map((c) => c.id),
      ['rate', 'request-timeline', 'latency-histogram', 'latency-cdf', 'outcomes-per-second', 'memory', 'cpu'],
    );
    assertEveryChartDraws(page.charts);
    assert.ok((page.charts.find((c) => c.id === 'request-timeline')?.points ?? 0) >= 950, 'one point per request');
    const html = readFileSync(reportOf(run), 'utf8');
    assert.match(html, /sustained: 100\/s for 10 s/);
    assert.doesNotMatch(html, /\{&quot;|\{"name"/, 'no raw JSON in the settings table');
    const files = readdirSync(run.reportsDir).filter((f) => f !== 'artillery.json' && f !== 'index.html');
    const stamp = /(\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d)/.exec(run.verdict?.files.html ?? '')?.[1];
    assert.ok(stamp && files.every((f) => f.includes(stamp)), `one stamp for every file of the run: ${files}`);
  });

  it('written after a run with a failing gate: the limiter drawn against its band; verdict table = gates', async () => {
    const target = await startTarget(['--workers', '2', '--fault', 'no-rate-limit']);
    const [webhook] = await provisionWebhooks(target.url, readSettings({}), 1);
    assert.ok(webhook);
    const run = await runJudgedScenario('rate-limit', target.url, {
      WEBHOOK_TOKEN: webhook.token,
      WEBHOOK_SECRET: webhook.secret,
    }).finally(() => target.stop());
    assert.equal(run.code, 1, run.output);
    const html = reportOf(run);
    const page = await openReport(html, path.join(ARTIFACTS, 'report-rate-limit.png'));
    assert.deepEqual(page.errors, []);
    assert.deepEqual(
      page.charts.map((c) => c.id),
      [
        'rate',
        'burst-scatter',
        'limit-timeline',
        'latency-histogram',
        'latency-cdf',
        'outcomes-per-second',
        'memory',
        'cpu',
      ],
    );
    assertEveryChartDraws(page.charts);
    assert.equal(page.verdict, 'FAIL');
    assert.deepEqual(
      page.gateRows,
      (run.verdict?.gates ?? []).map((g) => ({ status: g.passed ? 'PASS' : 'FAIL', gate: g.expression })),
    );
    assert.doesNotMatch(readFileSync(html, 'utf8'), /(src|href)=["']?(https?:)?\/\//i, 'nothing loaded from elsewhere');
    for (const file of readdirSync(run.reportsDir)) {
      const text = readFileSync(path.join(run.reportsDir, file), 'utf8');
      assert.ok(!text.includes(webhook.secret), `the webhook secret is not in ${file}`);
      assert.ok(!text.includes(webhook.token), `the webhook token is not in ${file}`);
    }
    assert.ok(!run.output.includes(webhook.secret), 'the webhook secret is not in the console');
  });

  it('baseline (independent receiver): every 5th answer 120 ms late fails only the baseline row; a control passes; the index trends all runs', async () => {
    const tolerances = path.join(mkdtempSync(path.join(tmpdir(), 'tolerances-')), 'tolerances.json');
    // Wide enough for a loaded test machine (the lane runs three files at once: a control's p50 or
    // memory growth beyond the default tolerances failed it once); every 5th answer 120 ms late is
    // still beyond the p95 row's, and moves no other figure.
    writeFileSync(
      tolerances,
      JSON.stringify({
        'http.response_time.p50': '+100% +30',
        'http.response_time.p95': '+100% +60',
        'http.response_time.p99': 'off',
        'server.memory_growth_mb': '+100% +30',
      }),
    );
    const credentials = { WEBHOOK_TOKEN: 'trader1', WEBHOOK_SECRET: 'unused-secret', WEBHOOK_PATH: '/hook/{token}' };
    const runOn = async (args: string[], env: Record<string, string> = {}) => {
      const receiver = await startReceiver(args);
      try {
        // INVALID (a generator starved by the lane's load) is no run at all: run again, as every test does.
        return await runJudgedScenario('hft', receiver.url, { ...credentials, ...env });
      } finally {
        await receiver.stop();
      }
    };
    // The baseline must be a passing run: one judged run, asserted, never re-run until it passes.
    const baseline = await runOn([]);
    assert.equal(baseline.code, 0, baseline.output);
    const compared = { BASELINE_DIR: baseline.reportsDir, BASELINE_TOLERANCES: tolerances };
    const control = await runOn([], compared);
    assert.equal(control.code, 0, control.output);
    assert.match(control.output, /Baseline: comparing with .*hft-.*\.verdict\.json/);
    const slow = await runOn(['--slow-every', '5', '--slow-ms', '120'], compared);
    assert.equal(slow.code, 1, slow.output);
    assert.deepEqual(
      failedGates(slow).map((g) => g.replace(/\d+(\.\d+)?/g, 'N')),
      ['baseline: http.response_time.pN N vs baseline N (tolerance +N% +N: at most N)'],
      slow.output,
    );
    assert.match(
      slow.output,
      /FAIL: baseline: http\.response_time\.p95 [\d.]+ vs baseline [\d.]+ \(tolerance \+100% \+60/,
    );
    const junit = readFileSync(path.join(slow.reportsDir, slow.verdict?.files.junit ?? ''), 'utf8');
    assert.match(junit, /<failure message="gate failed: baseline: http\.response_time\.p95/);

    const page = await openReport(reportOf(slow), path.join(ARTIFACTS, 'report-baseline.png'));
    assert.deepEqual(page.errors, []);
    assert.deepEqual(
      page.baselineRows.map((r) => [r.figure, r.result]),
      [
        ['p50 response (ms)', 'PASS'],
        ['p95 response (ms)', 'REGRESSION'],
        ['as expected (%)', 'PASS'],
        ['rate-limited (%)', 'PASS'],
        ...page.baselineRows.slice(4).map((r) => [r.figure, 'PASS']),
      ],
    );
    assert.equal(page.verdict, 'FAIL');

    // One scenario, two runs: the compare command says the same.
    const verdictOf = (run: typeof slow) =>
      path.join(run.reportsDir, `${run.verdict?.files.html.replace(/\.html$/, '')}.verdict.json`);
    const cli = spawnSync(
      process.execPath,
      ['scripts/report.ts', '--compare', verdictOf(baseline), verdictOf(slow), '--tolerances', tolerances],
      { cwd: ROOT, encoding: 'utf8' },
    );
    assert.equal(cli.status, 1, cli.stdout + cli.stderr);
    assert.match(cli.stdout, /^FAIL: baseline: http\.response_time\.p95 /m);

    // The trend page of a folder keeping all three runs.
    const kept = mkdtempSync(path.join(tmpdir(), 'kept-'));
    for (const run of [baseline, control, slow])
      for (const f of readdirSync(run.reportsDir))
        if (f !== 'artillery.json') copyFileSync(path.join(run.reportsDir, f), path.join(kept, f));
    const index = spawnSync(process.execPath, ['scripts/report.ts', '--index', kept], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(index.status, 0, index.stderr);
    const trend = await openReport(path.join(kept, 'index.html'), path.join(ARTIFACTS, 'trend.png'));
    assert.deepEqual(trend.errors, []);
    assert.deepEqual(
      trend.charts.map((c) => c.id),
      ['trend-0'],
    );
    assert.ok((trend.charts[0]?.points ?? 0) >= 6, 'p95 and as-expected of three runs');
    for (const run of [baseline, control, slow]) assert.ok(trend.links.includes(run.verdict?.files.html ?? '?'));
    assert.ok(trend.links.some((l) => l.startsWith('server_health_report_hft-')));
    assert.ok(trend.links.some((l) => l.startsWith('monitor_hft-')));
  });

  it('npm run report rebuilds a report from the saved --output JSON', async () => {
    const target = await startTarget();
    const run = await runJudgedScenario('rate-limit', target.url).finally(() => target.stop());
    const input = path.join(run.reportsDir, 'artillery.json');
    const verdictFile = path.join(run.reportsDir, `${run.verdict?.files.html.replace(/\.html$/, '')}.verdict.json`);
    const out = path.join(run.reportsDir, 'rebuilt.html');
    const cli = spawnSync(process.execPath, ['scripts/report.ts', input, '--verdict', verdictFile, '--out', out], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    assert.equal(cli.status, 0, cli.stderr);
    assert.ok(statSync(out).size > 10_000);
    const page = await openReport(out);
    assert.deepEqual(page.errors, []);
    assert.equal(page.verdict, 'PASS');
    assert.ok(page.charts.every((c) => c.points > 0));
  });

  it('npm run report explains a wrong input in one line', () => {
    const cli = spawnSync(process.execPath, ['scripts/report.ts', 'package.json'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(cli.status, 2);
    assert.equal(
      cli.stderr.trim(),
      'report: package.json has no "aggregate" section; give the file written by artillery run --output',
    );
  });
});
