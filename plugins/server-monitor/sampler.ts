// One sample of the server's whole process tree: RSS and CPU per process from
// pidusage, PSS/threads/descriptors from /proc, connections of the tree.
import pidusage from 'pidusage';
import { establishedConnections, openFiles, processTree, pssBytes, threadCount } from './proc.ts';

export interface ProcessFigures {
  rssBytes: number;
  pssBytes: number | undefined;
  /** Percent of one core; undefined on a PID's first reading, which pidusage reports as ~0. */
  cpuPercent: number | undefined;
  threads: number | undefined;
  openFiles: number;
}

export interface Sample {
  /** Milliseconds since the epoch. */
  at: number;
  rootAlive: boolean;
  processes: Record<number, ProcessFigures>;
  totals: {
    rssBytes: number;
    /** PSS summed over the tree when every process's was readable, else RSS summed. */
    memoryBytes: number;
    memoryMeasure: 'pss' | 'rss';
    cpuPercent: number;
    threads: number;
    openFiles: number;
    connections: number;
  };
}

export interface LocalSampler {
  sample(): Promise<Sample>;
}

// Reading smaps_rollup (~3 ms a process: the kernel walks every mapping) and counting
// connections (a readlink per descriptor, then the kernel's TCP table) dominate a
// sample's cost (measured ~10 ms each for a 3-process tree), so they are read at most
// this often; in between, each process's PSS follows its RSS change since the last read.
const PSS_EVERY_MS = 5000;
const CONNECTIONS_EVERY_MS = 10_000;

export function createLocalSampler(rootPid: number): LocalSampler {
  const seen = new Set<number>();
  const pssRead = new Map<number, { at: number; pss: number | undefined; rss: number }>();
  let connections = { at: 0, count: 0 };
  const pssOf = (pid: number, rss: number, at: number): number | undefined => {
    const last = pssRead.get(pid);
    if (last && at - last.at < PSS_EVERY_MS) return last.pss === undefined ? undefined : last.pss + (rss - last.rss);
    const pss = pssBytes(pid);
    pssRead.set(pid, { at, pss, rss });
    return pss;
  };
  return {
    async sample() {
      const pids = processTree(rootPid);
      const at = Date.now();
      const usage = pids.length > 0 ? await pidusage(pids).catch(() => ({})) : {};
      const processes: Record<number, ProcessFigures> = {};
      for (const pid of pids) {
        const u = (usage as Record<number, { memory: number; cpu: number } | undefined>)[pid];
        if (!u) continue;
        processes[pid] = {
          rssBytes: u.memory,
          pssBytes: pssOf(pid, u.memory, at),
          cpuPercent: seen.has(pid) ? u.cpu : undefined,
          threads: threadCount(pid),
          openFiles: openFiles(pid),
        };
        seen.add(pid);
      }
      for (const pid of pssRead.keys()) if (!(pid in processes)) pssRead.delete(pid);
      if (at - connections.at >= CONNECTIONS_EVERY_MS) connections = { at, count: establishedConnections(pids) };
      const figures = Object.values(processes);
      const sum = (pick: (f: ProcessFigures) => number | undefined) =>
        figures.reduce((total, f) => total + (pick(f) ?? 0), 0);
      const pssComplete = figures.length > 0 && figures.every((f) => f.pssBytes !== undefined);
      return {
        at,
        rootAlive: rootPid in processes,
        processes,
        totals: {
          rssBytes: sum((f) => f.rssBytes),
          memoryBytes: pssComplete ? sum((f) => f.pssBytes) : sum((f) => f.rssBytes),
          memoryMeasure: pssComplete ? 'pss' : 'rss',
          cpuPercent: sum((f) => f.cpuPercent),
          threads: sum((f) => f.threads),
          openFiles: sum((f) => f.openFiles),
          connections: connections.count,
        },
      };
    },
  };
}

/** Forget pidusage's per-PID history (it keeps one entry per PID ever sampled). */
export function clearSamplerCache(): void {
  pidusage.clear();
}
