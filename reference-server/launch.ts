// Starts the reference target as a child process on a free loopback port and
// reports the URL it listens on; used by the suite runner, tests and benchmarks.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

/**
 * The pack's root (its package.json and scenarios/): where this code runs from, as TypeScript in a
 * checkout or built into dist/ inside the installed `webhook-stress` package.
 */
function packRoot(from: string): string {
  for (let dir = from; dir !== path.dirname(dir); dir = path.dirname(dir))
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'scenarios'))) return dir;
  throw new Error(`no pack root (package.json beside scenarios/) above ${from}`);
}

export const ROOT = packRoot(import.meta.dirname);

/** A module beside this one, in the form this one runs as (.ts in a checkout, .js when built). */
const besideThis = (name: string) => path.join(import.meta.dirname, `${name}${path.extname(import.meta.filename)}`);

/** The exactly-once oracle of the reference target: its own count of processed signals. */
export function processedCountEnv(url: string): Record<string, string> {
  return { PROCESSED_COUNT_URL: `${url}/metrics`, PROCESSED_COUNT_METRIC: 'webhook_orders_processed_total' };
}

export interface RunningTarget {
  url: string;
  pid: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * The URL a child announces with "listening on http://...": the reference target, and the
 * independent receivers of the tests. Rejects with what it printed if it exits first or takes 10 s.
 */
/** A loopback port free at this moment (nothing listens on it once this returns). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

export function listeningUrl(child: ChildProcess, name: string): Promise<string> {
  let output = '';
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 10 s: ${output}`)), 10_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}: ${output.trim()}`));
    });
  });
}

export async function startTarget(args: string[] = []): Promise<RunningTarget> {
  const child = spawn(process.execPath, [besideThis('main'), '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await listeningUrl(child, 'reference target');
  return {
    url,
    pid: child.pid ?? 0,
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
