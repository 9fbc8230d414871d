// The generator is a measured party (issue 18, item 4): a rate-shaped scenario keeps every
// webhook below its rate limit by schedule, so a 429 there blames the receiver only when the
// generator really kept that schedule. Each signal's send time (when it is signed, just before
// its bytes are written) goes into a 1 s sliding window per webhook; a send that makes the
// window hold more than RATE_LIMIT_PER_SECOND is one the generator bunched, not the receiver's
// doing, and the scenario's validity gate on the count makes the run INVALID instead of a FAIL.
// Per worker thread: each thread sends to webhooks of its own share of the pool.
import { number } from '../lib/read-env.ts';

export const GENERATOR = {
  /** Sends that put more than the limit into one webhook's last second, counted at send time. */
  bunchedSends: 'generator.bunched_sends',
} as const;

const WINDOW_MS = 1000;

/** RATE_LIMIT_PER_SECOND (10): the limit the schedule keeps below. */
export function scheduledLimit(env: Record<string, string | undefined>): number {
  return number(env, 'RATE_LIMIT_PER_SECOND', 10);
}

/** A watch over send times: `note` says whether this send bunched past the limit. */
export function createSpacingWatch(limitPerSecond: number) {
  const sends = new Map<string, number[]>();
  return {
    note(webhook: string, atMs: number): boolean {
      const window = sends.get(webhook) ?? [];
      while (window.length > 0 && (window[0] as number) <= atMs - WINDOW_MS) window.shift();
      window.push(atMs);
      sends.set(webhook, window);
      return window.length > limitPerSecond;
    },
  };
}
