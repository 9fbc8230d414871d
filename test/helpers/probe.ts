// `webhook-stress probe` run as a user runs it, in a folder of its own where it writes its
// profile; and the profile's value lines read back.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from '../../reference-server/launch.ts';
import { runCommand } from './node-child.ts';

/** The folders the probes wrote into: the test file removes them at its end. */
export const probeDirs: string[] = [];

export interface ProbeRun {
  code: number | null;
  output: string;
  profile: string;
  file: string;
}

export async function probe(args: string[], env: Record<string, string> = {}): Promise<ProbeRun> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pack-probe-'));
  probeDirs.push(dir);
  const { code, output } = await runCommand(
    process.execPath,
    [path.join(ROOT, 'bin/webhook-stress.js'), 'probe', ...args],
    {
      cwd: dir,
      env: { ...process.env, WEBHOOK_STRESS_PROFILE: '', ...env },
    },
  );
  const file = path.join(dir, 'webhook-stress.profile');
  return { code, output, file, profile: existsSync(file) ? readFileSync(file, 'utf8') : '' };
}

/** The profile's value lines (comments left out). */
export function values(profile: string): Record<string, string> {
  return Object.fromEntries(
    profile
      .split('\n')
      .filter((l) => /^[A-Z_]+=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}
