// How many requests of one burst a correct rate limiter may let through, for the
// limiter the user names (RATE_LIMIT_MODEL). The server decided every request
// between the first socket write and the last answer (the decision span), so time
// that passes inside that span (a window edge, a refill) widens the band by what a
// correct limiter of that model could allow in it; the webhook is assumed idle for
// a window before the burst.
export const LIMITER_MODELS = ['sliding-window', 'fixed-window', 'token-bucket'] as const;
export type LimiterModel = (typeof LIMITER_MODELS)[number];

export interface LimiterParams {
  /** Requests allowed per window (RATE_LIMIT_PER_SECOND; the window is 1 s). */
  perWindow: number;
  /** Token bucket only: requests allowed at once from a full bucket (RATE_LIMIT_BURST). */
  capacity: number;
  windowMs?: number;
}

export interface Band {
  min: number;
  max: number;
}

// Servers count time in whole milliseconds: one more may be seen as elapsed than was measured.
const CLOCK_GRAIN_MS = 1;

export function allowedBand(
  model: LimiterModel,
  params: LimiterParams,
  requests: number,
  decisionSpanMs: number,
): Band {
  const windowMs = params.windowMs ?? 1000;
  const span = Math.max(0, decisionSpanMs) + CLOCK_GRAIN_MS;
  const cap = (n: number) => Math.min(requests, n);
  switch (model) {
    case 'sliding-window':
      // No more than perWindow in any window; a span longer than a window reaches into the next ones.
      return { min: cap(params.perWindow), max: cap(params.perWindow * (1 + Math.floor(span / windowMs))) };
    case 'fixed-window':
      // Windows fixed on the server's clock: a burst may straddle an edge, so it touches one more window.
      return { min: cap(params.perWindow), max: cap(params.perWindow * (2 + Math.floor(span / windowMs))) };
    case 'token-bucket':
      // A full bucket lets `capacity` through, then one more per 1/rate that passes.
      return {
        min: cap(params.capacity),
        max: cap(params.capacity + Math.floor((params.perWindow * span) / windowMs)),
      };
  }
}
