// The suite's closing summary in the guide's "Expected Results" form, as a console table and
// as the index page linking each scenario's report. The guide's columns are the same for every
// scenario; a scenario adds its own (its module's `columns`, through the registry).
import { escapeMarkup, notMeasured, type Verdict } from 'webhook-stress-report';
import type { RunFigures, SummaryColumn } from '../../processors/core/scenario.ts';

export interface ScenarioResult extends RunFigures {
  scenario: string;
  exitCode: number | null;
  verdict: Verdict | undefined;
}

export interface SummaryRow {
  scenario: string;
  /** NOT MEASURED: every strict gate that failed lacked its evidence (one line in the run's output says what to configure). */
  result: 'PASS' | 'FAIL' | 'NOT MEASURED' | 'INVALID' | 'INTERRUPTED';
  /** One cell per column of the table, after the scenario and the result. */
  cells: string[];
  failedGates: string[];
}

const show = (v: number | undefined, digits = 1) => (v === undefined ? '-' : v.toFixed(digits));

function share(c: Record<string, number>, name: string): string {
  const sent = c['webhook.sent'];
  return sent ? `${((100 * (c[name] ?? 0)) / sent).toFixed(1)} %` : '-';
}

/** The guide's Expected Results, for every scenario. */
export const GUIDE_COLUMNS: readonly SummaryColumn[] = [
  { header: 'success', cell: ({ counters: c }) => share(c, 'webhook.as_expected') },
  { header: 'avg ms', cell: ({ responseTime }) => show(responseTime?.mean) },
  { header: 'p95 ms', cell: ({ responseTime }) => show(responseTime?.p95, 0) },
  { header: 'mem growth MB', cell: ({ counters: c }) => show(c['server.memory_growth_mb']) },
  { header: 'rate-limited', cell: ({ counters: c }) => share(c, 'webhook.rate_limited') },
  {
    header: 'worker crashes',
    cell: ({ counters: c }) => (c['server.worker_crashes'] === undefined ? '-' : String(c['server.worker_crashes'])),
  },
];

/** The guide's columns, then each chosen scenario's own, once each, in suite order. */
export function summaryColumns(scenarioColumns: readonly (readonly SummaryColumn[] | undefined)[]): SummaryColumn[] {
  const columns: SummaryColumn[] = [...GUIDE_COLUMNS];
  for (const own of scenarioColumns)
    for (const column of own ?? []) if (!columns.some((c) => c.header === column.header)) columns.push(column);
  return columns;
}

export function summaryRow(r: ScenarioResult, columns: readonly SummaryColumn[]): SummaryRow {
  const failing = r.verdict?.gates.filter((g) => !g.passed && g.strict) ?? [];
  const failedGates = r.verdict?.interrupted
    ? ['not judged: the run was interrupted']
    : r.verdict?.invalid
      ? [`not judged: ${r.verdict.invalid}`]
      : failing.map((g) => (notMeasured(g) ? `${g.expression} (not measured)` : g.expression));
  if (!r.verdict) failedGates.push(`the run ended without a verdict (exit ${r.exitCode})`);
  const passed = r.exitCode === 0 && r.verdict?.passed === true;
  const unmeasured = r.verdict !== undefined && failing.length > 0 && failing.every(notMeasured);
  return {
    scenario: r.scenario,
    result: r.verdict?.interrupted
      ? 'INTERRUPTED'
      : r.verdict?.invalid
        ? 'INVALID'
        : passed
          ? 'PASS'
          : unmeasured
            ? 'NOT MEASURED'
            : 'FAIL',
    cells: columns.map((column) => column.cell(r)),
    failedGates,
  };
}

const headers = (columns: readonly SummaryColumn[]) => ['scenario', 'result', ...columns.map((c) => c.header)];
const cellsOf = (r: SummaryRow) => [r.scenario, r.result, ...r.cells];

export function summaryTable(rows: SummaryRow[], columns: readonly SummaryColumn[]): string {
  const table = [headers(columns), ...rows.map(cellsOf)];
  const widths = table[0]?.map((_, i) => Math.max(...table.map((row) => (row[i] ?? '').length))) ?? [];
  const line = (row: string[]) => row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ');
  const failures = rows.flatMap((r) => r.failedGates.map((g) => `  ${r.scenario}: ${g}`));
  return [
    line(table[0] ?? []),
    ...table.slice(1).map(line),
    ...(failures.length ? ['Failed gates:', ...failures] : []),
  ].join('\n');
}

/** The suite's summary as the head of the index page (trend-index.ts adds every kept run below). */
export function suiteSection(
  rows: SummaryRow[],
  columns: readonly SummaryColumn[],
  links: Record<string, string | undefined>,
  startedAt: string,
): { title: string; html: string } {
  const passed = rows.every((r) => r.result === 'PASS');
  const body = rows
    .map((r) => {
      const link = links[r.scenario];
      const name = link ? `<a href="${escapeMarkup(link)}">${escapeMarkup(r.scenario)}</a>` : escapeMarkup(r.scenario);
      const rest = cellsOf(r)
        .slice(1)
        .map((c) => `<td>${escapeMarkup(c)}</td>`)
        .join('');
      const failed = r.failedGates.map((g) => `<div class="gate">${escapeMarkup(g)}</div>`).join('');
      return `<tr class="${r.result.replace(' ', '-')}"><td>${name}${failed}</td>${rest}</tr>`;
    })
    .join('\n');
  const title = `Stress suite: ${passed ? 'PASS' : 'FAIL'}`;
  return {
    title,
    html: `<h1 id="suite-verdict">${title}</h1><p>Started ${escapeMarkup(startedAt)}</p>
<table><thead><tr>${headers(columns)
      .map((h) => `<th>${h}</th>`)
      .join('')}</tr></thead><tbody>
${body}
</tbody></table>`,
  };
}
