// Tells crashes from the process tree's membership over time. A crash is the death
// of a worker (see ProcessFigures.worker): it counts at the sample where the process
// turns zombie or disappears, once per process. Short-lived children (a command run per
// request) are tasks: counted, never crashes. The root dying is root_died; its orphaned
// workers are still followed, and only their own later death is a crash.
import type { TreeEvent } from 'webhook-stress-common';
export interface ObservedProcess {
  startTicks: number;
  worker: boolean;
}

export interface Observation {
  at: number;
  rootAlive: boolean;
  /** Live processes (zombies excluded). */
  processes: Record<number, ObservedProcess>;
  /** Processes seen as zombies. */
  exited: number[];
}

export interface CrashTracker {
  observe(observation: Observation): TreeEvent[];
  events(): TreeEvent[];
  /**
   * The run's end: the root checked once more, without a full sample. A root that died after the
   * last sample (a crash in the run's last second) is a root_died, never a pass.
   */
  observeEnd(at: number, rootAlive: boolean): TreeEvent[];
  /** Processes that appeared during the run and are not workers (tasks), first seen at or after `from`. */
  tasksStarted(from?: number): number;
}

interface Known {
  pid: number;
  worker: boolean;
  /** Appeared after the first observation. */
  new: boolean;
}

export function createCrashTracker(rootPid: number): CrashTracker {
  const known = new Map<string, Known>();
  const zombiesSeen = new Set<number>();
  const everLive = new Set<number>();
  const taskStarts = new Map<string, number>();
  let observed = false;
  let rootDead = false;
  const all: TreeEvent[] = [];
  return {
    observe({ at, rootAlive, processes, exited }) {
      const found: TreeEvent[] = [];
      const live = new Map(Object.entries(processes).map(([pid, p]) => [`${pid}@${p.startTicks}`, p]));
      for (const [id, k] of known) {
        if (live.has(id)) continue;
        known.delete(id);
        if (k.pid !== rootPid && k.worker) found.push({ at, kind: 'worker_exited', pid: k.pid });
      }
      for (const [id, p] of live) {
        const pid = Number(id.split('@')[0]);
        const k = known.get(id);
        everLive.add(pid);
        if (!k) {
          known.set(id, { pid, worker: p.worker, new: observed });
          if (observed && p.worker) found.push({ at, kind: 'worker_started', pid });
          if (observed && !p.worker) taskStarts.set(id, at);
        } else if (!k.worker && p.worker) {
          // A young process that reached the worker age (a Node cluster worker does not hold the socket).
          k.worker = true;
          taskStarts.delete(id);
          if (k.new) found.push({ at, kind: 'worker_started', pid });
        }
      }
      // A zombie never seen alive started and ended between two samples: a task.
      for (const pid of exited) {
        if (zombiesSeen.has(pid)) continue;
        zombiesSeen.add(pid);
        if (observed && !everLive.has(pid)) taskStarts.set(`${pid}@zombie`, at);
      }
      if (!rootAlive && !rootDead) {
        rootDead = true;
        found.push({ at, kind: 'root_died', pid: rootPid });
      }
      observed = true;
      all.push(...found);
      return found;
    },
    events: () => [...all],
    observeEnd(at, rootAlive) {
      if (rootAlive || rootDead || !observed) return [];
      rootDead = true;
      const died: TreeEvent = { at, kind: 'root_died', pid: rootPid };
      all.push(died);
      return [died];
    },
    tasksStarted: (from = 0) => [...taskStarts.values()].filter((at) => at >= from).length,
  };
}

export interface RestartTracker {
  /** Sees one scrape's start time (undefined when not exposed or the scrape failed). */
  observe(at: number, startTimeSeconds: number | undefined): TreeEvent[];
  events(): TreeEvent[];
  /** Whether the endpoint ever exposed a start time: without one, crashes cannot be seen. */
  measured(): boolean;
}

/**
 * A remote process restarted when process_start_time_seconds moves to a time later than any
 * seen and later than the first scrape. Behind a balancer or a Node cluster, scrapes reach
 * processes started at slightly different times before the run: switching among them is
 * not a restart.
 */
export function createRestartTracker(): RestartTracker {
  let firstAt: number | undefined;
  let latest: number | undefined;
  const all: TreeEvent[] = [];
  return {
    observe(at, startTimeSeconds) {
      if (startTimeSeconds === undefined) return [];
      firstAt ??= at;
      const restarted = latest !== undefined && startTimeSeconds > latest && startTimeSeconds * 1000 > firstAt;
      latest = Math.max(latest ?? startTimeSeconds, startTimeSeconds);
      if (!restarted) return [];
      const event: TreeEvent = { at, kind: 'restarted', pid: 0 };
      all.push(event);
      return [event];
    },
    events: () => [...all],
    measured: () => latest !== undefined,
  };
}
