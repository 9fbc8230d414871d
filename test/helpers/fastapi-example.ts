// The FastAPI example receiver (examples/fastapi-receiver) as a test's server: Debian's
// redis-server and uvicorn --workers 2, each on a free loopback port, in one temp dir, each
// in its own process group, stopped by that group. Never the system's Redis service.
//
// Or, with `replicas`, the same app as two uvicorn processes behind Debian's nginx (round
// robin), the way replicas are deployed. uvicorn --workers shares one accept queue, and the
// worker that wakes first takes nearly a whole burst of new connections (measured: 20/0 in
// half of 20-connection bursts), so only a balancer spreads a burst over processes for sure.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, ROOT } from '../../reference-server/launch.ts';
import { NGINX } from './nginx.ts';

export const REDIS_SERVER = '/usr/bin/redis-server';
export const PYTHON = '/usr/bin/python3';
export const EXAMPLE_DIR = path.join(ROOT, 'examples/fastapi-receiver');

/** The example's switches (its README "Switches"); unset is the right way. */
export interface ExampleSwitches {
  IDEMPOTENCY?: 'atomic' | 'get-then-set';
  REDIS_CONNECTIONS?: 'pool' | 'per-request' | 'small-pool';
  RATE_LIMITER?: 'redis' | 'per-worker';
}

export interface ExampleLayout {
  /** Two uvicorn processes (one worker each) behind nginx round robin, instead of one with --workers 2. */
  replicas?: boolean;
}

export interface RunningExample {
  /** Where the pack sends: uvicorn, or nginx in front of the replicas. */
  url: string;
  redisPort: number;
  /** uvicorn's master (with --workers 2 its workers are its children), or each replica: the monitor's SERVER_PID. */
  pids: number[];
  redisPid: number;
  /** uvicorn's stdout and stderr (access lines, tracebacks), every replica's: the monitor's SERVER_LOG. */
  logFile: string;
  stop(): Promise<void>;
}

/** What the pack needs to provision on the example and read its processed count. */
export function exampleEnv(url: string): Record<string, string> {
  return {
    LOGIN_ENCODING: 'form',
    PROCESSED_COUNT_URL: `${url}/metrics`,
    PROCESSED_COUNT_METRIC: 'signals_processed_total',
    DELETE_WEBHOOK_PATH: '/api/v1/webhooks/{token}',
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts `command` as the leader of a new process group, its output appended to `logFile`. */
function spawnGroup(command: string, args: string[], logFile: string, env: NodeJS.ProcessEnv): ChildProcess {
  const fd = openSync(logFile, 'a');
  try {
    return spawn(command, args, { cwd: path.dirname(logFile), env, detached: true, stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
}

/** Sends SIGTERM to the group, SIGKILL after 5 s, and waits for the leader to be reaped. */
async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = once(child, 'exit');
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-(child.pid as number), name);
    } catch {
      // The group is gone.
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
  // Workers that outlived their master (re-parented to init) are still in the group.
  signal('SIGKILL');
}

function redisPongs(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(500);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

async function healthy(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

async function waitFor(what: string, ready: () => Promise<boolean>, child: ChildProcess, logFile: string) {
  const deadline = Date.now() + 20_000;
  while (!(await ready())) {
    if (child.exitCode !== null || Date.now() > deadline) {
      const log = readFileSync(logFile, 'utf8').trim().split('\n').slice(-10).join('\n');
      throw new Error(`${what} did not start (exit ${child.exitCode}): ${log}`);
    }
    await sleep(100);
  }
}

const startupsIn = (logFile: string) => readFileSync(logFile, 'utf8').split('Application startup complete.').length - 1;

function nginxConfig(dir: string, port: number, upstreams: number[]): string {
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${dir}/${t};`);
  return `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  ${temp.join('\n  ')}
  upstream replicas { ${upstreams.map((p) => `server 127.0.0.1:${p};`).join(' ')} }
  server {
    listen 127.0.0.1:${port};
    location / { proxy_pass http://replicas; }
  }
}
`;
}

export async function startFastapiExample(
  switches: ExampleSwitches = {},
  layout: ExampleLayout = {},
): Promise<RunningExample> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pack-fastapi-'));
  const started: ChildProcess[] = [];
  const cleanUp = async () => {
    for (const child of started.reverse()) await stopGroup(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // redis-server has no "--port 0": take a port the kernel just gave out.
    const redisPort = await freePort();
    const redisLog = path.join(dir, 'redis.log');
    const redisArgs = ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    const redis = spawnGroup(REDIS_SERVER, [...redisArgs, '--dir', dir], redisLog, process.env);
    started.push(redis);
    await waitFor(`redis-server on port ${redisPort}`, () => redisPongs(redisPort), redis, redisLog);

    const logFile = path.join(dir, 'uvicorn.log');
    const metricsDir = path.join(dir, 'prometheus');
    mkdirSync(metricsDir);
    const env = {
      ...process.env,
      ...switches,
      REDIS_URL: `redis://127.0.0.1:${redisPort}/0`,
      PROMETHEUS_MULTIPROC_DIR: metricsDir,
    };
    const workers = layout.replicas ? 1 : 2;
    const ports = layout.replicas ? [await freePort(), await freePort()] : [await freePort()];
    const uvicorns = ports.map((port) => {
      const args = ['-m', 'uvicorn', '--workers', String(workers), '--host', '127.0.0.1', '--port', String(port)];
      const child = spawnGroup(PYTHON, [...args, '--app-dir', EXAMPLE_DIR, 'receiver.app:app'], logFile, env);
      started.push(child);
      return child;
    });
    // Every worker started (each logs its startup), and each server answers with Redis behind it.
    for (const [i, port] of ports.entries()) {
      const url = `http://127.0.0.1:${port}`;
      const ready = async () => startupsIn(logFile) >= (i + 1) * workers && (await healthy(url));
      await waitFor(`uvicorn on ${url}`, ready, uvicorns[i] as ChildProcess, logFile);
    }
    let url = `http://127.0.0.1:${ports[0]}`;
    if (layout.replicas) {
      const port = await freePort();
      url = `http://127.0.0.1:${port}`;
      const confFile = path.join(dir, 'nginx.conf');
      writeFileSync(confFile, nginxConfig(dir, port, ports));
      const nginxLog = path.join(dir, 'nginx.log');
      const nginx = spawnGroup(NGINX, ['-c', confFile, '-p', `${dir}/`, '-e', `${dir}/nginx-error.log`], nginxLog, env);
      started.push(nginx);
      await waitFor(`nginx on ${url}`, () => healthy(url), nginx, nginxLog);
    }
    return {
      url,
      redisPort,
      pids: uvicorns.map((child) => child.pid as number),
      redisPid: redis.pid as number,
      logFile,
      stop: cleanUp,
    };
  } catch (err) {
    await cleanUp();
    throw err;
  }
}
