// The guide's tests in the guide's order, then the idempotency TTL check, then what real
// senders do (provider retries) and what a shared server must survive (a noisy neighbour).
export const SUITE = [
  'hft',
  'burst',
  'sustained',
  'memory-leak',
  'rate-limit',
  'idempotency',
  'retries',
  'noisy-neighbour',
] as const;
export type ScenarioName = (typeof SUITE)[number];

export function selectScenarios(only: string | undefined): ScenarioName[] {
  if (!only) return [...SUITE];
  const wanted = only.split(',').map((s) => s.trim());
  const unknown = wanted.filter((s) => !(SUITE as readonly string[]).includes(s));
  if (unknown.length > 0)
    throw new Error(`unknown scenario "${unknown.join('", "')}"; choose from ${SUITE.join(', ')}`);
  return SUITE.filter((s) => wanted.includes(s));
}
