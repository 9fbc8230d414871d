// One sample of the server's whole process tree: RSS and CPU per process from
// pidusage, PSS/threads/descriptors/state from /proc, connections of the tree.
import pidusage from 'pidusage';
import type { ProcessFigures, Sample } from 'webhook-stress-common';
import {
  ageMs,
  establishedConnections,
  holdsSocket,
  isExitedState,
  listeningInodes,
  openFiles,
  type ProcessStat,
  processTree,
  pssBytes,
  statOf,
  threadCount,
  uptimeSeconds,
} from './proc.ts';

export interface LocalSampler {
  sample(): Promise<Sample>;
}

export interface LocalSamplerOptions {
  /** The server's TCP port; a process holding a socket listening on it is a worker. Any port when undefined. */
  port?: number;
  workerMinAgeMs: number;
}

// Reading smaps_rollup (~3 ms a Node process: the kernel walks every mapping) and counting
// connections (a readlink per descriptor, then the kernel's TCP table) dominate a sample's
// cost. PSS is read at every sample of the default 1 s period, at most once a second at
// faster ones (carried forward in between, never interpolated); connections every 10 s.
const PSS_EVERY_MS = 1000;
const CONNECTIONS_EVERY_MS = 10_000;

const identity = (pid: number, stat: ProcessStat) => `${pid}@${stat.startTicks}`;

export function createLocalSampler(rootPid: number, options: LocalSamplerOptions): LocalSampler {
  const seen = new Set<string>();
  const workers = new Set<string>();
  // Processes followed by pid even when no longer below the root: orphans of a dead master keep serving.
  let followed = new Map<number, number>();
  let first = true;
  let connections = { at: 0, count: 0 };
  const pssReads = new Map<string, { at: number; pss: number | undefined }>();
  let fresh = true;
  const pssOf = (pid: number, id: string, at: number): number | undefined => {
    const last = pssReads.get(id);
    if (last && at - last.at < PSS_EVERY_MS - 50) {
      fresh = false;
      return last.pss;
    }
    const pss = pssBytes(pid);
    pssReads.set(id, { at, pss });
    return pss;
  };
  return {
    async sample() {
      const candidates = new Set(processTree(rootPid));
      for (const [pid, startTicks] of followed) {
        if (candidates.has(pid) || statOf(pid)?.startTicks !== startTicks) continue;
        for (const p of processTree(pid)) candidates.add(p);
      }
      const uptime = uptimeSeconds();
      const live = new Map<number, ProcessStat>();
      const exited: number[] = [];
      for (const pid of candidates) {
        const stat = statOf(pid);
        if (!stat) continue;
        if (isExitedState(stat.state)) exited.push(pid);
        else live.set(pid, stat);
      }
      const pids = [...live.keys()];
      const at = Date.now();
      const usage = pids.length > 0 ? await pidusage(pids).catch(() => ({})) : {};
      // The kernel's TCP table is read only while some process is not yet known as a worker.
      let inodes: Set<string> | undefined;
      const listening = (pid: number) => {
        inodes ??= listeningInodes(options.port);
        return holdsSocket(pid, inodes);
      };
      const processes: Record<number, ProcessFigures> = {};
      fresh = true;
      for (const [pid, stat] of live) {
        const u = (usage as Record<number, { memory: number; cpu: number } | undefined>)[pid];
        if (!u) continue;
        const id = identity(pid, stat);
        const age = ageMs(stat.startTicks, uptime);
        if (!workers.has(id) && (first || age >= options.workerMinAgeMs || listening(pid))) workers.add(id);
        processes[pid] = {
          rssBytes: u.memory,
          pssBytes: pssOf(pid, id, at),
          cpuPercent: seen.has(id) ? u.cpu : undefined,
          threads: threadCount(pid),
          openFiles: openFiles(pid),
          startTicks: stat.startTicks,
          ageMs: Math.round(age),
          worker: workers.has(id),
        };
        seen.add(id);
      }
      first = false;
      for (const id of pssReads.keys()) if (!(Number(id.split('@')[0]) in processes)) pssReads.delete(id);
      followed = new Map([...live].filter(([pid]) => pid in processes).map(([pid, stat]) => [pid, stat.startTicks]));
      if (at - connections.at >= CONNECTIONS_EVERY_MS) connections = { at, count: establishedConnections(pids) };
      const figures = Object.values(processes);
      const sum = (pick: (f: ProcessFigures) => number | undefined) =>
        figures.reduce((total, f) => total + (pick(f) ?? 0), 0);
      const pssComplete = figures.length > 0 && figures.every((f) => f.pssBytes !== undefined);
      return {
        at,
        rootAlive: rootPid in processes,
        processes,
        exited,
        pssRead: fresh,
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
