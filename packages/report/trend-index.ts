// reports/index.html: every run kept in the reports folder (each *.verdict.json, suite
// runs and single runs), grouped by scenario, newest first, with its verdict, key
// figures and links to its report, health report, monitor log and JUnit; above each
// table a small chart of the scenario's figures across runs. Self-contained, offline.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { escapeMarkup } from './escape.ts';
import { FIGURE_LABELS, FIGURES } from './key-figures.ts';
import type { Verdict } from './run-format.ts';

const require = createRequire(import.meta.url);

export interface KeptRun {
  file: string;
  verdict: Verdict;
}

/** Every readable verdict in the folder; a file that is not one is skipped with one line. */
export function keptRuns(dir: string): KeptRun[] {
  const runs: KeptRun[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.verdict.json'))) {
    try {
      const verdict = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Verdict;
      if (typeof verdict.scenario === 'string' && typeof verdict.finishedAt === 'string') runs.push({ file, verdict });
    } catch {
      console.error(`index: skipped ${file}: not a verdict JSON`);
    }
  }
  return runs.sort((a, b) => b.verdict.finishedAt.localeCompare(a.verdict.finishedAt));
}

const resultOf = (v: Verdict) => (v.invalid ? 'INVALID' : v.passed ? 'PASS' : 'FAIL');
const show = (v: number | null | undefined) => (v === null || v === undefined ? '-' : String(v));

interface TrendChart {
  id: string;
  title: string;
  xs: number[];
  /** `ms` on the left axis; `right` (% and MB, both within 0..100 in practice) on the right. */
  series: { label: string; values: (number | null)[]; scale: 'ms' | 'right' }[];
}

function trendChart(scenario: string, runs: KeptRun[], id: string): TrendChart {
  const oldestFirst = [...runs].reverse();
  const figure = (name: (typeof FIGURES)[number]) => oldestFirst.map((r) => r.verdict.figures?.[name] ?? null);
  return {
    id,
    title: `${scenario}: figures per run`,
    xs: oldestFirst.map((r) => Date.parse(r.verdict.finishedAt) / 1000),
    series: [
      { label: 'p95 ms', values: figure('http.response_time.p95'), scale: 'ms' },
      { label: 'p99 ms', values: figure('http.response_time.p99'), scale: 'ms' },
      { label: 'as expected %', values: figure('as_expected_pct'), scale: 'right' },
      { label: 'memory growth MB', values: figure('server.memory_growth_mb'), scale: 'right' },
    ],
  };
}

function runRow(run: KeptRun): string {
  const v = run.verdict;
  const link = (file: string | undefined, text: string) => (file ? `<a href="${escapeMarkup(file)}">${text}</a>` : '');
  const links = [
    link(v.files.html, 'report'),
    link(v.files.health, 'health'),
    link(v.files.log, 'log'),
    link(v.files.junit, 'JUnit'),
  ]
    .filter(Boolean)
    .join(' &middot; ');
  const failed = v.invalid
    ? [`not judged: ${v.invalid}`]
    : v.gates.filter((g) => !g.passed && g.strict).map((g) => g.expression);
  const figures = FIGURES.map((f) => `<td>${show(v.figures?.[f])}</td>`).join('');
  const result = resultOf(v);
  return `<tr class="${result}"><td>${escapeMarkup(v.finishedAt.slice(0, 19).replace('T', ' '))}</td><td class="result">${result}</td>${figures}<td>${links}${failed.map((g) => `<div class="gate">${escapeMarkup(g)}</div>`).join('')}</td></tr>`;
}

