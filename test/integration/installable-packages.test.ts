// The five packages, packed with npm and installed outside this repository, work as an
// Artillery user installs them: in a fresh project beside artillery@2.0.34 (one npm install),
// and in a folder of their own used by a separately installed Artillery through
// ARTILLERY_PLUGIN_PATH (plugins) and NODE_PATH (the engine). Each run is the real CLI of
// that install, on a scenario written here, against a receiver started here.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT } from '../../reference-server/launch.ts';
import { packageTestEnv } from '../helpers/package-env.ts';

const WORKSPACES = ['packages/common', 'packages/report', 'plugins/server-monitor', 'plugins/verdict', 'engines/burst'];
const ARTILLERY_VERSION = '2.0.34';
const NPM_FLAGS = ['--prefer-offline', '--no-audit', '--no-fund'];
// As the pack's own package.json: npm >= 11.16 then skips the Chromium download (closed network, not needed).
const ALLOW_SCRIPTS = { '@playwright/browser-chromium': false, protobufjs: true, 'unix-dgram': false };

interface Finished {
  code: number | null;
  /** stdout and stderr as they came. */
  output: string;
  stdout: string;
  seconds: number;
}

/** Runs a command in its own process group, killed (the group) after `timeoutMs`. */
async function run(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
  timeoutMs = 180_000,
): Promise<Finished> {
  const started = performance.now();
  const child = spawn(command, args, { cwd, env: { ...packageTestEnv, ...env }, detached: true });
  let output = '';
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => {
    output += c.toString();
    stdout += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    output += c.toString();
  });
  const timer = setTimeout(() => process.kill(-(child.pid as number), 'SIGKILL'), timeoutMs);
  const [code] = (await once(child, 'close')) as [number | null];
  clearTimeout(timer);
  return { code, output, stdout, seconds: (performance.now() - started) / 1000 };
}

async function npm(args: string[], cwd: string): Promise<Finished> {
  const done = await run('npm', args, cwd);
  assert.equal(done.code, 0, `npm ${args.join(' ')} failed:\n${done.output}`);
  return done;
}

/** An npm project with the pack's allowScripts, as a user would have it. */
async function initProject(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await npm(['init', '-y'], dir);
  const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ ...manifest, allowScripts: ALLOW_SCRIPTS }, null, 2));
}

// The receiver runs in a process of its own: the monitor samples its pid and children, and the
// test process's children include artillery itself.
const RECEIVER = `import { createServer } from 'node:http';
const status = Number(process.argv[2]);
let received = 0;
const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/received') return res.end(String(received));
  received++;
  req.resume();
  req.on('end', () => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: status === 200 ? 'accepted' : 'error' }));
  });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

interface Receiver {
  url: string;
  pid: number;
  child: ChildProcess;
}

async function startReceiver(script: string, status: number): Promise<Receiver> {
  const child = spawn(process.execPath, [script, String(status)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  return { url: `http://127.0.0.1:${line.toString().trim()}`, pid: child.pid as number, child };
}

async function stopReceiver(receiver: Receiver): Promise<void> {
  if (receiver.child.exitCode !== null) return;
  receiver.child.kill();
  await once(receiver.child, 'exit');
}

async function receivedCount(receiver: Receiver): Promise<number> {
  return Number(await (await fetch(`${receiver.url}/received`)).text());
}

/** A webhook-like flow the pack never saw: 10 JSON posts over 2 s, monitored, gated, reported. */
function signalScenario(receiver: Receiver): string {
  return `config:
  target: ${receiver.url}
  phases:
    - duration: 2
      arrivalCount: 10
  plugins:
    server-monitor:
      pid: ${receiver.pid}
      intervalMs: 200
    verdict: {}
    ensure: {}
  ensure:
    conditions:
      - expression: server.worker_crashes == 0
      - expression: http.codes.200 == http.requests
      - expression: vusers.failed == 0
scenarios:
  - name: one signal
    flow:
      - post:
          url: /hook/abc
          json:
            ticker: EURUSD
            action: BUY
            price: 1.0842
`;
}

function burstScenario(receiver: Receiver, count: number): string {
  return `config:
  target: ${receiver.url}
  engines:
    burst: {}
  phases:
    - duration: 1
      arrivalCount: 1
scenarios:
  - engine: burst
    flow:
      - burst:
          count: ${count}
          post:
            url: /hook/abc
            json:
              action: SELL
`;
}

interface Aggregate {
  counters: Record<string, number>;
  summaries: Record<string, { max: number }>;
}

