// Runs this project's Node on a script in a child process and collects what it printed.
import { spawn } from 'node:child_process';

export interface ChildResult {
  code: number | null;
  output: string;
}

export function runNode(args: string[], options: { cwd: string; env: Record<string, string> }): Promise<ChildResult> {
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => {
    output += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    output += c.toString();
  });
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, output })));
}
