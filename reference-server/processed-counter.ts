// The target's count of signals really processed (the exactly-once oracle on /metrics).
// With --workers the processes share no memory, so each worker reports its own count to
// the primary, which sends every worker the counts of all of them: any worker's /metrics
// then answers the cluster's total, counts of workers that died included.
import type { Worker } from 'node:cluster';

export interface ProcessedCounter {
  increment(): void;
  total(): number;
}

interface CountsMessage {
  processedCounts: Record<string, number>;
}
interface CountMessage {
  processedCount: number;
}

export function createLocalCounter(): ProcessedCounter {
  let count = 0;
  return {
    increment: () => {
      count += 1;
    },
    total: () => count,
  };
}

/** Worker side: its own count, reported to the primary on every change, plus the others' last known counts. */
export function createClusterWorkerCounter(workerId: string): ProcessedCounter {
  let own = 0;
  let others: Record<string, number> = {};
  process.on('message', (message: Partial<CountsMessage>) => {
    if (!message.processedCounts) return;
    const { [workerId]: _self, ...rest } = message.processedCounts;
    others = rest;
  });
  return {
    increment: () => {
      own += 1;
      process.send?.({ processedCount: own } satisfies CountMessage);
    },
    total: () => Object.values(others).reduce((a, b) => a + b, own),
  };
}

/** Primary side: keeps every worker's last count (dead ones too) and shares the table with all workers. */
export function createClusterCountTable(): { track(worker: Worker): void } {
  const counts: Record<string, number> = {};
  const workers = new Set<Worker>();
  return {
    track(worker) {
      workers.add(worker);
      worker.on('exit', () => workers.delete(worker));
      worker.on('message', (message: Partial<CountMessage>) => {
        if (typeof message.processedCount !== 'number') return;
        counts[String(worker.id)] = message.processedCount;
        for (const w of workers) if (w.isConnected()) w.send({ processedCounts: counts } satisfies CountsMessage);
      });
    },
  };
}