interface RunResult extends Finished {
  aggregate: Aggregate;
  reports: string[];
  reportsDir: string;
}

/** `artillery run --output` in `cwd`, from a clean reports folder; returns what the run left. */
async function artilleryRun(
  artillery: string,
  cwd: string,
  scenario: string,
  env: Record<string, string> = {},
): Promise<RunResult> {
  const reportsDir = path.join(cwd, 'reports');
  const outputFile = path.join(cwd, 'output.json');
  rmSync(reportsDir, { recursive: true, force: true });
  rmSync(outputFile, { force: true });
  const done = await run(artillery, ['run', '--output', outputFile, scenario], cwd, env, 90_000);
  const aggregate = existsSync(outputFile)
    ? (JSON.parse(readFileSync(outputFile, 'utf8')) as { aggregate: Aggregate }).aggregate
    : { counters: {}, summaries: {} };
  const reports = existsSync(reportsDir) ? readdirSync(reportsDir) : [];
  return { ...done, aggregate, reports, reportsDir };
}

interface VerdictGate {
  expression: string;
  passed: boolean;
  measured: Record<string, number | null>;
}

function readVerdict(result: RunResult): { passed: boolean; gates: VerdictGate[] } {
  const file = result.reports.find((f) => f.endsWith('.verdict.json'));
  assert.ok(file, `no verdict file in ${result.reports.join(', ')}\n${result.output}`);
  return JSON.parse(readFileSync(path.join(result.reportsDir, file), 'utf8'));
}

function readJunit(result: RunResult): string {
  const file = result.reports.find((f) => f.endsWith('.junit.xml'));
  assert.ok(file, `no JUnit file in ${result.reports.join(', ')}`);
  return readFileSync(path.join(result.reportsDir, file), 'utf8');
}

