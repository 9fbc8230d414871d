// Artillery plugin entry: after ensure has judged the run, print each gate with the
// values it was judged on. Runs in the main thread only (plugins load in every worker too).
import { isMainThread } from 'node:worker_threads';
import { type AggregateReport, describeMeasurements, flattenReport, measuredValues } from './measured-values.ts';

interface EnsureCheck {
  original: string;
  result: number;
  strict: boolean;
}

interface ArtilleryGlobal {
  globalEvents: { on(event: 'checks', listener: (checks: EnsureCheck[]) => void): void };
  log(message: string): void;
}

interface PluginEvents {
  on(event: 'done', listener: (report: AggregateReport) => void): void;
}

export const LEGACY_METRICS_FORMAT = false;

export class Plugin {
  constructor(_script: unknown, events: PluginEvents) {
    if (!isMainThread || process.env.LOCAL_WORKER_ID !== undefined) return;
    const artillery = (globalThis as unknown as { artillery: ArtilleryGlobal }).artillery;
    let values = new Map<string, number>();
    events.on('done', (report) => {
      values = flattenReport(report);
    });
    artillery.globalEvents.on('checks', (checks) => {
      const failed = checks.filter((c) => c.result !== 1);
      artillery.log(`\nGates: ${checks.length - failed.length} passed, ${failed.length} failed`);
      for (const check of checks) {
        const verdict = check.result === 1 ? 'pass' : check.strict ? 'FAIL' : 'warn';
        const measured = describeMeasurements(measuredValues(check.original, values));
        artillery.log(`  ${verdict}: ${check.original}  [${measured}]`);
      }
    });
  }
}
