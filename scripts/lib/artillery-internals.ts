// Artillery's own merge and ensure code, loaded from the project's Artillery install:
// SSMS (lib/core/ssms) merges the metrics of several generators exactly as run-fargate's
// orchestrator does, and the ensure plugin's statsToVars/runChecks judge the merged
// figures exactly as `artillery run` does. Neither is in Artillery's package exports,
// so both are imported by file path.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { EnsureCheck } from 'webhook-stress-report';

/** One period (or the whole run) as SSMS keeps it: histograms are DDSketch objects. */
export interface SketchPeriod {
  period: number | string;
  counters?: Record<string, number>;
  histograms?: Record<string, unknown>;
  rates?: Record<string, number>;
  firstCounterAt?: number;
  lastCounterAt?: number;
  firstHistogramAt?: number;
  lastHistogramAt?: number;
  firstMetricAt?: number;
  lastMetricAt?: number;
  summaries?: Record<string, Record<string, number>>;
}

export interface Ssms {
  mergeBuckets(periods: SketchPeriod[]): Record<string, SketchPeriod>;
  pack(periods: SketchPeriod[]): SketchPeriod;
  summarizeHistogram(histogram: unknown): Record<string, number>;
  serializeMetrics(period: SketchPeriod): string;
  deserializeMetrics(text: string): SketchPeriod;
}

export interface EnsurePlugin {
  statsToVars(data: { report: { counters?: object; rates?: object; summaries?: object } }): Record<string, unknown>;
  runChecks(checks: object, vars: Record<string, unknown>): EnsureCheck[];
}

const require = createRequire(import.meta.url);
const artilleryDir = path.dirname(require.resolve('artillery/package.json'));

async function importFile<T>(file: string): Promise<T> {
  return (await import(pathToFileURL(file).href)) as T;
}

export async function loadSsms(): Promise<Ssms> {
  return (await importFile<{ SSMS: Ssms }>(path.join(artilleryDir, 'dist/lib/core/ssms.js'))).SSMS;
}

/** ensure as Artillery would load it: a separately installed artillery-plugin-ensure first, then the bundled one. */
export async function loadEnsure(): Promise<EnsurePlugin> {
  let entry = path.join(artilleryDir, 'dist/builtin-packages/artillery-plugin-ensure/dist/index.js');
  try {
    entry = createRequire(path.join(artilleryDir, 'package.json')).resolve('artillery-plugin-ensure');
  } catch {
    // Not installed separately: the bundled copy.
  }
  if (!existsSync(entry)) throw new Error(`cannot find Artillery's ensure plugin at ${entry}; run npm ci`);
  return (await importFile<{ Plugin: EnsurePlugin }>(entry)).Plugin;
}
