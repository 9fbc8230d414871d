// A sender's retry schedule (Svix: at once, 5 s, 5 min, ...), compressed for a test:
// seconds before each attempt, each counted from the previous one.
export const MAX_RETRY_DELAY_S = 60;

export function parseRetrySchedule(raw: string): number[] {
  const delays = raw.split(',').map((s) => Number(s.trim()));
  if (raw.trim() === '' || delays.some((d) => !Number.isFinite(d) || d < 0 || d > MAX_RETRY_DELAY_S)) {
    throw new Error(
      `retrySchedule="${raw}" is not a list of delays in seconds between 0 and ${MAX_RETRY_DELAY_S}; use e.g. "0,1,3"`,
    );
  }
  return delays;
}
