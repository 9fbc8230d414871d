// The shapes of a run's data and files: what the plugin gathers, what the verdict JSON holds.
// Types only, imported by every module of the report library, importing none of them back.
import type { HealthReport, RequestColumns } from 'webhook-stress-common';
import type { FigureName, KeyFigures } from './key-figures.ts';
import type { AggregateReport } from './measured-values.ts';

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
  phases: Phase[];
  variables: Record<string, string | number>;
  /** What decided the gates, as the pack's processor read it (signing scheme, evidence, limiter, ...); absent for a scenario of your own. */
  decisive?: Record<string, string>;
  /** The profile the run read, if any. */
  profile?: string;
}

export interface GateResult {
  expression: string;
  passed: boolean;
  /** false for `strict: false` gates: a warning that does not fail the run. */
  strict: boolean;
  measured: Record<string, number | null>;
  /** Set on a validity gate: what to do when it fails (the run is then INVALID, see validity.ts). */
  validity?: string;
  /** Set on a baseline comparison row (baseline.ts). */
  baseline?: boolean;
}

export interface Comparison {
  figure: FigureName;
  label: string;
  baseline: number | null;
  current: number | null;
  tolerance: string;
  /** The value this run may reach (upper) or must keep (lower). */
  limit: { low?: number; high?: number };
  result: 'pass' | 'regression' | 'not measured' | 'not in baseline';
}

export interface RunData {
  scenario: string;
  generatedAt: string;
  passed: boolean;
  /** Why the run was not judged (a validity gate failed). */
  invalid?: string | undefined;
  /** Stopped early (Ctrl-C, SIGTERM): its gates were not judged. */
  interrupted?: boolean | undefined;
  gates: GateResult[];
  periods: PeriodStats[];
  aggregate: AggregateReport;
  settings: RunSettings | undefined;
  health: HealthReport | undefined;
  /** Every request of the run (webhook-stress-common request-record.ts); absent when rebuilt from a saved --output JSON. */
  requests?: RequestColumns | undefined;
  /** The baseline run this one was compared with (baseline.ts). */
  baseline?: { file: string; comparisons: Comparison[] } | undefined;
}

export interface Verdict {
  scenario: string;
  finishedAt: string;
  passed: boolean;
  /** Set when a validity gate failed: why the run was not judged, and what to do. */
  invalid?: string;
  /** Stopped early (Ctrl-C, SIGTERM): its gates were not judged. */
  interrupted?: boolean;
  gates: GateResult[];
  /** What the report shows of the scenario's settings (never a credential). */
  settings?: RunSettings;
  /** The figures a later run compares with and the index trends (key-figures.ts). */
  figures?: KeyFigures;
  /** The run this one was compared with, and how each figure compared. */
  baseline?: { file: string; comparisons: Comparison[] };
  /** Sibling files of this run, by name. */
  files: { html: string; junit: string; health?: string; log?: string };
}
