// A real run's HTML report, opened in headless Chromium: it draws, it is offline, and
// its verdict table is the run's gates. A screenshot is kept in test-artifacts/.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { provisionWebhooks } from '../../processors/lib/provision.ts';
import { readSettings } from '../../processors/lib/settings.ts';
import { ROOT, startTarget } from '../../target/launch.ts';
import { runScenario } from '../helpers/artillery.ts';
import { openReport } from '../helpers/browser.ts';

const ARTIFACTS = path.join(ROOT, 'test-artifacts');

describe('HTML report', () => {
  it('written after a run with a failing gate: draws every chart, offline, verdict table = gates', async () => {
    const target = await startTarget(['--workers', '2', '--fault', 'no-rate-limit']);
    const [webhook] = await provisionWebhooks(target.url, readSettings({}), 1);
    assert.ok(webhook);
    const run = await runScenario('rate-limit', target.url, {
      WEBHOOK_TOKEN: webhook.token,
      WEBHOOK_SECRET: webhook.secret,
    }).finally(() => target.stop());
    assert.equal(run.code, 1, run.output);
    const html = path.join(run.reportsDir, run.verdict?.files.html ?? 'missing.html');
    mkdirSync(ARTIFACTS, { recursive: true });
    const page = await openReport(html, path.join(ARTIFACTS, 'report-rate-limit.png'));

    assert.deepEqual(page.errors, []);
    assert.deepEqual(
      page.charts.map((c) => c.id),
      ['rate', 'latency', 'outcomes', 'memory', 'cpu'],
    );
    for (const chart of page.charts)
      assert.ok(chart.canvas && chart.points > 0, `${chart.id} drew ${chart.points} points`);
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

  it('npm run report rebuilds a report from the saved --output JSON', async () => {
    const target = await startTarget();
    const run = await runScenario('rate-limit', target.url).finally(() => target.stop());
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
