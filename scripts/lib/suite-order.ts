// The receiver's contract first (no load), the guide's tests in the guide's order, the
// idempotency TTL check, then what real senders do (provider retries, out-of-order delivery,
// hostile traffic) and what a shared server must survive (a noisy neighbour).
export const SUITE = [
  'preflight',
  'hft',
  'burst',
  'sustained',
  'memory-leak',
  'rate-limit',
  'idempotency',
  'retries',
  'out-of-order',
  'hostile',
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

/** A failed preflight means the contract is wrong: load results would only repeat it, so the suite stops. */
export function stopsSuite(scenario: ScenarioName, exitCode: number | null): boolean {
  return scenario === 'preflight' && exitCode !== 0;
}
