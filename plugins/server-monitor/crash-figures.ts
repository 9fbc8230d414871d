// The run's crash figures from whichever tracker the source has: the process tree's
// (local: workers that died, the root's death, tasks) or the endpoint's restarts (remote).
// Not measured (undefined) where the source cannot see crashes.
import type { TreeEvent } from 'webhook-stress-common';
import type { CrashTracker, RestartTracker } from './crash-tracker.ts';
import type { ScrapeWatch } from './scrape-watch.ts';

export interface CrashFigures {
  events(): TreeEvent[];
  measured(): boolean;
  crashes(from?: number): number;
  rootDied(): boolean;
  tasksStarted(from?: number): number;
  /** The server.* crash counters of the run since `from` (`whole`: the run's end, root_died included). */
  counters(from: number, whole: boolean): Record<string, number>;
}

export type CrashSource =
  | { kind: 'local'; tracker: CrashTracker }
  | { kind: 'remote'; restarts: RestartTracker; scrapes: ScrapeWatch }
  | { kind: 'none' };

export function createCrashFigures(source: CrashSource): CrashFigures {
  const events = (): TreeEvent[] =>
    source.kind === 'local' ? source.tracker.events() : source.kind === 'remote' ? source.restarts.events() : [];
  const count = (kinds: TreeEvent['kind'][], from = 0) =>
    events().filter((e) => kinds.includes(e.kind) && e.at >= from).length;
  const measured = () => source.kind === 'local' || (source.kind === 'remote' && source.restarts.measured());
  const crashes = (from = 0) => count(['worker_exited', 'restarted'], from);
  // Remote: the server counts as dead when its endpoint stopped answering for good (the last scrape failed).
  const rootDied = () => (source.kind === 'remote' ? source.scrapes.lastFailed() : count(['root_died']) > 0);
  const tasksStarted = (from = 0) => (source.kind === 'local' ? source.tracker.tasksStarted(from) : 0);
  return {
    events,
    measured,
    crashes,
    rootDied,
    tasksStarted,
    counters(from, whole) {
      const counters: Record<string, number> = {};
      if (measured()) counters['server.worker_crashes'] = crashes(from);
      if (measured() && whole) counters['server.root_died'] = rootDied() ? 1 : 0;
      if (source.kind === 'local') {
        counters['server.worker_starts'] = count(['worker_started'], from);
        counters['server.tasks_started'] = tasksStarted(from);
      }
      if (source.kind === 'remote') counters['server.scrape_failures'] = source.scrapes.failuresSince(from);
      return counters;
    },
  };
}

/** How many worker starts the tree saw. */
export function workerStarts(figures: CrashFigures): number {
  return figures.events().filter((e) => e.kind === 'worker_started').length;
}
