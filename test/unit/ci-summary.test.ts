// The CI job summary: real verdict files (test/fixtures/verdicts, written by `npm run stress --
// --only preflight,hft,burst` and by hft against the reference target's `--fault slow`) rendered
// as Markdown tables, and the ci-summary script choosing the newest run of each scenario.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Verdict } from 'webhook-stress-report';
import { ROOT } from '../../reference-server/launch.ts';
import { markdownSummary } from '../../scripts/lib/markdown-summary.ts';

const FIXTURES = path.join(ROOT, 'test/fixtures/verdicts');
const read = (name: string) => JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8')) as Verdict;
const SLOW_HFT = read('hft-2026-11-29T09-49-28.verdict.json');
const BURST = read('burst-2026-11-29T09-49-15.verdict.json');

describe('markdownSummary', () => {
  it('one table per scenario: gate | result | measured, the failed gate with its value', () => {
    const lines = markdownSummary([SLOW_HFT]).split('\n');
    assert.equal(lines[0], '## Stress verdict: FAIL (1 scenarios: 0 PASS, 1 FAIL, 0 INVALID)');
    assert.deepEqual(lines.slice(2, 6), ['### hft: FAIL', '', '| gate | result | measured |', '| --- | --- | --- |']);
    assert.equal(lines[6], '| `http.response_time.p95 < 200` | FAIL | http.response_time.p95 = 301.9 |');
    assert.equal(lines[7], '| `webhook.rate_limited == 0` | pass | webhook.rate_limited = 0 |');
    assert.equal(lines.filter((l) => l.startsWith('| `')).length, SLOW_HFT.gates.length);
  });

  it('an INVALID run: the validity gate INVALID, the others not judged, the reason shown', () => {
    const invalid: Verdict = structuredClone(BURST);
    const validity = invalid.gates[0];
    assert.ok(validity?.validity);
    validity.passed = false;
    validity.measured = { 'burst.dispatch_spread_ms.max': 9.2 };
    invalid.passed = false;
    invalid.invalid = 'burst.dispatch_spread_ms.max <= 5 does not hold [burst.dispatch_spread_ms.max = 9.2]';
    const text = markdownSummary([invalid]);
    assert.match(text, /^### burst: INVALID$/m);
    assert.match(text, /^Not judged: burst\.dispatch_spread_ms\.max <= 5 does not hold/m);
    assert.match(
      text,
      /^\| `burst\.dispatch_spread_ms\.max <= 5` \| INVALID \| burst\.dispatch_spread_ms\.max = 9\.2 \|$/m,
    );
    assert.equal(text.match(/\| not judged \|/g)?.length, BURST.gates.length - 1);
  });

  it('a failed non-strict gate is a warning; pipes and unmeasured values stay inside their cell', () => {
    const warned: Verdict = structuredClone(SLOW_HFT);
    warned.gates = [{ expression: 'a.b | c', passed: false, strict: false, measured: { 'a.b': null } }];
    assert.match(markdownSummary([warned]), /^\| `a\.b \\\| c` \| warn \| a\.b = not measured \|$/m);
  });

  it('no verdict at all is a FAIL that says so', () => {
    assert.match(markdownSummary([]), /^## Stress verdict: FAIL \(0 scenarios.*\n\nNo verdict file found/);
  });
});

describe('npm run ci-summary', () => {
  const script = path.join(ROOT, 'scripts/ci-summary.ts');

  it('prints the newest verdict of each scenario, in suite order', () => {
    const run = spawnSync(process.execPath, [script, FIXTURES], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const expected = markdownSummary([
      read('preflight-2026-11-29T09-48-18.verdict.json'),
      SLOW_HFT, // newer than the passing hft in the same folder
      BURST,
    ]);
    assert.equal(run.stdout, expected);
  });

  it('a folder that does not exist: one line, exit 2', () => {
    const run = spawnSync(process.execPath, [script, path.join(FIXTURES, 'missing')], { encoding: 'utf8' });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /^ci-summary: no reports folder .*missing; give the folder npm run stress wrote/);
    assert.equal(run.stderr.trim().split('\n').length, 1);
  });
});