const CLIENT = `
(function () {
  var charts = JSON.parse(document.getElementById('trend-data').textContent);
  var colors = ['#2563eb', '#dc2626', '#16a34a', '#9333ea'];
  window.__charts = [];
  charts.forEach(function (c) {
    var box = document.getElementById(c.id);
    var series = [{}].concat(c.series.map(function (s, i) {
      return { label: s.label, scale: s.scale, stroke: colors[i % colors.length], width: 1.5, points: { show: true, size: 6 }, spanGaps: true };
    }));
    var single = c.xs.length === 1 ? [c.xs[0] - 3600, c.xs[0] + 3600] : null;
    new uPlot({ title: c.title, width: Math.min(1100, box.clientWidth || 1000), height: 200, series: series,
      scales: { x: { time: true, range: single ? function () { return single; } : undefined } },
      axes: [{}, { scale: 'ms', label: 'ms' }, { scale: 'right', label: '% / MB', side: 1, grid: { show: false } }] },
      [c.xs].concat(c.series.map(function (s) { return s.values; })), box);
    var drawn = c.series.reduce(function (n, s) { return n + s.values.filter(function (v) { return v != null; }).length; }, 0);
    window.__charts.push({ id: c.id, points: drawn, canvas: !!box.querySelector('canvas') });
  });
})();
`;

/** The trend page; `suite` is the summary of a suite run just finished, shown first. */
export function trendPage(runs: KeptRun[], suite?: { title: string; html: string }): string {
  const byScenario = new Map<string, KeptRun[]>();
  for (const run of runs) byScenario.set(run.verdict.scenario, [...(byScenario.get(run.verdict.scenario) ?? []), run]);
  const charts: TrendChart[] = [];
  const sections = [...byScenario.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([scenario, list], i) => {
      const chart = trendChart(scenario, list, `trend-${i}`);
      charts.push(chart);
      const newest = list[0]?.verdict as Verdict;
      return `<section class="scenario" id="scenario-${escapeMarkup(scenario)}"><h2>${escapeMarkup(scenario)} <span class="badge ${resultOf(newest)}">${resultOf(newest)}</span> <span class="muted">${list.length} run(s)</span></h2>
<div class="chart" id="${chart.id}"></div>
<table class="runs"><thead><tr><th>finished (UTC)</th><th>result</th>${FIGURES.map((f) => `<th>${escapeMarkup(FIGURE_LABELS[f])}</th>`).join('')}<th>files, failed gates</th></tr></thead><tbody>${list.map(runRow).join('')}</tbody></table></section>`;
    });
  const uplotJs = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
  const uplotCss = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
  const title = suite?.title ?? `Stress runs: ${runs.length} kept`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeMarkup(title)}</title>
<style>${uplotCss}
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1140px;padding:0 16px;color:#111827}
table{border-collapse:collapse;width:100%;margin:8px 0 24px}th,td{border-bottom:1px solid #e5e7eb;padding:5px 7px;text-align:left;vertical-align:top}
th{font-size:12px;color:#374151}.muted{color:#6b7280;font-weight:400;font-size:14px}
tr.FAIL td.result,tr.FAIL td:nth-child(2){color:#dc2626;font-weight:700}tr.PASS td.result,tr.PASS td:nth-child(2){color:#16a34a;font-weight:700}tr.INVALID td.result{color:#6b7280;font-weight:700}
.gate{color:#dc2626;font-size:12px}.badge{font-size:13px;padding:2px 8px;border-radius:5px;color:#fff}.badge.PASS{background:#16a34a}.badge.FAIL{background:#dc2626}.badge.INVALID{background:#6b7280}
</style></head><body>
${suite ? `${suite.html}\n<h1>Every run kept in this folder</h1>` : `<h1>${escapeMarkup(title)}, by scenario</h1>`}
${sections.length ? sections.join('\n') : '<p class="muted">No run has been kept here yet.</p>'}
<script id="trend-data" type="application/json">${JSON.stringify(charts).replace(/</g, '\\u003c')}</script>
<script>${uplotJs}</script>
<script>${CLIENT}</script>
</body></html>
`;
}

export function writeTrendIndex(dir: string, suite?: { title: string; html: string }): string {
  const file = path.join(dir, 'index.html');
  writeFileSync(file, trendPage(keptRuns(dir), suite));
  return file;
}
