// The one list of request outcomes: the processor classifies into these counters
// (`webhook.<outcome>`), the report draws them in this order.
export const OUTCOMES = [
  'accepted',
  'duplicate',
  'rate_limited',
  'auth_failed',
  'invalid',
  'not_found',
  'server_error',
  'unexpected',
  'timed_out',
  'transport_error',
] as const;
export type Outcome = (typeof OUTCOMES)[number];
