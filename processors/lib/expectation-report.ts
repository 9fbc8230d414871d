// artillery-plugin-expect is silent in every scenario: its own lines print the request's
// path and query (the webhook token, a query secret) and, on a failure, every variable of
// the virtual user (the webhook's secret). The pack prints the failed checks instead, one
// line each, the request named by its YAML name; the caller masks the line before printing.

/** What artillery-plugin-expect leaves in `context.expectations` for one checked request. */
export interface CheckedRequest {
  name?: string;
  results: { ok: boolean; type: string; expected?: unknown; got?: unknown }[];
}

function shown(value: unknown): string {
  return Array.isArray(value) ? value.join(' or ') : String(value);
}

/** One line per failed check of the request, none when all held. */
export function failedExpectationLines(checked: CheckedRequest | undefined): string[] {
  if (!checked) return [];
  return checked.results
    .filter((r) => !r.ok)
    .map(
      (r) =>
        `expect: ${checked.name ?? 'unnamed request'}: not ok ${r.type}: expected ${shown(r.expected)}, got ${shown(r.got)}`,
    );
}