describe('the packages installed outside the repository', { timeout: 240_000 }, () => {
  const work = mkdtempSync(path.join(tmpdir(), 'installable-'));
  const tarballDir = path.join(work, 'tarballs');
  const project = path.join(work, 'project');
  const separateArtillery = path.join(work, 'artillery-global');
  const pluginFolder = path.join(work, 'plugins');
  const receiverScript = path.join(work, 'receiver.mjs');
  const projectArtillery = path.join(project, 'node_modules/.bin/artillery');
  let packed: { name: string; filename: string; files: { path: string }[] }[] = [];
  const receivers: Receiver[] = [];
  const receiver = async (status: number) => {
    const started = await startReceiver(receiverScript, status);
    receivers.push(started);
    return started;
  };

  before(async () => {
    assert.ok(path.relative(ROOT, work).startsWith('..'), `${work} must be outside ${ROOT}`);
    writeFileSync(receiverScript, RECEIVER);
    const started = performance.now();
    // dist/ was built by npm test's lint step before any test file: packing with --ignore-scripts
    // never rebuilds it under the other files running at the same time.
    const workspaces = WORKSPACES.flatMap((w) => ['--workspace', w]);
    mkdirSync(tarballDir);
    const pack = await npm(
      ['pack', '--ignore-scripts', ...workspaces, '--pack-destination', tarballDir, '--json'],
      ROOT,
    );
    packed = JSON.parse(pack.stdout);
    const tarballs = packed.map((p) => path.join(tarballDir, p.filename));
    await Promise.all([initProject(project), initProject(separateArtillery), initProject(pluginFolder)]);
    const prepared = ((performance.now() - started) / 1000).toFixed(1);
    // Three installs at once from npm's cache: the fresh project (Artillery and the five tarballs in
    // one install), Artillery alone, and the tarballs alone (Artillery, their peer, left out).
    const installs = await Promise.all([
      npm(['install', ...NPM_FLAGS, `artillery@${ARTILLERY_VERSION}`, ...tarballs], project),
      npm(['install', ...NPM_FLAGS, '--prefix', separateArtillery, `artillery@${ARTILLERY_VERSION}`], work),
      npm(['install', ...NPM_FLAGS, '--prefix', pluginFolder, '--omit=peer', ...tarballs], work),
    ]);
    const [inProject, alone, plugins] = installs.map((i) => i.seconds.toFixed(1));
    console.log(
      `build, pack, npm init: ${prepared} s; npm install: project ${inProject} s, artillery alone ${alone} s, plugins alone ${plugins} s`,
    );
  });

  after(async () => {
    await Promise.all(receivers.map(stopReceiver));
    rmSync(work, { recursive: true, force: true });
  });

  it('packs every package as dist/ files, package.json and README.md only', () => {
    assert.deepEqual(packed.map((p) => p.name).sort(), [
      'artillery-engine-burst',
      'artillery-plugin-server-monitor',
      'artillery-plugin-verdict',
      'webhook-stress-common',
      'webhook-stress-report',
    ]);
    for (const p of packed) {
      const stray = p.files
        .map((f) => f.path)
        .filter((f) => !/^(dist\/.+\.js|dist\/.+\.d\.ts|package\.json|README\.md)$/.test(f));
      assert.deepEqual(stray, [], `${p.name} packs ${stray.join(', ')}`);
      assert.ok(
        p.files.some((f) => f.path === 'README.md'),
        `${p.name} has no README.md`,
      );
    }
  });

  it('fresh project: TypeScript type-checks code using the installed packages (strict, library checks on)', async () => {
    const consumer = [
      `import BurstEngine, { type BurstRecord } from 'artillery-engine-burst';`,
      `import { readMonitorConfig } from 'artillery-plugin-server-monitor';`,
      `import { Plugin } from 'artillery-plugin-verdict';`,
      `import { fileStamp } from 'webhook-stress-common';`,
      `import { type GateResult, renderJunit } from 'webhook-stress-report';`,
      `const gates: GateResult[] = [{ expression: 'vusers.failed == 0', passed: true, strict: true, measured: {} }];`,
      `const junit: string = renderJunit([{ scenario: 'x', gates }]);`,
      `const interval: number = readMonitorConfig({ intervalMs: 500 }, {}).intervalMs;`,
      `// @ts-expect-error: a real type, not any`,
      `const wrong: number = fileStamp(new Date());`,
      `const spread: BurstRecord['spreadMs'] = 0;`,
      `console.log(BurstEngine, Plugin, junit, interval, wrong, spread);`,
    ].join('\n');
    writeFileSync(path.join(project, 'consumer.ts'), consumer);
    const compilerOptions = {
      module: 'NodeNext',
      target: 'ES2023',
      strict: true,
      noEmit: true,
      skipLibCheck: false,
      types: ['node'],
      typeRoots: [path.join(ROOT, 'node_modules/@types')],
    };
    writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['consumer.ts'] }));
    const checked = await run(path.join(ROOT, 'node_modules/.bin/tsc'), ['-p', '.'], project);
    assert.equal(checked.code, 0, checked.output);
  });

  it('fresh project: a healthy receiver passes every gate, with server figures, HTML, JUnit and verdict', async () => {
    const healthy = await receiver(200);
    writeFileSync(path.join(project, 'signal.yml'), signalScenario(healthy));
    const result = await artilleryRun(projectArtillery, project, 'signal.yml');
    console.log(
      `fresh project, healthy: exit ${result.code} in ${result.seconds.toFixed(1)} s, ` +
        `server.samples ${result.aggregate.counters['server.samples']}, ` +
        `server.tree_memory_mb max ${result.aggregate.summaries['server.tree_memory_mb']?.max}`,
    );
    assert.equal(result.code, 0, result.output);
    assert.equal(await receivedCount(healthy), 10);
    const { counters, summaries } = result.aggregate;
    assert.equal(counters['server.worker_crashes'], 0);
    assert.ok((counters['server.samples'] ?? 0) > 0, 'no server samples in --output');
    assert.ok((summaries['server.tree_memory_mb']?.max ?? 0) > 0, 'no server memory in --output');
    const verdict = readVerdict(result);
    assert.equal(verdict.passed, true);
    assert.deepEqual(
      verdict.gates.map((g) => [g.expression, g.passed, g.measured]),
      [
        ['server.worker_crashes == 0', true, { 'server.worker_crashes': 0 }],
        ['http.codes.200 == http.requests', true, { 'http.codes.200': 10, 'http.requests': 10 }],
        ['vusers.failed == 0', true, { 'vusers.failed': 0 }],
      ],
    );
    const html = result.reports.find((f) => f.endsWith('.html'));
    assert.ok(html, 'no HTML report');
    // uPlot inlined: resolved from the installed webhook-stress-report's own dependency.
    assert.match(readFileSync(path.join(result.reportsDir, html), 'utf8'), /var uPlot=function/);
    assert.match(readJunit(result), /<testsuite name="signal" tests="3" failures="0"/);
    assert.ok(result.reports.some((f) => f.startsWith('server_health_report_signal-')));
  });

  it('fresh project: a receiver answering 500 fails the http gate alone, exit non-zero, failure in JUnit', async () => {
    const failing = await receiver(500);
    writeFileSync(path.join(project, 'signal.yml'), signalScenario(failing));
    const result = await artilleryRun(projectArtillery, project, 'signal.yml');
    console.log(`fresh project, 500s: exit ${result.code} in ${result.seconds.toFixed(1)} s`);
    assert.notEqual(result.code, 0, result.output);
    assert.equal(await receivedCount(failing), 10);
    const verdict = readVerdict(result);
    assert.equal(verdict.passed, false);
    assert.deepEqual(
      verdict.gates.filter((g) => !g.passed).map((g) => [g.expression, g.measured]),
      // Artillery emits http.codes.200 only once a 200 comes: after 10 requests, its absence is 0.
      [['http.codes.200 == http.requests', { 'http.codes.200': 0, 'http.requests': 10 }]],
    );
    const junit = readJunit(result);
    assert.match(junit, /name="http\.codes\.200 == http\.requests">\s*<failure message="gate failed/);
    assert.match(junit, /failures="1"/);
  });

  it('fresh project: the burst engine sends N requests at once and measures their spread', async () => {
    const burstReceiver = await receiver(200);
    writeFileSync(path.join(project, 'burst.yml'), burstScenario(burstReceiver, 20));
    const result = await artilleryRun(projectArtillery, project, 'burst.yml');
    console.log(
      `fresh project, burst: exit ${result.code} in ${result.seconds.toFixed(1)} s, ` +
        `burst.dispatch_spread_ms max ${result.aggregate.summaries['burst.dispatch_spread_ms']?.max}`,
    );
    assert.equal(result.code, 0, result.output);
    assert.equal(await receivedCount(burstReceiver), 20);
    assert.equal(result.aggregate.counters['http.codes.200'], 20);
    assert.equal(typeof result.aggregate.summaries['burst.dispatch_spread_ms']?.max, 'number');
  });

  it('separate Artillery: ARTILLERY_PLUGIN_PATH loads the plugins, which sample and judge', async () => {
    assert.ok(
      !existsSync(path.join(pluginFolder, 'node_modules/artillery')),
      'the plugin folder has its own Artillery',
    );
    assert.ok(!existsSync(path.join(separateArtillery, 'node_modules/artillery-plugin-verdict')));
    const runDir = path.join(work, 'run-global');
    mkdirSync(runDir);
    const healthy = await receiver(200);
    writeFileSync(path.join(runDir, 'signal.yml'), signalScenario(healthy));
    const result = await artilleryRun(
      path.join(separateArtillery, 'node_modules/.bin/artillery'),
      runDir,
      'signal.yml',
      {
        ARTILLERY_PLUGIN_PATH: path.join(pluginFolder, 'node_modules'),
      },
    );
    console.log(`separate Artillery + ARTILLERY_PLUGIN_PATH: exit ${result.code} in ${result.seconds.toFixed(1)} s`);
    assert.equal(result.code, 0, result.output);
    assert.ok((result.aggregate.counters['server.samples'] ?? 0) > 0, 'no server samples: server-monitor not loaded');
    const verdict = readVerdict(result);
    assert.equal(verdict.passed, true);
    assert.equal(verdict.gates.length, 3);
    assert.ok(result.reports.some((f) => f.endsWith('.html')));
  });

  it('separate Artillery: NODE_PATH loads the burst engine (engines ignore ARTILLERY_PLUGIN_PATH)', async () => {
    const runDir = path.join(work, 'run-global');
    const burstReceiver = await receiver(200);
    writeFileSync(path.join(runDir, 'burst.yml'), burstScenario(burstReceiver, 20));
    const result = await artilleryRun(
      path.join(separateArtillery, 'node_modules/.bin/artillery'),
      runDir,
      'burst.yml',
      {
        NODE_PATH: path.join(pluginFolder, 'node_modules'),
      },
    );
    console.log(
      `separate Artillery + NODE_PATH, burst: exit ${result.code} in ${result.seconds.toFixed(1)} s, ` +
        `burst.dispatch_spread_ms max ${result.aggregate.summaries['burst.dispatch_spread_ms']?.max}`,
    );
    assert.equal(result.code, 0, result.output);
    assert.equal(await receivedCount(burstReceiver), 20);
    assert.equal(typeof result.aggregate.summaries['burst.dispatch_spread_ms']?.max, 'number');
  });
});
