// The figures a run is compared and trended on, from its aggregate report. Kept in its
// verdict JSON, so a later run (baseline) and the index (trend) read them back.
import type { AggregateReport } from './measured-values.ts';

export const FIGURES = [
  'http.response_time.p50',
  'http.response_time.p95',
  'http.response_time.p99',
  'as_expected_pct',
  'rate_limited_pct',
  'server.memory_growth_mb',
  'server.leak_slope_mb_per_min',
] as const;
export type FigureName = (typeof FIGURES)[number];
export type KeyFigures = Partial<Record<FigureName, number | null>>;

export const FIGURE_LABELS: Record<FigureName, string> = {
  'http.response_time.p50': 'p50 response (ms)',
  'http.response_time.p95': 'p95 response (ms)',
  'http.response_time.p99': 'p99 response (ms)',
  as_expected_pct: 'as expected (%)',
  rate_limited_pct: 'rate-limited (%)',
  'server.memory_growth_mb': 'memory growth (MB)',
  'server.leak_slope_mb_per_min': 'leak slope (MB/min)',
};

const round = (x: number) => Math.round(x * 100) / 100;

/** null: not measured in this run. */
export function keyFigures(aggregate: AggregateReport): KeyFigures {
  const c = aggregate.counters ?? {};
  const rt = aggregate.summaries?.['http.response_time'];
  const sent = c['webhook.sent'];
  const share = (n: number | undefined) => (sent ? round((100 * (n ?? 0)) / sent) : null);
  const value = (v: number | undefined) => (v === undefined ? null : round(v));
  return {
    'http.response_time.p50': value(rt?.median ?? rt?.p50),
    'http.response_time.p95': value(rt?.p95),
    'http.response_time.p99': value(rt?.p99),
    as_expected_pct: share(c['webhook.as_expected']),
    rate_limited_pct: share(c['webhook.rate_limited']),
    'server.memory_growth_mb': value(c['server.memory_growth_mb']),
    'server.leak_slope_mb_per_min': value(c['server.leak_slope_mb_per_min']),
  };
}
