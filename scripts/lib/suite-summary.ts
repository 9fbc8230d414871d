// The suite's closing summary in the guide's "Expected Results" form, as a console
// table and as the index page linking each scenario's report.
import { escapeMarkup, notMeasured, type Verdict } from 'webhook-stress-report';

export interface ScenarioResult {
  scenario: string;
  exitCode: number | null;
  verdict: Verdict | undefined;
  counters: Record<string, number>;
  responseTime: { mean?: number; p95?: number } | undefined;
}

export interface SummaryRow {
  scenario: string;
  /** NOT MEASURED: every strict gate that failed lacked its evidence (one line in the run's output says what to configure). */
  result: 'PASS' | 'FAIL' | 'NOT MEASURED' | 'INVALID';
  successPct: string;
  avgMs: string;
  p95Ms: string;
  memoryGrowthMb: string;
  rateLimitedPct: string;
  workerCrashes: string;
  /** Hostile requests rejected, over all classes (scenarios/hostile.yml). */
  hostileRejectedPct: string;
  /** What the receiver answered older signals sent after newer ones (scenarios/out-of-order.yml). */
  lateSignals: string;
  /** Exactly-once on ground truth: executions, "of" the flow's expected count when it has one. */
  processed: string;
  /** Noisy neighbour: the neighbours' accepted share. */
  neighboursPct: string;
  failedGates: string[];
}

function lateSignals(c: Record<string, number>): string {
  if (!c['order.late_sent']) return '-';
  return `${c['order.late_accepted'] ?? 0} accepted, ${c['order.late_rejected'] ?? 0} rejected`;
}

function hostileRejected(c: Record<string, number>): string {
  const sum = (figure: string) =>
    Object.entries(c)
      .filter(([name]) => name.startsWith('hostile.') && name.endsWith(`.${figure}`))
      .reduce((total, [, value]) => total + value, 0);
  const sent = sum('sent');
  return sent > 0 ? `${((100 * sum('rejected')) / sent).toFixed(1)} %` : '-';
}

const show = (v: number | undefined, digits = 1) => (v === undefined ? '-' : v.toFixed(digits));

function processedCell(executions: number | undefined, expected: number | undefined): string {
  if (executions === undefined) return '-';
  return expected ? `${executions} of ${expected}` : String(executions);
}

export function summaryRow(r: ScenarioResult): SummaryRow {
  const c = r.counters;
  const sent = c['webhook.sent'];
  const pct = (n: number | undefined) => (sent ? `${((100 * (n ?? 0)) / sent).toFixed(1)} %` : '-');
  const failing = r.verdict?.gates.filter((g) => !g.passed && g.strict) ?? [];
  const failedGates = r.verdict?.invalid
    ? [`not judged: ${r.verdict.invalid}`]
    : failing.map((g) => (notMeasured(g) ? `${g.expression} (not measured)` : g.expression));
  if (!r.verdict) failedGates.push(`the run ended without a verdict (exit ${r.exitCode})`);
  const passed = r.exitCode === 0 && r.verdict?.passed === true;
  const unmeasured = r.verdict !== undefined && failing.length > 0 && failing.every(notMeasured);
  return {
    scenario: r.scenario,
    result: r.verdict?.invalid ? 'INVALID' : passed ? 'PASS' : unmeasured ? 'NOT MEASURED' : 'FAIL',
    successPct: pct(c['webhook.as_expected']),
    avgMs: show(r.responseTime?.mean),
    p95Ms: show(r.responseTime?.p95, 0),
    memoryGrowthMb: show(c['server.memory_growth_mb']),
    rateLimitedPct: pct(c['webhook.rate_limited']),
    workerCrashes: c['server.worker_crashes'] === undefined ? '-' : String(c['server.worker_crashes']),
    hostileRejectedPct: hostileRejected(c),
    lateSignals: lateSignals(c),
    processed: processedCell(c['webhook.executions'], c['webhook.expected_executions']),
    neighboursPct: c['neighbours.sent']
      ? `${((100 * (c['neighbours.accepted'] ?? 0)) / c['neighbours.sent']).toFixed(1)} %`
      : '-',
    failedGates,
  };
}

const HEADERS = [
  'scenario',
  'result',
  'success',
  'avg ms',
  'p95 ms',
  'mem growth MB',
  'rate-limited',
  'worker crashes',
  'hostile rejected',
  'older signals',
  'processed',
  'neighbours ok',
];
const cells = (r: SummaryRow) => [
  r.scenario,
  r.result,
  r.successPct,
  r.avgMs,
  r.p95Ms,
  r.memoryGrowthMb,
  r.rateLimitedPct,
  r.workerCrashes,
  r.hostileRejectedPct,
  r.lateSignals,
  r.processed,
  r.neighboursPct,
];

export function summaryTable(rows: SummaryRow[]): string {
  const table = [HEADERS, ...rows.map(cells)];
  const widths = HEADERS.map((_, i) => Math.max(...table.map((row) => (row[i] ?? '').length)));
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
  links: Record<string, string | undefined>,
  startedAt: string,
): { title: string; html: string } {
  const passed = rows.every((r) => r.result === 'PASS');
  const body = rows
    .map((r) => {
      const link = links[r.scenario];
      const name = link ? `<a href="${escapeMarkup(link)}">${escapeMarkup(r.scenario)}</a>` : escapeMarkup(r.scenario);
      const rest = cells(r)
        .slice(1)
        .map((c) => `<td>${escapeMarkup(c)}</td>`)
        .join('');
      const failed = r.failedGates.map((g) => `<div class="gate">${escapeMarkup(g)}</div>`).join('');
      return `<tr class="${r.result}"><td>${name}${failed}</td>${rest}</tr>`;
    })
    .join('\n');
  const title = `Stress suite: ${passed ? 'PASS' : 'FAIL'}`;
  return {
    title,
    html: `<h1 id="suite-verdict">${title}</h1><p>Started ${escapeMarkup(startedAt)}</p>
<table><thead><tr>${HEADERS.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>
${body}
</tbody></table>`,
  };
}
