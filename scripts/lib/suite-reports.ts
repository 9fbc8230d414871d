// What the suite leaves at its end: the index page with its summary, one JUnit file of every
// gate, and the summary table on the console.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderJunit, writeTrendIndex } from 'webhook-stress-report';
import type { SummaryColumn } from '../../processors/core/scenario.ts';
import { type ScenarioResult, type SummaryRow, suiteSection, summaryRow, summaryTable } from './suite-summary.ts';

export function writeSuiteReports(
  reportsDir: string,
  results: ScenarioResult[],
  columns: readonly SummaryColumn[],
  suiteStarted: Date,
  say: (line: string) => void,
): SummaryRow[] {
  const rows = results.map((r) => summaryRow(r, columns));
  const links = Object.fromEntries(results.map((r) => [r.scenario, r.verdict?.files.html]));
  writeTrendIndex(reportsDir, suiteSection(rows, columns, links, suiteStarted.toISOString()));
  writeFileSync(
    path.join(reportsDir, 'junit.xml'),
    renderJunit(
      results.map((r) => ({
        scenario: r.scenario,
        gates: r.verdict?.gates ?? [],
        ...(r.verdict ? {} : { error: `the run ended without a verdict (exit ${r.exitCode})` }),
      })),
    ),
  );
  say(`\nSuite summary (the guide's Expected Results)\n${summaryTable(rows, columns)}`);
  say(`\nReports: ${path.join(reportsDir, 'index.html')}  JUnit: ${path.join(reportsDir, 'junit.xml')}`);
  return rows;
}
