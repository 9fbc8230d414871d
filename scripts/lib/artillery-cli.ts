// Runs the project's own artillery CLI (with the project's Node 22) on one scenario file.
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ROOT } from '../../reference-server/launch.ts';

/** The Artillery the pack depends on (found as Node finds it: the checkout's, or beside the installed package). */
export const ARTILLERY = path.join(
  path.dirname(createRequire(import.meta.url).resolve('artillery/package.json')),
  'bin/run',
);

export interface ArtilleryOptions {
  target?: string | undefined;
  outputJson?: string;
  env?: Record<string, string>;
  /** Receives stdout and stderr as they come; by default both go to this process's console. */
  onOutput?: (chunk: string) => void;
  overrides?: string;
  /** Gets the child as soon as it exists, e.g. to pass on Ctrl-C. */
  onSpawn?: (child: ChildProcess) => void;
  /** More of artillery run's own options (webhook-stress run passes the user's through). */
  extraArgs?: string[];
}

export function runArtillery(scenarioFile: string, opts: ArtilleryOptions = {}): Promise<number | null> {
  const args = [ARTILLERY, 'run'];
  if (opts.outputJson) args.push('--output', opts.outputJson);
  if (opts.target) args.push('--target', opts.target);
  if (opts.overrides) args.push('--overrides', opts.overrides);
  if (opts.extraArgs) args.push(...opts.extraArgs);
  // A scenario named relative to the pack; the run itself works in the caller's folder (its profile, its reports).
  args.push(path.resolve(ROOT, scenarioFile));
  const child = spawn(process.execPath, args, {
    // The caller has read any profile already and passes its variables: the run reads none again.
    env: { ...process.env, ARTILLERY_DISABLE_TELEMETRY: 'true', WEBHOOK_STRESS_PROFILE: 'off', ...opts.env },
    stdio: ['ignore', opts.onOutput ? 'pipe' : 'inherit', opts.onOutput ? 'pipe' : 'inherit'],
  });
  opts.onSpawn?.(child);
  if (opts.onOutput) {
    const forward = opts.onOutput;
    child.stdout?.on('data', (c: Buffer) => forward(c.toString()));
    child.stderr?.on('data', (c: Buffer) => forward(c.toString()));
  }
  return new Promise((resolve) => child.once('close', (code) => resolve(code)));
}
