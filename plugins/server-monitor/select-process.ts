// Finds the root process of the server under test from the monitor's selector.
// With no selector, a target on this machine is found by the port it listens on.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isLoopback } from 'webhook-stress-common';
import { isAlive, listProcesses, type ProcessEntry, pidsListeningOn } from './proc.ts';

export interface Selector {
  pid?: number;
  pidfile?: string;
  port?: number;
  command?: string;
}

export class SelectorError extends Error {}

/** A target on this machine, whose server process the local monitor can find: the one loopback rule of the pack. */
export const isLocalTarget = isLoopback;

export function portOf(target: string): number {
  const url = new URL(target);
  return url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}

/** Of several matching processes, those none of the others descends from (a master, not its workers). */
function topmost(pids: number[], table: ProcessEntry[]): number[] {
  const set = new Set(pids);
  const parent = new Map(table.map((p) => [p.pid, p.ppid]));
  return pids.filter((pid) => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) if (set.has(p)) return false;
    return true;
  });
}

/** This process and every process above it: the load generator (npm, sh, node stress.ts) carries the pattern in its argv. */
function ancestorsOfSelf(table: ProcessEntry[]): Set<number> {
  const parent = new Map(table.map((p) => [p.pid, p.ppid]));
  const own = new Set<number>();
  for (let p: number | undefined = process.pid; p !== undefined && p > 0 && !own.has(p); p = parent.get(p)) own.add(p);
  return own;
}

function compilePattern(command: string): RegExp {
  try {
    return new RegExp(command);
  } catch {
    throw new SelectorError(`command pattern /${command}/ is not a valid regular expression; fix SERVER_COMMAND`);
  }
}

function programName(cmdline: string): string {
  return path.basename(cmdline.split(' ')[0] ?? '') || '?';
}

function byCommand(command: string, table: ProcessEntry[]): number {
  const pattern = compilePattern(command);
  const own = ancestorsOfSelf(table);
  const matches = table.filter((p) => !own.has(p.pid) && pattern.test(p.cmdline)).map((p) => p.pid);
  const roots = topmost(matches, table);
  if (roots.length === 0) throw new SelectorError(`no running process matches command pattern /${command}/`);
  if (roots.length > 1) {
    // The program's name only: a command line's arguments may carry a password (`--password ...`).
    const named = roots.map((pid) => `${pid} (${programName(table.find((p) => p.pid === pid)?.cmdline ?? '')})`);
    throw new SelectorError(
      `command pattern /${command}/ matches ${roots.length} unrelated processes: ${named.join(', ')}; make the pattern narrower or set the server's pid`,
    );
  }
  return roots[0] as number;
}

export function selectRootPid(selector: Selector, target: string | undefined): number {
  if (selector.pid !== undefined) {
    if (!isAlive(selector.pid)) throw new SelectorError(`no process with pid ${selector.pid}; check the server's pid`);
    return selector.pid;
  }
  if (selector.pidfile) {
    let text: string;
    try {
      text = readFileSync(selector.pidfile, 'utf8').trim();
    } catch {
      throw new SelectorError(`cannot read pidfile ${selector.pidfile}; check the path`);
    }
    const pid = Number(text);
    if (!Number.isInteger(pid) || !isAlive(pid)) {
      throw new SelectorError(`pidfile ${selector.pidfile} names pid "${text}", which is not running`);
    }
    return pid;
  }
  const table = listProcesses();
  if (selector.command) return byCommand(selector.command, table);
  const port = selector.port ?? (target && isLocalTarget(target) ? portOf(target) : undefined);
  if (port === undefined) throw new SelectorError('no local process to monitor');
  const root = topmost(pidsListeningOn(port, table), table)[0];
  if (root === undefined) {
    throw new SelectorError(
      `no process on this machine listens on port ${port}; start the server or set the monitor's pid`,
    );
  }
  return root;
}
