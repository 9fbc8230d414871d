// The 1 s idempotency window. A duplicate inside the window is answered with the
// first request's response (HTTP 200, as many real receivers do), never processed again.
import { setTimeout as sleep } from 'node:timers/promises';

export interface StoredResponse {
  status: number;
  body: string;
}

export interface Claim {
  replayed: boolean;
  response: Promise<StoredResponse>;
}

export interface IdempotencyStore {
  claim(key: string, nowMs: number, process: () => Promise<StoredResponse>): Promise<Claim>;
  size(): number;
}

interface Entry {
  expiresAt: number;
  response: Promise<StoredResponse>;
}

function createEntries(ttlMs: number) {
  const entries = new Map<string, Entry>();
  return {
    entries,
    live(key: string, nowMs: number): Entry | undefined {
      // Entries are inserted in time order, so expired ones sit at the front.
      for (const [k, e] of entries) {
        if (e.expiresAt > nowMs) break;
        entries.delete(k);
      }
      return entries.get(key);
    },
    put(key: string, nowMs: number, response: Promise<StoredResponse>): void {
      entries.set(key, { expiresAt: nowMs + ttlMs, response });
    },
  };
}

// Check and set happen in one synchronous step, like Redis SET NX.
export function createAtomicStore(ttlMs: number): IdempotencyStore {
  const { entries, live, put } = createEntries(ttlMs);
  return {
    async claim(key, nowMs, process) {
      const existing = live(key, nowMs);
      if (existing) return { replayed: true, response: existing.response };
      const response = process();
      put(key, nowMs, response);
      return { replayed: false, response };
    },
    size: () => entries.size,
  };
}

// The race fault: GET, then a round trip, then SET. Simultaneous duplicates all
// read "absent" before any of them writes, so each one is processed.
export function createRacyStore(ttlMs: number, roundTripMs: number): IdempotencyStore {
  const { entries, live, put } = createEntries(ttlMs);
  return {
    async claim(key, nowMs, process) {
      const existing = live(key, nowMs);
      await sleep(roundTripMs);
      if (existing) return { replayed: true, response: existing.response };
      const response = process();
      put(key, nowMs, response);
      return { replayed: false, response };
    },
    size: () => entries.size,
  };
}
