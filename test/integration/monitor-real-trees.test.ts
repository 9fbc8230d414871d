// The server monitor's crash and leak verdicts on real process trees not built on the
// pack: a pre-fork Python server that never reaps its workers, Debian's uvicorn with
// --workers 2 (0.17 leaves a killed worker as a zombie), a receiver that runs a command
// per request, and Prometheus endpoints for remote mode. Each test starts its server on
// loopback, starts the real artillery CLI, acts on the tree by pid at a set time after
// the run started (its first monitor log line), then asserts on the --output JSON
// counters and the health report. Only processes the test started are killed.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { HealthReport } from 'webhook-stress-common';
import type { Verdict } from 'webhook-stress-report';
import { freePort, ROOT } from '../../reference-server/launch.ts';
import { runArtillery } from '../../scripts/lib/artillery-cli.ts';

const PYTHON = '/usr/bin/python3';
const FIXTURES = path.join(ROOT, 'test/fixtures');
const CRASH_GATE = 'server.worker_crashes == 0 and server.root_died == 0';
// One webhook given directly: these receivers have no login or webhook-creation API. Sampled every
// 500 ms: what these tests prove is which processes died and when, which 20 samples of a 10 s run show.
const WEBHOOK_ENV = {
  WEBHOOK_TOKEN: 'real-tree-token',
  WEBHOOK_SECRET: 'real-tree-secret',
  MONITOR_INTERVAL_MS: '500',
};
// They have no per-webhook limit either, so one webhook carries the whole load (webhookPool 1).
const ONE_WEBHOOK = { variables: { webhookPool: 1 } };
// The sustained scenario, 10 s instead of 30: a kill 6 s in and the samples after it are what is judged.
const SHORTER = JSON.stringify({
  config: { ...ONE_WEBHOOK, phases: [{ name: 'sustained', arrivalRate: 100, duration: 10 }] },
});

const started = new Set<number>();
after(() => {
  for (const pid of started) kill(pid);
});

function kill(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

const cmdline = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
};

interface Tree {
  url: string;
  master: number;
  workers: number[];
  stop(): Promise<void>;
}

function track(child: ChildProcess): number {
  const pid = child.pid as number;
  started.add(pid);
  return pid;
}

/** Kills the master and every process it started, by pid, and waits for the master to be reaped. */
async function stopTree(child: ChildProcess, pids: number[]): Promise<void> {
  const gone = new Promise((resolve) =>
    child.exitCode !== null || child.signalCode ? resolve(0) : child.once('exit', resolve),
  );
  for (const pid of [child.pid as number, ...pids]) kill(pid);
  await gone;
}

/** process_tree_server.py in one of its modes; resolves when it prints "ready <port> <pids>". */
async function startFixture(args: string[]): Promise<Tree> {
  const child = spawn(PYTHON, [path.join(FIXTURES, 'process_tree_server.py'), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const master = track(child);
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0] as string);
    });
    child.once('exit', () => reject(new Error(`fixture ${args.join(' ')} exited: ${out}`)));
  });
  const [, port, ...pids] = line.split(' ');
  const workers = args[0] === 'prefork' ? pids.map(Number) : [];
  for (const pid of workers) started.add(pid);
  return { url: `http://127.0.0.1:${port}`, master, workers, stop: () => stopTree(child, workers) };
}

/** Debian's uvicorn with --workers 2 on a bare ASGI app. */
async function startUvicorn(): Promise<Tree> {
  const port = await freePort();
  const child = spawn(
    PYTHON,
    [
      '-m',
      'uvicorn',
      '--workers',
      '2',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--app-dir',
      FIXTURES,
      'asgi_receiver:app',
    ],
    { stdio: 'ignore' },
  );
  const master = track(child);
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(url).then(
      () => true,
      () => false,
    );
    if (ok) break;
    await sleep(100);
  }
  const children = childrenOf(master);
  for (const pid of children) started.add(pid);
  const workers = children.filter((pid) => cmdline(pid).includes('multiprocessing-fork'));
  assert.equal(workers.length, 2, `uvicorn workers among ${children.join(', ')}`);
  return { url, master, workers, stop: () => stopTree(child, children) };
}

interface Run {
  code: number | null;
  output: string;
  counters: Record<string, number>;
  health: HealthReport;
  /** Failed gates on server.* figures. */
  failedGates: string[];
}

/**
 * Runs a scenario; `act` runs `afterS` seconds after the run started (the monitor's first
 * log line: Artillery has set the run's start time and is starting the load).
 */
