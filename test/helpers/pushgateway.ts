// Debian's Prometheus Pushgateway (prometheus-pushgateway) on a free loopback port, started in
// the foreground with persistence off, read back through its /metrics page, stopped by its pid.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { freePort } from '../../reference-server/launch.ts';

export const PUSHGATEWAY = '/usr/bin/prometheus-pushgateway';

export interface RunningPushgateway {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** One series of the Prometheus text format: `name{label="value",...} value`. */
export interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export async function startPushgateway(): Promise<RunningPushgateway> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // Debian's build persists to /var/lib/prometheus by default: an empty file name turns that off.
  const child: ChildProcess = spawn(PUSHGATEWAY, [`--web.listen-address=127.0.0.1:${port}`, '--persistence.file='], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log += chunk.toString();
  });
  const deadline = Date.now() + 10_000;
  while (!(await ready(url))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`prometheus-pushgateway did not start on ${url}: ${log.trim()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    pid: child.pid ?? 0,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

async function ready(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(500) })).ok;
  } catch {
    return false;
  }
}

const SERIES = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Every series the pushgateway serves on /metrics (its own go_* and process_* figures included). */
export async function readPushgateway(url: string): Promise<Series[]> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const series: Series[] = [];
  for (const line of text.split('\n')) {
    const match = SERIES.exec(line.trim());
    if (!match?.[1] || match[3] === undefined) continue;
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(LABEL)].map((m) => [m[1] ?? '', m[2] ?? '']));
    series.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return series;
}
