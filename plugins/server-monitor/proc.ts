// Linux /proc readers: the process table, listening sockets, and the per-process
// figures pidusage does not give (PSS, threads, descriptors). Each returns
// undefined or an empty result when the process is gone or unreadable.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface ProcessEntry {
  pid: number;
  ppid: number;
  cmdline: string;
}

function read(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function numericEntries(dir: string): number[] {
  try {
    return readdirSync(dir)
      .filter((name) => /^\d+$/.test(name))
      .map(Number);
  } catch {
    return [];
  }
}

export interface ProcessStat {
  ppid: number;
  /** R, S, D, ... ; Z (zombie) and X (dead) mean the process has exited. */
  state: string;
  /** Start time in clock ticks since boot: with the pid, it names one process (pids are reused). */
  startTicks: number;
}

/** Fields of /proc/<pid>/stat, counted after the parenthesised command name (which may hold spaces). */
export function statOf(pid: number): ProcessStat | undefined {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), fields[1] field 4 (ppid), fields[19] field 22 (starttime).
  return { state: fields[0] ?? '?', ppid: Number(fields[1]), startTicks: Number(fields[19]) };
}

export function parentOf(pid: number): number | undefined {
  return statOf(pid)?.ppid;
}

export const isExitedState = (state: string): boolean => state === 'Z' || state === 'X';

let ticksPerSecond: number | undefined;
/** USER_HZ, the unit of starttime: `getconf CLK_TCK`, 100 on every common Linux build. */
export function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** Seconds since boot, the clock starttime is counted on. */
export function uptimeSeconds(): number {
  return Number((read('/proc/uptime') ?? '0').split(' ')[0]);
}

/** How long ago the process started, in ms, from its start ticks and the uptime read once per sample. */
export function ageMs(startTicks: number, uptimeS: number): number {
  return Math.max(0, (uptimeS - startTicks / clockTicksPerSecond()) * 1000);
}

export function listProcesses(): ProcessEntry[] {
  const entries: ProcessEntry[] = [];
  for (const pid of numericEntries('/proc')) {
    const ppid = parentOf(pid);
    if (ppid === undefined) continue;
    const cmdline = (read(`/proc/${pid}/cmdline`) ?? '').replace(/\0/g, ' ').trim();
    entries.push({ pid, ppid, cmdline });
  }
  return entries;
}

/** Direct children, from /proc/<pid>/task/<tid>/children (no scan of every process). */
function childrenOf(pid: number): number[] | undefined {
  const tasks = numericEntries(`/proc/${pid}/task`);
  if (tasks.length === 0) return undefined;
  const children: number[] = [];
  for (const tid of tasks) {
    const text = read(`/proc/${pid}/task/${tid}/children`);
    if (text === undefined) return undefined;
    for (const child of text.trim().split(/\s+/)) if (child) children.push(Number(child));
  }
  return children;
}

/** The root and every process below it, zombies included; empty when the root is gone from /proc. */
export function processTree(root: number): number[] {
  if (statOf(root) === undefined) return [];
  const tree: number[] = [];
  const queue = [root];
  let table: ProcessEntry[] | undefined;
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    if (tree.includes(pid)) continue;
    tree.push(pid);
    // Kernels without the children file: fall back to one scan of the process table.
    let children = childrenOf(pid);
    if (children === undefined) {
      table ??= listProcesses();
      children = table.filter((p) => p.ppid === pid).map((p) => p.pid);
    }
    queue.push(...children);
  }
  return tree;
}

/** Running (or sleeping): neither gone nor a zombie. */
export function isAlive(pid: number): boolean {
  const stat = statOf(pid);
  return stat !== undefined && !isExitedState(stat.state);
}

function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  for (const fd of numericEntries(`/proc/${pid}/fd`)) {
    try {
      const link = readlinkSync(`/proc/${pid}/fd/${fd}`);
      const match = /^socket:\[(\d+)\]$/.exec(link);
      if (match?.[1]) inodes.add(match[1]);
    } catch {
      // The descriptor closed while we looked.
    }
  }
  return inodes;
}

const TCP_LISTEN = '0A';
const TCP_ESTABLISHED = '01';

interface TcpRow {
  localPort: number;
  state: string;
  inode: string;
}

function tcpTable(): TcpRow[] {
  const rows: TcpRow[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of (read(file) ?? '').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const local = cols[1];
      if (!local || !cols[3] || !cols[9]) continue;
      rows.push({ localPort: Number.parseInt(local.split(':')[1] ?? '0', 16), state: cols[3], inode: cols[9] });
    }
  }
  return rows;
}

/** Inodes of the sockets listening on the TCP port, or on any port when none is given. */
export function listeningInodes(port?: number): Set<string> {
  return new Set(
    tcpTable()
      .filter((r) => r.state === TCP_LISTEN && (port === undefined || r.localPort === port))
      .map((r) => r.inode),
  );
}

/** Whether the process holds a descriptor on one of these listening sockets. */
export function holdsSocket(pid: number, inodes: Set<string>): boolean {
  if (inodes.size === 0) return false;
  for (const inode of socketInodes(pid)) if (inodes.has(inode)) return true;
  return false;
}

/** PIDs holding a socket that listens on the TCP port; forked workers share the master's. */
export function pidsListeningOn(port: number, table: ProcessEntry[] = listProcesses()): number[] {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return [];
  return table.filter(({ pid }) => holdsSocket(pid, inodes)).map((p) => p.pid);
}

/** Established TCP connections held by any of the PIDs. */
export function establishedConnections(pids: number[]): number {
  const owned = new Set(pids.flatMap((pid) => [...socketInodes(pid)]));
  return tcpTable().filter((r) => r.state === TCP_ESTABLISHED && owned.has(r.inode)).length;
}

/** Proportional set size: shared pages divided among the processes sharing them. */
export function pssBytes(pid: number): number | undefined {
  const match = /^Pss:\s+(\d+) kB/m.exec(read(`/proc/${pid}/smaps_rollup`) ?? '');
  return match?.[1] ? Number(match[1]) * 1024 : undefined;
}

export function rssBytesFromStatus(pid: number): number | undefined {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(read(`/proc/${pid}/status`) ?? '');
  return match?.[1] ? Number(match[1]) * 1024 : undefined;
}

export function threadCount(pid: number): number | undefined {
  const match = /^Threads:\s+(\d+)/m.exec(read(`/proc/${pid}/status`) ?? '');
  return match?.[1] ? Number(match[1]) : undefined;
}

export function openFiles(pid: number): number {
  return numericEntries(`/proc/${pid}/fd`).length;
}