async function run(
  scenario: string,
  url: string,
  opts: { env?: Record<string, string>; afterS?: number; act?: () => void | Promise<void>; overrides?: string } = {},
): Promise<Run> {
  const dir = mkdtempSync(path.join(tmpdir(), `real-trees-${scenario}-`));
  const json = path.join(dir, 'artillery.json');
  let output = '';
  const finished = runArtillery(`scenarios/${scenario}.yml`, {
    target: url,
    outputJson: json,
    overrides: opts.overrides ?? JSON.stringify({ config: ONE_WEBHOOK }),
    env: { ...WEBHOOK_ENV, ...opts.env, REPORTS_DIR: dir },
    onOutput: (chunk) => {
      output += chunk;
    },
  });
  if (opts.act) {
    let done = false;
    void finished.then(() => {
      done = true;
    });
    for (let i = 0; i < 600 && !done && !readdirSync(dir).some((f) => f.startsWith('monitor_')); i++) await sleep(100);
    await sleep((opts.afterS ?? 0) * 1000);
    await opts.act();
  }
  const code = await finished;
  const files = readdirSync(dir);
  const healthFile = files.find((f) => f.startsWith('server_health_report_'));
  const verdictFile = files.find((f) => f.endsWith('.verdict.json'));
  assert.ok(healthFile && verdictFile, `health report and verdict in ${files.join(', ')}\n${output}`);
  const read = (f: string) => JSON.parse(readFileSync(path.join(dir, f), 'utf8'));
  const verdict = read(verdictFile) as Verdict;
  const counters = (read('artillery.json') as { aggregate: { counters: Record<string, number> } }).aggregate.counters;
  assert.ok((counters['webhook.sent'] ?? 0) > 100, `the load ran\n${output}`);
  const result = {
    code,
    output,
    counters,
    health: read(healthFile) as HealthReport,
    // Server gates only: these receivers answer {"status":"ok"}, which the webhook gates judge on their own.
    failedGates: verdict.gates.filter((g) => !g.passed && g.expression.startsWith('server.')).map((g) => g.expression),
  };
  rmSync(dir, { recursive: true, force: true });
  const shown = Object.entries(counters).filter(([k]) => /^server\.(worker|root|tasks|scrape|leak_d|leak_k)/.test(k));
  console.log(`observed (${scenario}): ${shown.map(([k, v]) => `${k}=${v}`).join(' ')}`);
  return result;
}

function crashCounts(r: Run) {
  return {
    worker_crashes: r.counters['server.worker_crashes'],
    root_died: r.counters['server.root_died'],
    crash_gate_failed: r.failedGates.includes(CRASH_GATE),
  };
}

async function withTree<T>(start: () => Promise<Tree>, body: (tree: Tree) => Promise<T>): Promise<T> {
  const tree = await start();
  try {
    return await body(tree);
  } finally {
    await tree.stop();
  }
}

const trees: [string, () => Promise<Tree>][] = [
  ['pre-fork Python server that never reaps', () => startFixture(['prefork', '--workers', '2'])],
  ['uvicorn --workers 2', startUvicorn],
];

for (const [name, start] of trees) {
  describe(name, () => {
    it('clean sustained run: no crash, no task, crash gate passes', async () => {
      const r = await withTree(start, (tree) => run('sustained', tree.url, { overrides: SHORTER }));
      assert.deepEqual(crashCounts(r), { worker_crashes: 0, root_died: 0, crash_gate_failed: false }, r.output);
      assert.equal(r.counters['server.tasks_started'], 0);
    });

    it('a worker SIGKILLed 6 s into the run: 1 crash (a zombie is dead), root alive', async () => {
      let victim = 0;
      const r = await withTree(start, (tree) =>
        run('sustained', tree.url, {
          overrides: SHORTER,
          afterS: 6,
          act: () => {
            victim = tree.workers[0] as number;
            kill(victim);
          },
        }),
      );
      assert.deepEqual(crashCounts(r), { worker_crashes: 1, root_died: 0, crash_gate_failed: true }, r.output);
      assert.deepEqual(
        r.health.process_events.filter((e) => e.kind === 'worker_exited').map((e) => e.pid),
        [victim],
      );
    });

    it('the master SIGKILLed 6 s into the run: root_died, orphans followed and not crashes', async () => {
      let killedAt = 0;
      let workers: number[] = [];
      const r = await withTree(start, (tree) =>
        run('sustained', tree.url, {
          overrides: SHORTER,
          afterS: 6,
          act: () => {
            workers = tree.workers;
            killedAt = Date.now();
            kill(tree.master);
          },
        }),
      );
      assert.deepEqual(crashCounts(r), { worker_crashes: 0, root_died: 1, crash_gate_failed: true }, r.output);
      const late = r.health.samples.filter((s) => s.at > killedAt + 2000);
      assert.ok(late.length >= 5, `${late.length} samples after the kill`);
      for (const s of late) for (const pid of workers) assert.ok(pid in s.processes, `orphan ${pid} still followed`);
      const ok = r.counters['http.codes.200'] ?? 0;
      assert.ok(ok >= 0.9 * (r.counters['http.requests'] ?? 1), `orphans serve: ${JSON.stringify(r.counters)}`);
    });
  });
}

