// Cloud readiness: the bundle Artillery's cloud runners upload, built offline by Artillery's own
// code (createTest with a sync client that writes files, the hook run-aci uses), installed the way
// a Fargate worker installs it (npm install of each module the bill of materials names, then of the
// manifest), then run by an Artillery installed elsewhere, as on a worker (NODE_PATH = the bundle's
// node_modules), against the reference target on loopback. The repository is no ancestor of any
// folder here, so nothing can resolve from its node_modules.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Verdict } from 'webhook-stress-report';
import { processedCountEnv, ROOT, type RunningTarget, startTarget } from '../../reference-server/launch.ts';
import { writeCloudStage } from '../../scripts/cloud-stage.ts';
import { type ChildResult, runNode } from '../helpers/node-child.ts';

const WRITE_BUNDLE = path.join(ROOT, 'test/helpers/write-artillery-bundle.ts');
// The project's Node 22 and npm first, as the npm scripts have them.
const PATH = `${path.join(ROOT, 'node_modules/.bin')}:${process.env.PATH ?? ''}`;
const PACK_PACKAGES = [
  'artillery-engine-burst',
  'artillery-plugin-server-monitor',
  'artillery-plugin-verdict',
  'webhook-stress-common',
  'webhook-stress-report',
];

interface BundleManifest {
  files: string[];
  modules: string[];
}

// A secret as a user has it: in the shell's environment and in a .env file beside the bundle's files.
const CANARY = 'cloud-bundle-canary-secret';

