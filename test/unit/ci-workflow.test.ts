// The GitHub Actions example (.github/workflows/stress.yml) cannot run here; its YAML is parsed
// and the steps it relies on are checked: npm pinned to a version that honours allowScripts
// before the install, the verdict table in the job summary, junit.xml consumed, telemetry off.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { ROOT } from '../../reference-server/launch.ts';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  jobs: Record<string, { env?: Record<string, string>; steps: Step[] }>;
}

const workflow = parse(readFileSync(path.join(ROOT, '.github/workflows/stress.yml'), 'utf8')) as Workflow;
const job = workflow.jobs.stress;
const steps = job?.steps ?? [];
const indexOf = (test: (s: Step) => boolean, what: string): number => {
  const i = steps.findIndex(test);
  assert.notEqual(i, -1, `no step that ${what}`);
  return i;
};
const NPM_PIN = /\bnpm (?:install|i) -g npm@(\d+)\.(\d+)\.(\d+)\s*$/m;

describe('the GitHub Actions example', () => {
  it('pins an exact npm >= 11.16 before anything is installed', () => {
    const pin = indexOf((s) => NPM_PIN.test(s.run ?? ''), 'installs an exact npm');
    const [, major, minor] = (NPM_PIN.exec(steps[pin]?.run ?? '') ?? []).map(Number);
    assert.ok((major ?? 0) > 11 || (major === 11 && (minor ?? 0) >= 16), `npm ${major}.${minor} ignores allowScripts`);
    const install = indexOf((s) => /\bnpm ci\b/.test(s.run ?? ''), 'runs npm ci');
    assert.ok(pin < install, 'npm must be pinned before npm ci');
    const earlier = steps.slice(0, pin).filter((s) => /\bnpm (?:ci|install|i)\b(?! -g npm@)/.test(s.run ?? ''));
    assert.deepEqual(earlier, []);
  });

  it('writes the verdict table to the job summary, even when the suite failed', () => {
    const stress = indexOf((s) => /\bnpm run stress\b/.test(s.run ?? ''), 'runs the suite');
    const summary = indexOf((s) => /ci-summary/.test(s.run ?? ''), 'writes the summary');
    assert.ok(summary > stress);
    assert.equal(steps[summary]?.if, 'always()');
    assert.match(steps[summary]?.run ?? '', /npm run --silent ci-summary -- reports >> "\$GITHUB_STEP_SUMMARY"/);
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    assert.equal(pkg.scripts['ci-summary'], 'node bin/webhook-stress.js ci-summary');
  });

  it('consumes reports/junit.xml with a test reporter pinned to an exact version, failing on failures', () => {
    const junit = indexOf((s) => s.with?.report_paths === 'reports/junit.xml', 'reads reports/junit.xml');
    const step = steps[junit];
    assert.match(step?.uses ?? '', /^mikepenz\/action-junit-report@v\d+\.\d+\.\d+$/);
    assert.equal(step?.if, 'always()');
    assert.equal(step?.with?.fail_on_failure, true);
    assert.equal(step?.with?.require_tests, true);
    assert.ok(junit > indexOf((s) => /\bnpm run stress\b/.test(s.run ?? ''), 'runs the suite'));
  });

  it('keeps reports/ as an artifact, pins every action, and turns telemetry off', () => {
    const upload = indexOf((s) => (s.uses ?? '').startsWith('actions/upload-artifact@'), 'uploads an artifact');
    assert.equal(steps[upload]?.with?.path, 'reports/');
    assert.equal(steps[upload]?.if, 'always()');
    for (const s of steps.filter((x) => x.uses))
      assert.match(s.uses ?? '', /@v\d+(\.\d+\.\d+)?$/, `${s.uses} is not pinned`);
    assert.equal(job?.env?.ARTILLERY_DISABLE_TELEMETRY, 'true');
  });
});
