// The run's server.* counters, read off its health report: the one mapping from what the
// monitor measured to the metric names gates use. The plugin adds them when the run is done;
// `npm run report -- --merge --health F` takes them from a health report written elsewhere.
import type { HealthReport } from 'webhook-stress-common';

const round = (x: number) => Math.round(x * 10) / 10;

/** Every server.* counter the monitor may add to a run (a gate on one names a figure the monitor measures). */
export const SERVER_COUNTERS = [
  'server.samples',
  'server.sampling_parties',
  'server.worker_crashes',
  'server.root_died',
  'server.worker_starts',
  'server.tasks_started',
  'server.scrape_failures',
  'server.memory_growth_mb',
  'server.memory_peak_mb',
  'server.leak_detected',
  'server.leak_slope_mb_per_min',
  'server.leak_kib_per_request',
  'server.cpu_max_pct',
  'server.cpu_avg_pct',
] as const;

/** The server.* summaries of each period and of the run. */
export const SERVER_SUMMARIES = ['server.tree_memory_mb', 'server.tree_cpu_pct'] as const;

export function serverFigures(report: HealthReport): Record<string, number> {
  const s = report.summary;
  const figures: Record<string, number> = { 'server.samples': s.samples };
  const kind = report.source.kind;
  // Off, or nothing to sample: only the sample count (0), so every server gate is not measured.
  if (kind !== 'local' && kind !== 'remote') return figures;
  // Merging N generators' results adds this up: more than 1 means the server was counted more than once.
  figures['server.sampling_parties'] = 1;
  if (s.worker_crashes !== null) figures['server.worker_crashes'] = s.worker_crashes;
  if (s.root_died !== null) figures['server.root_died'] = s.root_died ? 1 : 0;
  if (kind === 'local') {
    figures['server.worker_starts'] = s.worker_starts;
    figures['server.tasks_started'] = s.tasks_started;
  }
  if (kind === 'remote') figures['server.scrape_failures'] = s.scrape_failures;
  if (s.samples === 0) return figures;
  Object.assign(figures, {
    'server.memory_growth_mb': round(s.memory_growth_mb),
    'server.memory_peak_mb': round(s.max_memory_mb),
    'server.leak_detected': s.leak_detected ? 1 : 0,
    'server.leak_slope_mb_per_min': round(s.leak_slope_mb_per_min ?? 0),
    ...(report.memory.kibPerRequest !== undefined
      ? { 'server.leak_kib_per_request': round(report.memory.kibPerRequest) }
      : {}),
    'server.cpu_max_pct': round(s.max_cpu_percent),
    'server.cpu_avg_pct': round(s.avg_cpu_percent),
  });
  return figures;
}
