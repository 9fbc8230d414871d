// The files a run leaves beside its other reports: the verdict as JSON (for CI, the
// suite and tests), the HTML report and the JUnit XML of its gates.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileStamp } from 'webhook-stress-common';
import type { Comparison } from './baseline.ts';
import { renderHtmlReport } from './html-report.ts';
import { renderJunit } from './junit.ts';
import { type KeyFigures, keyFigures } from './key-figures.ts';
import type { RunData, RunSettings } from './run-data.ts';

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

export interface Verdict {
  scenario: string;
  finishedAt: string;
  passed: boolean;
  /** Set when a validity gate failed: why the run was not judged, and what to do. */
  invalid?: string;
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

/** The monitor's log beside its health report: server_health_report_<run>.json -> monitor_<run>.log. */
function monitorLogOf(healthFile: string): string | undefined {
  const name = path.basename(healthFile);
  const log = name.replace(/^server_health_report_(.*)\.json$/, 'monitor_$1.log');
  return log !== name && existsSync(path.join(path.dirname(healthFile), log)) ? log : undefined;
}

export function writeRunOutputs(
  dir: string,
  run: RunData,
  healthFile?: string,
  /** The run's start time, which stamps all its files (the monitor's too); else the time of writing. */
  startedAt?: Date,
): { verdictFile: string; verdict: Verdict } {
  mkdirSync(dir, { recursive: true });
  const base = `${run.scenario}-${fileStamp(startedAt ?? new Date(run.generatedAt))}`;
  const verdict: Verdict = {
    scenario: run.scenario,
    finishedAt: run.generatedAt,
    passed: run.passed,
    ...(run.invalid ? { invalid: run.invalid } : {}),
    gates: run.gates,
    ...(run.settings ? { settings: run.settings } : {}),
    figures: keyFigures(run.aggregate),
    ...(run.baseline ? { baseline: run.baseline } : {}),
    files: {
      html: `${base}.html`,
      junit: `${base}.junit.xml`,
      ...(healthFile ? { health: path.basename(healthFile) } : {}),
      ...(healthFile ? { log: monitorLogOf(healthFile) } : {}),
    },
  };
  writeFileSync(path.join(dir, verdict.files.html), renderHtmlReport(run));
  writeFileSync(
    path.join(dir, verdict.files.junit),
    renderJunit([{ scenario: run.scenario, gates: run.gates, invalid: run.invalid }]),
  );
  const verdictFile = path.join(dir, `${base}.verdict.json`);
  writeFileSync(verdictFile, `${JSON.stringify(verdict, null, 2)}\n`);
  return { verdictFile, verdict };
}
