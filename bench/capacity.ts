// How fast the pack's capacity engine (the burst engine's `ramp` step, run by the real CLI on
// scenarios/capacity.yml, signing every request) sends, beside wrk, autocannon and bare
// Artillery, one after another against the same receivers on this machine: the reference
// target and a two-worker uvicorn receiver written here (plain ASGI, answers 200 to any POST).
// Every generator sends the same POST body to the same path, over 32 keep-alive connections
// where it has connections to set, for --seconds. Prints req/s and the ratio to wrk; asserts
// nothing. Not niced: the rate is the measurement.
//   npm run bench:capacity [-- --seconds 8]
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, ROOT, startTarget } from '../reference-server/launch.ts';
import { ARTILLERY } from '../scripts/lib/artillery-cli.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '8' } } });
const seconds = Number(values.seconds);
const CONNECTIONS = 32;
const PATH = '/api/v1/webhooks/bench-capacity';
const BODY =
  '{"signal_id":"1234.1.mi0abcde-17","action":"BUY","symbol":"BTCUSDT","quantity":1.234,"price":100.12,"comment":"stress buy #17","timestamp":"2026-11-28T04:00:00.000Z"}';
const dir = mkdtempSync(path.join(tmpdir(), 'bench-capacity-'));

function wrk(url: string): number {
  const script = path.join(dir, 'post.lua');
  writeFileSync(
    script,
    `wrk.method = "POST"\nwrk.body = '${BODY}'\nwrk.headers["content-type"] = "application/json"\n`,
  );
  const out = execFileSync('wrk', ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '-s', script, `${url}${PATH}`], {
    encoding: 'utf8',
  });
  return Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
}

function autocannon(url: string): number {
  const cli = path.join(ROOT, 'node_modules/autocannon/autocannon.js');
  const args = [cli, '-c', String(CONNECTIONS), '-d', String(seconds), '-m', 'POST'];
  args.push('-H', 'content-type=application/json', '-b', BODY, '--json', `${url}${PATH}`);
  const run = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const result = JSON.parse(run.stdout) as { requests: { total: number }; duration: number };
  return result.requests.total / result.duration;
}

function artilleryRun(file: string, url: string, env: Record<string, string>, overrides?: object) {
  const out = path.join(dir, 'out.json');
  const args = [
    ARTILLERY,
    'run',
    '-t',
    url,
    '--output',
    out,
    ...(overrides ? ['--overrides', JSON.stringify(overrides)] : []),
    file,
  ];
  spawnSync(process.execPath, args, {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ARTILLERY_DISABLE_TELEMETRY: 'true', REPORTS_DIR: dir, SERVER_MONITOR: 'off', ...env },
  });
  return JSON.parse(readFileSync(out, 'utf8')) as {
    aggregate: { counters: Record<string, number>; firstMetricAt: number; lastMetricAt: number };
  };
}

/** Artillery alone asked for far more than it can send: its answers per second, first metric to last. */
function bareArtillery(url: string): number {
  const phases = { config: { phases: [{ arrivalRate: 4000, duration: seconds }] } };
  const { aggregate } = artilleryRun('bench/bare.yml', url, {}, phases);
  return (aggregate.counters['http.responses'] ?? 0) / ((aggregate.lastMetricAt - aggregate.firstMetricAt) / 1000);
}

/**
 * The pack's capacity engine, one 8-second step offered 1.25x what wrk reached on this receiver
 * (at most 20,000/s: an open model asked for far more than it can send spends itself on its
 * backlog): the rate it got answered. Every request signed by the scenario's processor.
 */
function packEngine(url: string, wrkRate: number): number {
  const { aggregate } = artilleryRun('scenarios/capacity.yml', url, {
    WEBHOOK_TOKEN: 'bench-capacity',
    WEBHOOK_SECRET: 'bench-capacity-secret',
    WEBHOOK_PATH: '/api/v1/webhooks/{token}',
    CAPACITY_START_RPS: String(Math.round(Math.min(20_000, wrkRate * 1.25))),
    CAPACITY_MAX_STEPS: '1',
    CAPACITY_STEP_S: String(seconds),
    CAPACITY_CONNECTIONS: String(CONNECTIONS),
  });
  return aggregate.counters['capacity.step_01.achieved_rps'] ?? 0;
}

async function startUvicorn(): Promise<{ url: string; stop(): void }> {
  writeFileSync(
    path.join(dir, 'app.py'),
    [
      'async def app(scope, receive, send):',
      "    if scope['type'] != 'http':",
      '        return',
      '    more = True',
      '    while more:',
      "        more = (await receive()).get('more_body', False)",
      "    await send({'type': 'http.response.start', 'status': 200, 'headers': [(b'content-type', b'application/json')]})",
      `    await send({'type': 'http.response.body', 'body': b'{"status":"accepted"}'})`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const child: ChildProcess = spawn(
    '/usr/bin/python3',
    [
      '-m',
      'uvicorn',
      'app:app',
      '--workers',
      '2',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--log-level',
      'warning',
    ],
    { cwd: dir, stdio: 'ignore', detached: true },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(`${url}/`);
      break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return { url, stop: () => process.kill(-(child.pid ?? 0), 'SIGTERM') };
}

const GENERATORS: [string, (url: string, wrkRate: number) => number][] = [
  ['wrk, 1 thread', wrk],
  ['autocannon', autocannon],
  ['bare Artillery (arrivalRate 4,000)', bareArtillery],
  ["the pack's capacity engine (signed, CLI, 1.25x wrk's rate offered)", packEngine],
];

async function main() {
  console.log(`load before: ${execFileSync('uptime', { encoding: 'utf8' }).trim()}`);
  const target = await startTarget(['--rate-limit', '1000000']);
  const uvicorn = await startUvicorn();
  const receivers = [
    ['reference target', target.url],
    ['uvicorn --workers 2', uvicorn.url],
  ] as const;
  const rates = new Map<string, number[]>();
  try {
    for (const [name, run] of GENERATORS) {
      const wrkRates = rates.get('wrk, 1 thread') ?? [];
      rates.set(
        name,
        receivers.map(([, url], i) => run(url, wrkRates[i] ?? 0)),
      );
      process.stdout.write('.');
    }
  } finally {
    await target.stop();
    uvicorn.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\nload after: ${execFileSync('uptime', { encoding: 'utf8' }).trim()}\n`);
  const wrkRates = rates.get('wrk, 1 thread') ?? [];
  console.log(`| generator | ${receivers.map(([n]) => `${n} req/s | x wrk`).join(' | ')} |`);
  console.log(`| --- | ${receivers.map(() => '--- | ---').join(' | ')} |`);
  for (const [name] of GENERATORS) {
    const cells = (rates.get(name) ?? []).map((r, i) => `${Math.round(r)} | ${(r / (wrkRates[i] ?? 1)).toFixed(2)}`);
    console.log(`| ${name} | ${cells.join(' | ')} |`);
  }
}

main().catch((err: unknown) => {
  console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
