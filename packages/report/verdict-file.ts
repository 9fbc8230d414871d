// The files a run leaves beside its other reports: the verdict as JSON (for CI, the
// suite and tests), the HTML report and the JUnit XML of its gates.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileStamp } from 'webhook-stress-common';
import { renderHtmlReport } from './html-report.ts';
import { renderJunit } from './junit.ts';
import { keyFigures } from './key-figures.ts';
import type { RunData, Verdict } from './run-format.ts';

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
    ...(run.interrupted ? { interrupted: true } : {}),
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
