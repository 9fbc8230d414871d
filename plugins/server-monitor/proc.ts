// Linux /proc readers: the process table, listening sockets, and the per-process
// figures pidusage does not give (PSS, threads, descriptors). Each returns
// undefined or an empty result when the process is gone or unreadable.
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

/** ppid is field 4 of /proc/<pid>/stat, counted after the parenthesised command name. */
export function parentOf(pid: number): number | undefined {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[1]);
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

/** The root and every process below it; empty when the root is gone. */
export function processTree(root: number): number[] {
  if (!isAlive(root)) return [];
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

export function isAlive(pid: number): boolean {
  return read(`/proc/${pid}/stat`) !== undefined;
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

/** PIDs holding a socket that listens on the TCP port; forked workers share the master's. */
export function pidsListeningOn(port: number, table: ProcessEntry[] = listProcesses()): number[] {
  const inodes = new Set(
    tcpTable()
      .filter((r) => r.state === TCP_LISTEN && r.localPort === port)
      .map((r) => r.inode),
  );
  if (inodes.size === 0) return [];
  return table.filter(({ pid }) => [...socketInodes(pid)].some((i) => inodes.has(i))).map((p) => p.pid);
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
