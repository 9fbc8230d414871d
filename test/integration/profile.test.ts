// One profile for every command: `npm run target` writes the reference target's, and the design
// card's `npx artillery run scenarios/burst.yml` then passes in that folder with no setting typed;
// the precedence is flag > environment > profile > default, the same for npm run stress,
// Artillery's own --dotenv and the profile found in the folder.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { applyProfileTo, DEFAULT_PROFILE, profileFile } from 'webhook-stress-common';
import { readSettings } from '../../processors/lib/settings.ts';
import { listeningUrl, ROOT } from '../../reference-server/launch.ts';
import { writeTargetProfile } from '../../reference-server/target-profile.ts';
import { runCommand, runNode } from '../helpers/node-child.ts';
import { rerunWhileInvalid } from '../helpers/rerun-invalid.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const temp = (name: string) => {
  const d = mkdtempSync(path.join(tmpdir(), `pack-profile-${name}-`));
  dirs.push(d);
  return d;
};

describe('profile: precedence', () => {
  it('a profile fills in only what the environment leaves unset; off reads none', () => {
    const dir = temp('precedence');
    const file = path.join(dir, DEFAULT_PROFILE);
    writeFileSync(file, '# probed\nSIGNING_SCHEME=github\nIDEMPOTENCY_TTL_MS=5000\n');
    assert.equal(profileFile({}, dir), file, './webhook-stress.profile is found in the folder');
    assert.equal(profileFile({ WEBHOOK_STRESS_PROFILE: 'off' }, dir), undefined);
    assert.equal(profileFile({ WEBHOOK_STRESS_PROFILE: 'other.profile' }, dir), path.join(dir, 'other.profile'));
    const env: Record<string, string | undefined> = { WEBHOOK_STRESS_PROFILE: file, SIGNING_SCHEME: 'stripe' };
    const applied = applyProfileTo(env, dir);
    assert.deepEqual(applied?.applied, ['IDEMPOTENCY_TTL_MS']);
    assert.equal(env.SIGNING_SCHEME, 'stripe', 'the environment wins over the profile');
    assert.equal(env.IDEMPOTENCY_TTL_MS, '5000', 'the profile wins over the default');
    assert.equal(readSettings(env).scheme, 'stripe');
  });

  it('npm run stress: --scheme (a flag) > SIGNING_SCHEME (environment) > --profile > the default', async () => {
    const dir = temp('stress');
    const file = path.join(dir, 'p.profile');
    // A pool too small for sustained makes stress stop before any load, naming the scheme it read.
    writeFileSync(file, 'SIGNING_SCHEME=standard\nWEBHOOK_TOKEN=t1\nWEBHOOK_SECRET=not-base64!\n');
    const stress = (args: string[], env: Record<string, string> = {}) =>
      runNode(['scripts/stress.ts', '--only', 'sustained', '--target', 'http://127.0.0.1:9', ...args], {
        cwd: ROOT,
        env: { ...process.env, WEBHOOK_STRESS_PROFILE: 'off', ...env } as Record<string, string>,
      });
    const fromProfile = await stress(['--profile', file]);
    assert.equal(fromProfile.code, 2, fromProfile.output);
    assert.match(fromProfile.output, /WEBHOOK_SECRET cannot be used with SIGNING_SCHEME=standard/);
    const fromEnv = await stress(['--profile', file], { SIGNING_SCHEME: 'github' });
    assert.equal(fromEnv.code, 2, fromEnv.output);
    // github takes any text as its secret: the next check speaks, the profile's one webhook for sustained's 20.
    assert.match(
      fromEnv.output,
      /^stress: sustained spreads its load over 20 webhooks/m,
      'the environment wins over the profile',
    );
    const fromFlag = await stress(['--profile', file, '--scheme', 'standard'], { SIGNING_SCHEME: 'github' });
    assert.match(fromFlag.output, /SIGNING_SCHEME=standard/, 'the flag wins over the environment');
    const missing = await stress(['--profile', path.join(dir, 'nope.profile')]);
    assert.equal(missing.code, 2);
    assert.match(
      missing.output.trim(),
      /^stress: profile \S+nope\.profile does not exist; write one with npm run probe/,
    );
  });
});

describe("profile: the reference target's", () => {
  it('never overwrites a profile that is not its own', () => {
    const dir = temp('foreign');
    writeFileSync(path.join(dir, DEFAULT_PROFILE), '# probed by npm run probe\nSIGNING_SCHEME=standard\n');
    const written = writeTargetProfile(dir, 'http://127.0.0.1:8123');
    assert.equal(path.basename(written.file), 'reference-target.profile');
    assert.match(written.note ?? '', /^kept webhook-stress\.profile \(not the target's\); to run against the target:/);
    assert.match(readFileSync(path.join(dir, DEFAULT_PROFILE), 'utf8'), /probed by npm run probe/);
    // Its own it replaces.
    writeTargetProfile(dir, 'http://127.0.0.1:8123');
    rmSync(path.join(dir, DEFAULT_PROFILE));
    writeTargetProfile(dir, 'http://127.0.0.1:8124');
    assert.match(readFileSync(path.join(dir, DEFAULT_PROFILE), 'utf8'), /^PROFILE_TARGET=http:\/\/127\.0\.0\.1:8124$/m);
    assert.ok(!existsSync(path.join(dir, 'nothing')));
  });

  it("the card: npm run target, then npx artillery run scenarios/burst.yml in that folder passes on the target's own counter", async () => {
    const profile = path.join(ROOT, DEFAULT_PROFILE);
    assert.ok(
      !existsSync(profile),
      `${profile} exists (a profile of your own in the checkout): move it away to run this test, which writes that file`,
    );
    // `npm run target` as the README shows it, on port 8000 (the scenarios' config.target).
    const target: ChildProcess = spawn('npm', ['run', 'target'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    try {
      const url = await listeningUrl(target, 'reference target');
      assert.equal(url, 'http://127.0.0.1:8000', 'port 8000 was free');
      for (let i = 0; i < 50 && !existsSync(profile); i++) await new Promise((r) => setTimeout(r, 100));
      assert.match(readFileSync(profile, 'utf8'), /^PROCESSED_COUNT_METRIC=webhook_orders_processed_total$/m);
      const reports = temp('card');
      // As the README writes it (npx finds the project's Artillery and its Node 22).
      // A burst smeared by other load is INVALID, not a verdict: run again as every burst test does.
      const run = await rerunWhileInvalid(
        'the card',
        () =>
          runCommand('npx', ['artillery', 'run', 'scenarios/burst.yml'], {
            cwd: ROOT,
            env: { ...process.env, ARTILLERY_DISABLE_TELEMETRY: 'true', REPORTS_DIR: reports },
          }),
        (r) => /^INVALID run, gates not judged: (.*)$/m.exec(r.output)?.[1],
      );
      assert.equal(run.code, 0, run.output);
      assert.match(run.output, /Profile: webhook-stress\.profile/);
      assert.match(run.output, /pass: webhook\.executions == 1 {2}\[webhook\.executions = 1\]/);
    } finally {
      if (target.pid) process.kill(-target.pid, 'SIGTERM');
      await once(target, 'exit');
      rmSync(profile, { force: true });
    }
  });
});
