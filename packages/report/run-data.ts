// Everything a report shows about one run, in one plain object: built from what the
// plugin saw during the run, or from a saved --output JSON (scripts/report.ts).
import { type HealthReport, type RequestColumns, resolveTarget } from 'webhook-stress-common';
import type { Comparison } from './baseline.ts';
import type { AggregateReport } from './measured-values.ts';
import type { GateResult } from './verdict-file.ts';

export interface PeriodStats extends AggregateReport {
  period?: number | string;
  firstMetricAt?: number;
  lastMetricAt?: number;
}

export interface Phase {
  name?: string;
  duration?: number | string;
  arrivalRate?: number;
  arrivalCount?: number;
  rampTo?: number;
  pause?: number | string;
}

export interface RunSettings {
  /** Origin only: no path, query or credentials. */
  target: string;
  signingScheme: string;
  phases: Phase[];
  variables: Record<string, string | number>;
}

export interface RunData {
  scenario: string;
  generatedAt: string;
  passed: boolean;
  /** Why the run was not judged (a validity gate failed). */
  invalid?: string | undefined;
  gates: GateResult[];
  periods: PeriodStats[];
  aggregate: AggregateReport;
  settings: RunSettings | undefined;
  health: HealthReport | undefined;
  /** Every request of the run (request-record/); absent when rebuilt from a saved --output JSON. */
  requests?: RequestColumns | undefined;
  /** The baseline run this one was compared with (baseline.ts). */
  baseline?: { file: string; comparisons: Comparison[] } | undefined;
}

const SHOWN_VARIABLES = ['webhookPool', 'expect'];

/** The scenario settings a report may show: never credentials, tokens or secrets. */
export function publicSettings(
  config: { target?: string; phases?: Phase[]; variables?: Record<string, unknown> },
  env: Record<string, string | undefined>,
): RunSettings {
  let target = '(none)';
  try {
    // The server the run used (BASE_URL applies under the default target); its origin only,
    // since a path or query may carry a token.
    target = new URL(resolveTarget(config.target, env.BASE_URL || undefined)).origin;
  } catch {
    // Keep "(none)".
  }
  const variables: Record<string, string | number> = {};
  for (const name of SHOWN_VARIABLES) {
    const value = config.variables?.[name];
    if (typeof value === 'string' || typeof value === 'number') variables[name] = value;
  }
  return { target, signingScheme: env.SIGNING_SCHEME || 'plain', phases: config.phases ?? [], variables };
}
