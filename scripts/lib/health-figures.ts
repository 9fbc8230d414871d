// The server.* figures of one health report (the plugin's, or `npm run monitor`'s beside a
// cloud run), as the monitor plugin adds them to a run's report (plugins/server-monitor/
// monitor.ts addAggregateMetrics): for a merged report whose server was sampled by one party
// that is not a generator, e.g. the orchestrating machine of run-fargate.
import type { HealthReport } from 'webhook-stress-common';
import type { MergedRun } from './merge-runs.ts';

const round = (x: number) => Math.round(x * 10) / 10;

export function healthFigures(report: HealthReport): Record<string, number> {
  const s = report.summary;
  const figures: Record<string, number> = { 'server.samples': s.samples, 'server.sampling_parties': 1 };
  if (s.worker_crashes !== null) figures['server.worker_crashes'] = s.worker_crashes;
  if (s.root_died !== null) figures['server.root_died'] = s.root_died ? 1 : 0;
  if (report.source.kind === 'local') {
    figures['server.worker_starts'] = s.worker_starts;
    figures['server.tasks_started'] = s.tasks_started;
  }
  if (report.source.kind === 'remote') figures['server.scrape_failures'] = s.scrape_failures;
  if (s.samples === 0) return figures;
  Object.assign(figures, {
    'server.memory_growth_mb': round(s.memory_growth_mb),
    'server.memory_peak_mb': round(s.max_memory_mb),
    'server.leak_detected': s.leak_detected ? 1 : 0,
    'server.leak_slope_mb_per_min': round(s.leak_slope_mb_per_min ?? 0),
    'server.cpu_max_pct': round(s.max_cpu_percent),
    'server.cpu_avg_pct': round(s.avg_cpu_percent),
  });
  if (report.memory.kibPerRequest !== undefined)
    figures['server.leak_kib_per_request'] = round(report.memory.kibPerRequest);
  return figures;
}

/** The merged run with every server.* counter replaced by the health report's figures. */
export function withHealthFigures(merged: MergedRun, report: HealthReport, file: string): MergedRun {
  const counters = Object.fromEntries(
    Object.entries(merged.aggregate.counters ?? {}).filter(([name]) => !name.startsWith('server.')),
  );
  return {
    ...merged,
    aggregate: { ...merged.aggregate, counters: { ...counters, ...healthFigures(report) } },
    notes: [...merged.notes, `server figures: from ${file} (one sampler), not from the result files`],
  };
}
