// Runs a command (by default this project's Node on a script) in a child process and collects
// what it printed, stdout and stderr as they came.
import { spawn } from 'node:child_process';

export interface ChildResult {
  code: number | null;
  output: string;
}

export function runCommand(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<ChildResult> {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => {
    output += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    output += c.toString();
  });
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, output })));
}

export function runNode(args: string[], options: { cwd: string; env: Record<string, string> }): Promise<ChildResult> {
  return runCommand(process.execPath, args, options);
}
