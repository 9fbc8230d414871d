// A merged report whose server was sampled by one party that is not a generator (e.g.
// `npm run monitor` on the orchestrating machine of run-fargate): its server.* figures read off
// that health report with the monitor plugin's own mapping (serverFigures).
import { serverFigures } from 'artillery-plugin-server-monitor';
import type { HealthReport } from 'webhook-stress-common';
import type { MergedRun } from './merge-runs.ts';

/** The merged run with every server.* counter replaced by the health report's figures. */
export function withHealthFigures(merged: MergedRun, report: HealthReport, file: string): MergedRun {
  const counters = Object.fromEntries(
    Object.entries(merged.aggregate.counters ?? {}).filter(([name]) => !name.startsWith('server.')),
  );
  return {
    ...merged,
    aggregate: { ...merged.aggregate, counters: { ...counters, ...serverFigures(report) } },
    notes: [...merged.notes, `server figures: from ${file} (one sampler), not from the result files`],
  };
}
