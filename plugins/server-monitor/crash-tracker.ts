// Tells crashes from the process tree's membership over time: a worker that
// disappears while the root lives is a crash; one that appears later, a (re)start.
export interface TreeEvent {
  at: number;
  kind: 'worker_exited' | 'worker_started' | 'root_died';
  pid: number;
}

export interface CrashTracker {
  observe(at: number, pids: number[], rootAlive: boolean): TreeEvent[];
  events(): TreeEvent[];
}

export function createCrashTracker(rootPid: number): CrashTracker {
  let known: Set<number> | undefined;
  let rootDead = false;
  const all: TreeEvent[] = [];
  return {
    observe(at, pids, rootAlive) {
      const now = new Set(pids);
      const found: TreeEvent[] = [];
      if (known) {
        for (const pid of known) if (!now.has(pid) && pid !== rootPid) found.push({ at, kind: 'worker_exited', pid });
        for (const pid of now) if (!known.has(pid)) found.push({ at, kind: 'worker_started', pid });
      }
      if (!rootAlive && !rootDead) {
        rootDead = true;
        found.push({ at, kind: 'root_died', pid: rootPid });
      }
      known = now;
      all.push(...found);
      return found;
    },
    events: () => [...all],
  };
}
