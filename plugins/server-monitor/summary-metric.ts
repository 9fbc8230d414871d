// Artillery-shaped summaries of sampled values, so server figures sit beside
// http.response_time in the console, the JSON and ensure.
export type Summary = Record<
  'min' | 'max' | 'count' | 'mean' | 'p50' | 'median' | 'p75' | 'p90' | 'p95' | 'p99',
  number
>;

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

export function summarize(values: number[]): Summary | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const median = round1(quantile(sorted, 0.5));
  return {
    min: round1(sorted[0] ?? 0),
    max: round1(sorted.at(-1) ?? 0),
    count: sorted.length,
    mean: round1(sorted.reduce((a, b) => a + b, 0) / sorted.length),
    p50: median,
    median,
    p75: round1(quantile(sorted, 0.75)),
    p90: round1(quantile(sorted, 0.9)),
    p95: round1(quantile(sorted, 0.95)),
    p99: round1(quantile(sorted, 0.99)),
  };
}
