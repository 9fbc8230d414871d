// The run's verdict as JSON beside its other reports, for CI, the HTML report and tests.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface GateResult {
  expression: string;
  passed: boolean;
  /** false for `strict: false` gates: a warning that does not fail the run. */
  strict: boolean;
  measured: Record<string, number | null>;
}

export interface Verdict {
  scenario: string;
  finishedAt: string;
  passed: boolean;
  gates: GateResult[];
}

/** A sortable, file-name-safe timestamp: 2026-11-28T04-05-06. */
export function fileStamp(date: Date): string {
  return date.toISOString().slice(0, 19).replace(/:/g, '-');
}

export function writeVerdict(dir: string, verdict: Verdict): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${verdict.scenario}-${fileStamp(new Date(verdict.finishedAt))}.verdict.json`);
  writeFileSync(file, `${JSON.stringify(verdict, null, 2)}\n`);
  return file;
}