function writeBundle(cwd: string, scenario: string, outDir: string, extra: string[] = []): BundleManifest {
  const out = execFileSync(process.execPath, [WRITE_BUNDLE, scenario, outDir, ...extra], {
    cwd,
    env: { ...process.env, WEBHOOK_SECRET: CANARY, AUTH_PASSWORD: CANARY },
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as BundleManifest;
}

function npm(cwd: string, args: string[]): void {
  execFileSync('npm', [...args, '--prefer-offline', '--no-audit', '--no-fund'], {
    cwd,
    env: { ...process.env, PATH },
    stdio: 'pipe',
  });
}

function run(cwd: string, args: string[], env: Record<string, string>): Promise<ChildResult> {
  return runNode(args, { cwd, env });
}

describe('cloud bundle (Artillery 2.0.34 bundle builder, offline)', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'pack-cloud-'));
  const stage = path.join(work, 'stage');
  const bundle = path.join(work, 'bundle');
  const image = path.join(work, 'image');
  let manifest: BundleManifest;
  let target: RunningTarget;

  before(async () => {
    writeCloudStage(stage);
    writeFileSync(path.join(stage, '.env'), `WEBHOOK_SECRET=${CANARY}\n`);
    target = await startTarget();
  });

  after(async () => {
    await target?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  test('2.0.34 drops a manifest given with --packages (so the stage carries it as package.json)', () => {
    const dropped = writeBundle(stage, 'scenarios/hft.yml', path.join(work, 'with-packages'), [
      '--packages',
      'package.json',
    ]);
    assert.ok(
      !dropped.files.some((f) => f.endsWith('package.json')),
      `Artillery now uploads a --packages manifest (${dropped.files.join(', ')}): revise README "Scale out in the cloud"`,
    );
  });

  test("Artillery's bundle of burst.yml: scenario, built processor and what it imports, includeFiles, slim manifest, nothing else", () => {
    manifest = writeBundle(stage, 'scenarios/burst.yml', bundle);
    const processors = manifest.files.filter((f) => f.startsWith('dist/processors/'));
    const rest = manifest.files.filter((f) => !f.startsWith('dist/processors/'));
    assert.deepEqual(
      rest,
      ['.npmrc', 'package.json', 'scenarios/burst.yml', ...PACK_PACKAGES.map((p) => `vendor/${p}.tgz`)].sort(),
    );
    // The bundler traces the built module's imports: burst's own, the core's and the pure lib's.
    for (const file of ['burst.js', 'core/sender.js', 'core/burst-release.js', 'lib/signing.js', 'lib/delivery.js'])
      assert.ok(processors.includes(`dist/processors/${file}`), `${file} in ${processors.join(', ')}`);
    assert.ok(
      processors.every((f) => f.endsWith('.js')),
      processors.join(', '),
    );
    assert.ok(!processors.includes('dist/processors/hostile.js'), 'another scenario is not traced');
    assert.deepEqual(manifest.modules, PACK_PACKAGES, 'npm packages each worker installs by name');
    const uploaded = readdirSync(bundle, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    const names = uploaded.map((e) => path.relative(bundle, path.join(e.parentPath, e.name)));
    assert.ok(!names.some((f) => /node_modules|reports|\.env|\.log$/.test(f)), names.join(', '));
    const leaking = uploaded.filter((e) => readFileSync(path.join(e.parentPath, e.name)).includes(CANARY));
    assert.deepEqual(leaking, [], 'no uploaded file holds a secret');
    const pkg = JSON.parse(readFileSync(path.join(bundle, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies?: unknown;
    };
    assert.deepEqual(Object.keys(pkg.dependencies).sort(), PACK_PACKAGES);
    assert.equal(pkg.devDependencies, undefined);
    const metadata = JSON.parse(readFileSync(path.join(bundle, 'metadata.json'), 'utf8')) as { scriptPath: string };
    assert.equal(metadata.scriptPath, 'scenarios/burst.yml');
  });

  test("a worker's install takes the pack from the bundle's tarballs and adds no second Artillery", () => {
    assert.ok(manifest, 'the bundle test ran first');
    const started = Date.now();
    // As loadgen-worker does: each module of metadata.json by name, then the manifest.
    for (const module of manifest.modules) npm(bundle, ['install', '--quiet', module]);
    npm(bundle, ['install', '--loglevel=silent']);
    const seconds = (Date.now() - started) / 1000;
    const installed = readdirSync(path.join(bundle, 'node_modules')).filter((d) => !d.startsWith('.'));
    assert.deepEqual(
      installed.sort(),
      [
        ...PACK_PACKAGES,
        'debug',
        'ms',
        'parse-prometheus-text-format',
        'pidusage',
        'shallow-equal',
        'undici',
        'uplot',
      ].sort(),
    );
    console.log(`bundle install: ${seconds.toFixed(1)} s, ${installed.length} packages`);
  });

  test('an Artillery installed elsewhere runs burst.yml with processor, plugins and engine from the bundle', async () => {
    // The worker image: Artillery in a folder of its own (allowScripts keeps Chromium off).
    const imagePkg = {
      name: 'worker-image',
      private: true,
      dependencies: { artillery: '2.0.34' },
      allowScripts: { '@playwright/browser-chromium': false, protobufjs: true, 'unix-dgram': false },
    };
    execFileSync('mkdir', ['-p', image]);
    writeFileSync(path.join(image, 'package.json'), JSON.stringify(imagePkg));
    npm(image, ['install', '--loglevel=error']);
    const artilleryLib = path.join(image, 'node_modules/artillery/dist/lib/load-plugins.js');
    const workerEnv = {
      PATH,
      HOME: process.env.HOME ?? work,
      NODE_PATH: path.join(bundle, 'node_modules'),
      ARTILLERY_DISABLE_TELEMETRY: 'true',
    };

    // Artillery resolves plugins and engines with require.resolve from its own files (load-plugins, runner).
    const resolved = execFileSync(
      process.execPath,
      [
        '-e',
        `const r = require('node:module').createRequire(${JSON.stringify(artilleryLib)});
         console.log(JSON.stringify(${JSON.stringify(PACK_PACKAGES.slice(0, 3))}.map((n) => r.resolve(n))));`,
      ],
      { cwd: bundle, env: workerEnv, encoding: 'utf8' },
    );
    for (const file of JSON.parse(resolved) as string[]) {
      assert.ok(file.startsWith(path.join(bundle, 'node_modules') + path.sep), file);
    }

    const reportsDir = path.join(work, 'reports');
    const outputJson = path.join(work, 'burst.json');
    const cli = path.join(image, 'node_modules/artillery/bin/run');
    // ensure stays on (a worker sets ARTILLERY_DISABLE_ENSURE): the verdict plugin writes on ensure's checks.
    const result = await run(
      bundle,
      [cli, 'run', '--output', outputJson, '--target', target.url, 'scenarios/burst.yml'],
      {
        ...workerEnv,
        REPORTS_DIR: reportsDir,
        // A worker cannot see the server's processes: the monitor reads its metrics endpoint.
        SERVER_METRICS_URL: `${target.url}/metrics`,
        ...processedCountEnv(target.url),
      },
    );
    assert.doesNotMatch(result.output, /could not be (found|loaded)/, result.output);
    const { aggregate } = JSON.parse(readFileSync(outputJson, 'utf8')) as {
      aggregate: { counters: Record<string, number>; summaries: Record<string, unknown> };
    };
    assert.equal(aggregate.counters['webhook.sent'], 100, 'processor hooks ran');
    assert.ok(aggregate.summaries['burst.dispatch_spread_ms'], 'burst engine ran');
    assert.ok((aggregate.counters['server.samples'] ?? 0) > 0, 'server monitor sampled the remote source');
    assert.equal(aggregate.counters['server.scrape_failures'], 0);
    const verdictFile = readdirSync(reportsDir).find((f) => f.endsWith('.verdict.json'));
    assert.ok(verdictFile, `verdict plugin wrote no verdict: ${readdirSync(reportsDir).join(', ')}`);
    const verdict = JSON.parse(readFileSync(path.join(reportsDir, verdictFile), 'utf8')) as Verdict;
    assert.ok(verdict.gates.some((g) => g.expression === 'webhook.executions == 1' && g.passed));
  });
});
