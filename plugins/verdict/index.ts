// Artillery plugin entry: after ensure has judged the run, print each gate with the
// values it was judged on and write the verdict to REPORTS_DIR (default ./reports).
// Runs in the main thread only (Artillery loads plugins in every worker too).
import path from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { type AggregateReport, describeMeasurements, flattenReport, measuredValues } from './measured-values.ts';
import { type GateResult, writeVerdict } from './verdict-file.ts';

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

interface Script {
  _configPath?: string;
}

export const LEGACY_METRICS_FORMAT = false;

function toGate(check: EnsureCheck, values: ReadonlyMap<string, number>): GateResult {
  const pairs = measuredValues(check.original, values);
  return {
    expression: check.original,
    passed: check.result === 1,
    strict: check.strict,
    measured: Object.fromEntries(pairs.map(([name, value]) => [name, value ?? null])),
  };
}

export class Plugin {
  constructor(script: Script, events: PluginEvents) {
    if (!isMainThread || process.env.LOCAL_WORKER_ID !== undefined) return;
    const artillery = (globalThis as unknown as { artillery: ArtilleryGlobal }).artillery;
    const scenario = path.basename(script._configPath ?? 'run', path.extname(script._configPath ?? ''));
    // Read when ensure has judged, so metrics other plugins add to the report at `done` are included.
    let finalReport: AggregateReport = {};
    events.on('done', (report) => {
      finalReport = report;
    });
    artillery.globalEvents.on('checks', (checks) => {
      const values = flattenReport(finalReport);
      const gates = checks.map((check) => toGate(check, values));
      const failed = gates.filter((g) => !g.passed && g.strict);
      artillery.log(`\nGates: ${gates.length - failed.length} passed, ${failed.length} failed`);
      for (const gate of gates) {
        const mark = gate.passed ? 'pass' : gate.strict ? 'FAIL' : 'warn';
        artillery.log(`  ${mark}: ${gate.expression}  [${describeMeasurements(Object.entries(gate.measured))}]`);
      }
      const dir = path.resolve(process.env.REPORTS_DIR || 'reports');
      const file = writeVerdict(dir, {
        scenario,
        finishedAt: new Date().toISOString(),
        passed: failed.length === 0,
        gates,
      });
      artillery.log(`Verdict: ${path.relative(process.cwd(), file)}`);
    });
  }
}
