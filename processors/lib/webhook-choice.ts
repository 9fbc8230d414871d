// Which webhook of the pool a virtual user sends to. Artillery runs a phase in several
// worker threads that each load the processor and start at the same instant: were every
// worker's round robin to start at webhook 0, all of them would hit one webhook together
// and trip its rate limit. Each worker therefore starts at its own place on the ring,
// spread evenly, and then goes round one step per virtual user.

/** Artillery 2.0.34's local worker count (lib/platform/local: max(1, cpus - 1)). */
export function localWorkerCount(cpuCount: number): number {
  return Math.max(1, cpuCount - 1);
}

/**
 * This worker's place among `workers`: Artillery creates its workers one after another,
 * so their thread ids are consecutive and distinct modulo the worker count.
 */
export function workerSlot(threadId: number, workers: number): number {
  return ((threadId % workers) + workers) % workers;
}

export interface WebhookPicker {
  /** Index of the next virtual user's webhook in a pool of `poolSize`. */
  next(poolSize: number): number;
}

// Artillery gives the first workers one arrival per second more than the rest, so two
// groups of consecutive workers drift against each other; golden-ratio starting places
// spread every run of consecutive workers around the ring, so a drifting group never
// lands on one stretch of it together (evenly spaced places did: 1.2 % limited at 15 workers).
const GOLDEN_FRACTION = (Math.sqrt(5) - 1) / 2;

export function createWebhookPicker(slot: number): WebhookPicker {
  let started = 0;
  return {
    next(poolSize) {
      const offset = Math.floor(((slot * GOLDEN_FRACTION) % 1) * poolSize);
      const index = (offset + started) % poolSize;
      started += 1;
      return index;
    },
  };
}
