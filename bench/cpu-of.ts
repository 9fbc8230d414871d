// Runs a command under bash and returns the CPU seconds (user + system) of its process tree.
import { spawn } from 'node:child_process';
import { ROOT } from '../reference-server/launch.ts';

export async function cpuSecondsOf(argv: string[], env: Record<string, string> = {}): Promise<number> {
  const cmd = argv.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const child = spawn('bash', ['-c', `${cmd} >/dev/null 2>&1; times`], {
    cwd: ROOT,
    env: { ...process.env, ARTILLERY_DISABLE_TELEMETRY: 'true', ...env },
  });
  let text = '';
  child.stdout.on('data', (c: Buffer) => {
    text += c.toString();
  });
  await new Promise((resolve) => child.once('close', resolve));
  const children = text.trim().split('\n').at(-1) ?? '';
  return [...children.matchAll(/(\d+)m([\d.]+)s/g)]
    .map((m) => Number(m[1]) * 60 + Number(m[2]))
    .reduce((a, b) => a + b, 0);
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