describe('uvicorn --workers 2, memory-leak scenario', () => {
  it('a killed worker fails the crash gate only (of the server gates), never the leak gate', async () => {
    const r = await withTree(startUvicorn, (tree) =>
      run('memory-leak', tree.url, { afterS: 12, act: () => kill(tree.workers[0] as number) }),
    );
    assert.deepEqual(r.failedGates, [CRASH_GATE], r.output);
    assert.equal(r.counters['server.worker_crashes'], 1);
    assert.equal(r.counters['server.leak_detected'], 0);
    for (const s of r.health.samples) for (const p of Object.values(s.processes)) assert.ok((p.pssBytes ?? 0) >= 0);
  });
});

describe('a receiver that runs a command per request', () => {
  it('its short-lived children are tasks, not crashes', async () => {
    const r = await withTree(
      () => startFixture(['spawn']),
      (tree) => run('sustained', tree.url, { overrides: SHORTER }),
    );
    assert.deepEqual(crashCounts(r), { worker_crashes: 0, root_died: 0, crash_gate_failed: false }, r.output);
    assert.ok((r.counters['server.tasks_started'] ?? 0) >= 10, `tasks_started ${r.counters['server.tasks_started']}`);
  });
});

describe('remote mode (SERVER_METRICS_URL)', () => {
  async function withTargetAndMetrics(
    metricsArgs: string[],
    body: (target: Tree, metrics: { url: string; restart(): Promise<void> }) => Promise<Run>,
  ): Promise<Run> {
    const target = await startFixture(['metrics']);
    const port = await freePort();
    let metrics = await startFixture(['metrics', '--port', String(port), ...metricsArgs]);
    try {
      return await body(target, {
        url: `http://127.0.0.1:${port}/metrics`,
        async restart() {
          await metrics.stop();
          await sleep(1500);
          metrics = await startFixture(['metrics', '--port', String(port), ...metricsArgs]);
        },
      });
    } finally {
      await metrics.stop();
      await target.stop();
    }
  }

  it('an endpoint whose process restarts mid-run: 1 crash', async () => {
    const r = await withTargetAndMetrics([], (target, metrics) =>
      run('sustained', target.url, {
        overrides: SHORTER,
        env: { SERVER_METRICS_URL: metrics.url },
        afterS: 6,
        act: () => metrics.restart(),
      }),
    );
    assert.deepEqual(crashCounts(r), { worker_crashes: 1, root_died: 0, crash_gate_failed: true }, r.output);
    assert.ok((r.counters['server.scrape_failures'] ?? 0) >= 1, 'scrapes failed while it was down');
    assert.deepEqual(
      r.health.process_events.map((e) => e.kind),
      ['restarted'],
    );
  });

  it('an endpoint that never restarts: 0 crashes, crash gate passes', async () => {
    const r = await withTargetAndMetrics([], (target, metrics) =>
      run('sustained', target.url, { overrides: SHORTER, env: { SERVER_METRICS_URL: metrics.url } }),
    );
    assert.deepEqual(crashCounts(r), { worker_crashes: 0, root_died: 0, crash_gate_failed: false }, r.output);
    assert.equal(r.counters['server.scrape_failures'], 0);
  });

  it('an endpoint without process_start_time_seconds: crash gate fails as not measured, one line says why', async () => {
    const r = await withTargetAndMetrics(['--no-start-time'], (target, metrics) =>
      run('sustained', target.url, { overrides: SHORTER, env: { SERVER_METRICS_URL: metrics.url } }),
    );
    assert.deepEqual(crashCounts(r), { worker_crashes: undefined, root_died: undefined, crash_gate_failed: true });
    assert.equal(r.output.match(/exposes no process_start_time_seconds/g)?.length, 1, r.output);
  });
});

describe('a configuration error', () => {
  it('exit 2 leaves no report files', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'real-trees-config-'));
    await withTree(
      () => startFixture(['prefork', '--workers', '1']),
      async (tree) => {
        const code = await runArtillery('scenarios/rate-limit.yml', {
          target: tree.url,
          env: { WEBHOOK_TOKEN: 'a,b', WEBHOOK_SECRET: 'only-one', REPORTS_DIR: dir },
          onOutput: () => {},
        });
        assert.equal(code, 2);
      },
    );
    assert.deepEqual(existsSync(dir) ? readdirSync(dir) : [], []);
    rmSync(dir, { recursive: true, force: true });
  });
});
