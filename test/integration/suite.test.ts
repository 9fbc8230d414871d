// `npm run stress`, as a user runs it: against the embedded target it passes; against
// a faulty server given with --target it fails, naming the gate in the summary and JUnit.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { processedCountEnv, ROOT, startTarget } from '../../reference-server/launch.ts';
import { rerunWhileInvalid } from '../helpers/rerun-invalid.ts';

async function stress(
  args: string[],
  interruptWhen?: (output: string) => boolean,
  env: Record<string, string> = {},
): Promise<{ code: number | null; output: string; dir: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'suite-'));
  const child = spawn(process.execPath, ['scripts/stress.ts', '--reports-dir', dir, '--cool-down', '1', ...args], {
    cwd: ROOT,
    // No profile of the checkout: each test states what the suite reads.
    env: { ...process.env, WEBHOOK_STRESS_PROFILE: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let interrupted = false;
  child.stdout.on('data', (c: Buffer) => {
    output += c.toString();
    if (interruptWhen && !interrupted && interruptWhen(output)) {
      interrupted = true;
      child.kill('SIGINT');
    }
  });
  child.stderr.on('data', (c: Buffer) => {
    output += c.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  return { code, output, dir };
}

/**
 * stress, run again (at most four times) while a scenario's summary row says INVALID: a burst smeared
 * by other load on the machine is not a verdict, and these tests assert verdicts.
 * `start` gives each attempt a fresh server (and stops it after).
 */
async function judgedStress(
  args: string[],
  env: Record<string, string> = {},
  start?: () => Promise<{ args: string[]; env: Record<string, string>; stop: () => Promise<void> }>,
): Promise<{ code: number | null; output: string; dir: string }> {
  const attempt = async () => {
    const server = await start?.();
    return stress([...args, ...(server?.args ?? [])], undefined, { ...env, ...server?.env }).finally(() =>
      server?.stop(),
    );
  };
  return rerunWhileInvalid(
    `stress ${args.join(' ')}`,
    attempt,
    (run) => /^\S+[ \t]+INVALID[ \t].*$/m.exec(run.output)?.[0],
  );
}

describe('npm run stress', () => {
  it('a failed preflight stops the suite before any load, and the summary says why', async () => {
    const { code, output } = await stress(['--only', 'preflight,hft'], undefined, {
      RESPONSE_ID_FIELD: 'no_such_field',
    });
    assert.equal(code, 1, output);
    assert.match(
      output,
      /=== preflight failed: the receiver's answer is not the contract the pack expects; no load was sent/,
    );
    assert.match(output, /^preflight\s+FAIL/m);
    assert.match(output, /preflight: plugins\.expect\.failed == 0 and plugins\.expect\.ok > 0/);
    assert.doesNotMatch(output, /=== 2\/2 hft/);
  });

  it('given fewer webhooks than a chosen scenario needs: one line and exit 2 before any load', async () => {
    const { code, output, dir } = await stress(['--only', 'hft,sustained'], undefined, {
      WEBHOOK_TOKEN: 'tok1,tok2',
      WEBHOOK_SECRET: 'Sec1-Value,Sec2-Value',
    });
    assert.equal(code, 2, output);
    assert.equal(
      output.trim(),
      'stress: sustained spreads its load over 20 webhooks (webhookPool) but WEBHOOK_TOKEN gives 2: each would be sent past its rate limit; give 20 comma-separated WEBHOOK_TOKEN and WEBHOOK_SECRET values, or unset both so the pack creates them (a receiver without a per-webhook limit: --variables \'{"webhookPool": 2}\')',
    );
    assert.deepEqual(readdirSync(dir), [], 'no report: nothing was run');
  });

  it('against the embedded reference target: exit 0, summary table, index page, JUnit', async () => {
    const { code, output, dir } = await judgedStress(['--only', 'rate-limit,idempotency']);
    assert.equal(code, 0, output);
    assert.match(output, /Started the reference target at http:\/\/127\.0\.0\.1:\d+/);
    assert.match(output, /^rate-limit\s+PASS\s+100\.0 %/m);
    assert.match(output, /^idempotency\s+PASS/m);
    assert.match(readFileSync(path.join(dir, 'index.html'), 'utf8'), /Stress suite: PASS/);
    const junit = readFileSync(path.join(dir, 'junit.xml'), 'utf8');
    assert.equal((junit.match(/<testcase /g) ?? []).length, 12, 'rate-limit has 6 gates, idempotency 6');
    assert.doesNotMatch(junit, /<failure/);
  });

  it('against a faulty server (--target): non-zero exit, the failing gate named in summary and JUnit', async () => {
    // A user's server: the suite does not know its processed counter, the user names it.
    const { code, output, dir } = await judgedStress(['--only', 'burst'], {}, async () => {
      const target = await startTarget(['--fault', 'race']);
      return { args: ['--target', target.url], env: processedCountEnv(target.url), stop: target.stop };
    });
    assert.equal(code, 1, output);
    assert.match(output, /^burst\s+FAIL/m);
    assert.match(output, /^ {2}burst: webhook\.executions == 1$/m);
    const junit = readFileSync(path.join(dir, 'junit.xml'), 'utf8');
    assert.match(junit, /<failure message="gate failed: webhook\.executions == 1 \(webhook\.executions = \d+\)"\/>/);
  });

  it('Ctrl-C: stops the scenario and the target it started, keeps the reports, exit 130', async () => {
    const { code, output, dir } = await stress(['--only', 'sustained,idempotency'], (out) =>
      /Phase started: sustained/.test(out),
    );
    assert.equal(code, 130, output);
    const pid = Number(/reference target at \S+ \(pid (\d+)\)/.exec(output)?.[1]);
    assert.ok(pid > 0 && !existsSync(`/proc/${pid}`), 'the reference target is stopped');
    assert.match(output, /^sustained\s+INTERRUPTED/m);
    assert.match(output, /Run interrupted: gates not judged/);
    assert.doesNotMatch(output, /=== 2\/2 idempotency/);
    const files = readdirSync(dir);
    assert.ok(
      files.some((f) => /^sustained-.*\.html$/.test(f)),
      `the interrupted run's HTML report: ${files}`,
    );
    assert.ok(files.some((f) => f.startsWith('server_health_report_')));
    assert.ok(files.includes('index.html') && files.includes('junit.xml'));
  });
});
