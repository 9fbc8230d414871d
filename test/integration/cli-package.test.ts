// The pack without cloning it: the `webhook-stress` command and its packages, packed with npm and
// installed into an empty folder outside the repository, used as a newcomer would from there:
// the reference target (which writes its profile into the folder), one scenario, the suite.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT } from '../../reference-server/launch.ts';
import { packageTestEnv } from '../helpers/package-env.ts';
import { rerunWhileInvalid } from '../helpers/rerun-invalid.ts';

const WORKSPACES = ['packages/common', 'packages/report', 'plugins/server-monitor', 'plugins/verdict', 'engines/burst'];
// As the pack's own package.json: npm >= 11.16 then skips the Chromium download (closed network, not needed).
const ALLOW_SCRIPTS = { '@playwright/browser-chromium': false, node: true, protobufjs: true, 'unix-dgram': false };

interface Finished {
  code: number | null;
  output: string;
  seconds: number;
}

async function run(command: string, args: string[], cwd: string, timeoutMs = 240_000): Promise<Finished> {
  const started = performance.now();
  const child = spawn(command, args, { cwd, env: packageTestEnv, detached: true });
  let output = '';
  child.stdout.on('data', (c: Buffer) => {
    output += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    output += c.toString();
  });
  const timer = setTimeout(() => process.kill(-(child.pid as number), 'SIGKILL'), timeoutMs);
  const [code] = (await once(child, 'close')) as [number | null];
  clearTimeout(timer);
  return { code, output, seconds: (performance.now() - started) / 1000 };
}

describe('webhook-stress from an empty folder (packed tarballs)', { timeout: 600_000 }, () => {
  const work = mkdtempSync(path.join(tmpdir(), 'cli-package-'));
  const folder = path.join(work, 'my-receiver-tests');
  let target: ChildProcess | undefined;
  let targetUrl = '';
  const timings: string[] = [];

  before(async () => {
    const tarballs = path.join(work, 'tarballs');
    mkdirSync(tarballs, { recursive: true });
    // The command's package (the root) and the five it depends on, as npm would publish them.
    // --ignore-scripts: npm test built dist/ before any test file (its lint step); packing must not
    // rebuild it under the other files running at the same time.
    const packed = await run(
      'npm',
      ['pack', '--ignore-scripts', '--pack-destination', tarballs, ...WORKSPACES.map((w) => `-w=${w}`)],
      ROOT,
    );
    assert.equal(packed.code, 0, packed.output);
    const root = await run('npm', ['pack', '--ignore-scripts', '--pack-destination', tarballs], ROOT);
    assert.equal(root.code, 0, root.output);
    mkdirSync(folder, { recursive: true });
    writeFileSync(
      path.join(folder, 'package.json'),
      JSON.stringify({ name: 'my-receiver-tests', private: true, allowScripts: ALLOW_SCRIPTS }, null, 2),
    );
    const files = readdirSync(tarballs).map((f) => path.join(tarballs, f));
    const install = await run('npm', ['install', '--no-audit', '--no-fund', ...files], folder);
    assert.equal(install.code, 0, install.output);
    timings.push(`npm install of the command: ${install.seconds.toFixed(0)} s`);
  });

  after(async () => {
    if (target?.pid && target.exitCode === null) {
      process.kill(-target.pid, 'SIGTERM');
      await once(target, 'exit');
    }
    console.log(`cli package: ${timings.join('; ')}`);
    rmSync(work, { recursive: true, force: true });
  });

  it('installs no TypeScript to run and ships no test or source file', () => {
    const pkg = path.join(folder, 'node_modules/webhook-stress');
    assert.ok(existsSync(path.join(pkg, 'bin/webhook-stress.js')));
    assert.ok(existsSync(path.join(pkg, 'dist/scripts/cli.js')));
    assert.ok(existsSync(path.join(pkg, 'scenarios/burst.yml')));
    for (const absent of ['test', 'processors', 'scripts', 'bench', 'reference-server'])
      assert.ok(!existsSync(path.join(pkg, absent)), `${absent}/ is not shipped`);
  });

  it('npx webhook-stress --help lists the commands', async () => {
    const help = await run('npx', ['webhook-stress', '--help'], folder);
    assert.equal(help.code, 0, help.output);
    for (const command of ['probe', 'stress', 'run', 'report', 'monitor', 'target'])
      assert.match(help.output, new RegExp(`^  ${command}\\b`, 'm'));
  });

  it('npx webhook-stress target writes its profile into the folder; npx webhook-stress run burst passes on it', async () => {
    target = spawn('npx', ['webhook-stress', 'target', '--write-profile', '--port', '0'], {
      cwd: folder,
      env: packageTestEnv,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let said = '';
    targetUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the target did not start: ${said}`)), 60_000);
      target?.stdout?.on('data', (c: Buffer) => {
        said += c.toString();
        const url = /listening on (http:\/\/\S+)/.exec(said)?.[1];
        if (url && /Profile: /.test(said)) {
          clearTimeout(timer);
          resolve(url);
        }
      });
    });
    assert.match(
      readFileSync(path.join(folder, 'webhook-stress.profile'), 'utf8'),
      new RegExp(`^BASE_URL=${targetUrl}$`, 'm'),
    );
    // A burst smeared by other load is INVALID, not a verdict: run again as every burst test does.
    const burst = await rerunWhileInvalid(
      'run burst',
      () => run('npx', ['webhook-stress', 'run', 'burst'], folder),
      (r) => /^INVALID run, gates not judged: (.*)$/m.exec(r.output)?.[1],
    );
    timings.push(`run burst: ${burst.seconds.toFixed(0)} s`);
    assert.equal(burst.code, 0, burst.output);
    assert.match(burst.output, /pass: webhook\.executions == 1 {2}\[webhook\.executions = 1\]/);
    assert.ok(
      readdirSync(path.join(folder, 'reports')).some((f) => /^burst-.*\.html$/.test(f)),
      'reports in the folder',
    );
  });

  it('npx webhook-stress stress --only preflight,hft: the suite on the profile, exit 0, summary and index page', async () => {
    const suite = await run('npx', ['webhook-stress', 'stress', '--only', 'preflight,hft', '--cool-down', '0'], folder);
    timings.push(`stress --only preflight,hft: ${suite.seconds.toFixed(0)} s`);
    assert.equal(suite.code, 0, suite.output);
    assert.match(suite.output, /^hft\s+PASS/m);
    assert.ok(existsSync(path.join(folder, 'reports/index.html')));
  });
});
