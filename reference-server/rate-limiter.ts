// Sliding-window log limiter, the algorithm of the user's Redis limiter: at most
// `limit` requests in any window of `windowMs`, so exactly `limit` of a burst pass.
export interface RateDecision {
  allowed: boolean;
  retryAfterMs: number;
}

export interface RateLimiter {
  take(key: string, nowMs: number): RateDecision;
}

export function createSlidingWindowLimiter(limit: number, windowMs: number): RateLimiter {
  const logs = new Map<string, number[]>();
  return {
    take(key, nowMs) {
      const log = (logs.get(key) ?? []).filter((t) => nowMs - t < windowMs);
      logs.set(key, log);
      if (log.length >= limit) {
        const oldest = log[0] ?? nowMs;
        return { allowed: false, retryAfterMs: windowMs - (nowMs - oldest) };
      }
      log.push(nowMs);
      return { allowed: true, retryAfterMs: 0 };
    },
  };
}

export const unlimited: RateLimiter = { take: () => ({ allowed: true, retryAfterMs: 0 }) };
