// One self-contained HTML file per run: opens offline from disk, charts drawn by
// uPlot inlined from node_modules, data embedded as JSON. Verdict first.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { buildCharts, memoryMeasure } from './chart-data.ts';
import { escapeMarkup } from './escape.ts';
import type { Phase, RunData } from './run-format.ts';
import { gateMark } from './validity.ts';

const require = createRequire(import.meta.url);
const uplotJs = () => readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
const uplotCss = () => readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');

/** JSON safe inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

function fmt(value: number | null | undefined): string {
  if (value === null || value === undefined) return 'not measured';
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

function gatesTable(run: RunData): string {
  if (run.gates.length === 0) return '<p class="muted">No gate results were recorded for this run.</p>';
  const rows = run.gates.map((g) => {
    const mark = gateMark(g, run.invalid !== undefined, run.interrupted === true);
    const status =
      mark === 'not judged' ? 'skip' : mark === 'INVALID' || mark === 'NOT MEASURED' ? 'fail' : mark.toLowerCase();
    const measured = Object.entries(g.measured)
      .map(([name, value]) => `${escapeMarkup(name)} = <b>${fmt(value)}</b>`)
      .join('<br>');
    return `<tr class="${status}"><td class="status">${escapeMarkup(mark.toUpperCase())}</td><td><code>${escapeMarkup(g.expression)}</code>${g.strict ? '' : ' <span class="muted">(warning only)</span>'}</td><td>${measured}</td></tr>`;
  });
  return `<table id="gates"><thead><tr><th>result</th><th>gate</th><th>measured</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** Artillery's own answers and errors: every http.codes.* and errors.* counter of the run. */
function answersTable(run: RunData): string {
  const c = run.aggregate.counters ?? {};
  const rows = Object.entries(c)
    .filter(([name]) => name.startsWith('http.codes.') || name.startsWith('errors.'))
    .sort(([a], [b]) => a.localeCompare(b));
  if (rows.length === 0) return '';
  const cells = rows.map(([name, n]) => `<tr><td><code>${escapeMarkup(name)}</code></td><td>${n}</td></tr>`).join('');
  return `<h2>Answers and errors (Artillery's counters)</h2><table id="answers"><thead><tr><th>counter</th><th>count</th></tr></thead><tbody>${cells}</tbody></table>`;
}

function keyFigures(run: RunData): string {
  const c = run.aggregate.counters ?? {};
  const rt = run.aggregate.summaries?.['http.response_time'];
  const sent = c['webhook.sent'] ?? 0;
  // A scenario of your own (no pack processor): Artillery's own figures, not the pack's zeros.
  if (c['webhook.sent'] === undefined) return artilleryFigures(run);
  const pct = (n: number | undefined) => (sent > 0 ? `${((100 * (n ?? 0)) / sent).toFixed(1)} %` : 'n/a');
  const figures: [string, string][] = [
    ['signals sent', String(sent)],
    ['as expected', pct(c['webhook.as_expected'])],
    ['rate-limited', pct(c['webhook.rate_limited'])],
    ['avg response', rt ? `${fmt(rt.mean)} ms` : 'n/a'],
    ['p95 response', rt ? `${fmt(rt.p95)} ms` : 'n/a'],
    ['p99 response', rt ? `${fmt(rt.p99)} ms` : 'n/a'],
    ['timed out', pct(c['webhook.timed_out'])],
    ['transport errors', pct(c['webhook.transport_error'])],
    [
      `memory growth (${memoryMeasure(run)})`,
      c['server.memory_growth_mb'] !== undefined ? `${fmt(c['server.memory_growth_mb'])} MB` : 'not measured',
    ],
    ['worker crashes', c['server.worker_crashes'] !== undefined ? String(c['server.worker_crashes']) : 'not measured'],
  ];
  return `<div class="figures">${figures.map(([k, v]) => `<div><span>${k}</span><b>${escapeMarkup(v)}</b></div>`).join('')}</div>`;
}

function artilleryFigures(run: RunData): string {
  const c = run.aggregate.counters ?? {};
  const rt = run.aggregate.summaries?.['http.response_time'];
  const requests = c['http.requests'] ?? 0;
  const codes = Object.entries(c).filter(([k]) => k.startsWith('http.codes.'));
  const ok = codes.filter(([k]) => k.startsWith('http.codes.2')).reduce((t, [, n]) => t + n, 0);
  const errors = Object.entries(c)
    .filter(([k]) => k.startsWith('errors.'))
    .reduce((t, [, n]) => t + n, 0);
  const pct = (n: number) => (requests > 0 ? `${((100 * n) / requests).toFixed(1)} %` : 'n/a');
  const figures: [string, string][] = [
    ['requests', String(requests)],
    ['answered 2xx', pct(ok)],
    ['errors (no answer)', pct(errors)],
    ['avg response', rt ? `${fmt(rt.mean)} ms` : 'n/a'],
    ['p95 response', rt ? `${fmt(rt.p95)} ms` : 'n/a'],
    ['p99 response', rt ? `${fmt(rt.p99)} ms` : 'n/a'],
    ['worker crashes', c['server.worker_crashes'] !== undefined ? String(c['server.worker_crashes']) : 'not measured'],
  ];
  return `<div class="figures">${figures.map(([k, v]) => `<div><span>${k}</span><b>${escapeMarkup(v)}</b></div>`).join('')}</div>`;
}

function baselineTable(run: RunData): string {
  const b = run.baseline;
  if (!b) return '';
  const rows = b.comparisons.map((c) => {
    const status = c.result === 'pass' ? 'pass' : c.result === 'not in baseline' ? 'skip' : 'fail';
    const limit = [
      c.limit.high === undefined ? '' : `&le; ${c.limit.high}`,
      c.limit.low === undefined ? '' : `&ge; ${c.limit.low}`,
    ]
      .filter(Boolean)
      .join(' and ');
    const change =
      c.baseline !== null && c.current !== null
        ? `${c.current - c.baseline >= 0 ? '+' : ''}${fmt(c.current - c.baseline)}${c.baseline !== 0 ? ` (${(((c.current - c.baseline) / Math.abs(c.baseline)) * 100).toFixed(0)} %)` : ''}`
        : '';
    return `<tr class="${status}"><td>${escapeMarkup(c.label)}</td><td>${fmt(c.baseline)}</td><td><b>${fmt(c.current)}</b></td><td>${escapeMarkup(change)}</td><td>${escapeMarkup(c.tolerance)}${limit ? ` (${limit})` : ''}</td><td class="status">${escapeMarkup(c.result.toUpperCase())}</td></tr>`;
  });
  return `<h2>Compared with the baseline</h2>
<p class="muted">Baseline: ${escapeMarkup(b.file)}</p>
<table id="baseline"><thead><tr><th>figure</th><th>baseline</th><th>this run</th><th>change</th><th>tolerance</th><th>result</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function settingsTable(run: RunData): string {
  const s = run.settings;
  const health = run.health?.source;
  const rows: [string, string][] = s
    ? [
        ['target', s.target],
        ...(s.profile ? [['profile', escapeMarkup(s.profile)] as [string, string]] : []),
        ...(s.decisive
          ? Object.entries(s.decisive).map(([k, v]): [string, string] => [escapeMarkup(k), escapeMarkup(v)])
          : [
              ['pack settings', 'none: not a scenario of the pack (its own processor decided what was sent)'] as [
                string,
                string,
              ],
            ]),
        ['phases', s.phases.map((p) => escapeMarkup(describePhase(p))).join('<br>')],
        ...Object.entries(s.variables).map(([k, v]): [string, string] => [k, escapeMarkup(String(v))]),
      ]
    : [['settings', 'not recorded in this input']];
  rows.push([
    'server monitor',
    health
      ? Object.entries(health)
          .map(([k, v]) => `${escapeMarkup(k)}: ${escapeMarkup(typeof v === 'object' ? JSON.stringify(v) : String(v))}`)
          .join('<br>')
      : 'no server data',
  ]);
  return `<table class="settings">${rows.map(([k, v]) => `<tr><th>${escapeMarkup(k)}</th><td>${k === 'target' ? escapeMarkup(v) : v}</td></tr>`).join('')}</table>`;
}

/** A phase in words: "ramp 5 to 50/s for 60 s", "10 arrivals in 1 s", "pause 2 s". */
export function describePhase(p: Phase): string {
  const name = p.name ? `${p.name}: ` : '';
  if (p.pause !== undefined) return `${name}pause ${p.pause} s`;
  const duration = `${p.duration ?? '?'} s`;
  if (p.arrivalCount !== undefined) return `${name}${p.arrivalCount} arrivals in ${duration}`;
  if (p.rampTo !== undefined) return `${name}ramp ${p.arrivalRate ?? 0} to ${p.rampTo}/s for ${duration}`;
  return `${name}${p.arrivalRate ?? 0}/s for ${duration}`;
}

// Draws each chart with uPlot and records what it drew, for people and for tests.
const CLIENT = `
(function () {
  var charts = JSON.parse(document.getElementById('chart-data').textContent);
  var palette = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#4b5563', '#ca8a04', '#db2777', '#65a30d', '#7c3aed', '#0f766e'];
  // One colour per outcome in every chart: which answer was accepted, which were replays, which 429.
  var outcomeColors = { accepted: '#16a34a', duplicate: '#2563eb', rate_limited: '#ea580c', auth_failed: '#9333ea', invalid: '#ca8a04', not_found: '#0891b2', server_error: '#dc2626', unexpected: '#4b5563', timed_out: '#7f1d1d', transport_error: '#db2777' };
  window.__charts = [];
  charts.forEach(function (c) {
    var box = document.getElementById('chart-' + c.id);
    var series = [{}].concat(c.series.map(function (s, i) {
      var color = s.label === 'crash' ? '#dc2626' : (outcomeColors[s.label] || palette[i % palette.length]);
      var out = { label: s.label, stroke: color, width: 1.5, value: function (u, v) { return v == null ? '-' : v.toFixed(1) + ' ' + c.unit; } };
      if (s.style === 'dashed') out.dash = [6, 4];
      if (s.style === 'points') { out.paths = function () { return null; }; out.points = { show: true, size: 7, fill: color }; }
      if (s.style === 'bars') { out.paths = uPlot.paths.bars({ size: [0.9] }); out.fill = color + '88'; out.points = { show: false }; }
      return out;
    }));
    var data = [c.xs].concat(c.series.map(function (s) { return s.values; }));
    new uPlot({ title: c.title, width: Math.min(1100, box.clientWidth || 1000), height: 260, series: series,
      axes: [{ label: c.xLabel }, { label: c.unit }], scales: { x: { time: false, range: c.range }, y: { range: function (u, min, max) { return [Math.min(0, min), max > 0 ? max * 1.08 : 1]; } } } }, data, box);
    var drawn = c.series.reduce(function (n, s) { return n + s.values.filter(function (v) { return v != null; }).length; }, 0);
    window.__charts.push({ id: c.id, points: drawn, canvas: !!box.querySelector('canvas') });
  });
})();
`;

export function renderHtmlReport(run: RunData): string {
  const charts = buildCharts(run);
  const verdict = run.invalid ? 'INVALID' : run.passed ? 'PASS' : 'FAIL';
  const failed = run.gates.filter((g) => !g.passed && g.strict).length;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>${escapeMarkup(run.scenario)}: ${verdict}</title>
<style>${uplotCss()}
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1140px;color:#111827;padding:0 16px}
h1{margin:0 0 4px} .muted{color:#6b7280}
.verdict{display:inline-block;padding:4px 14px;border-radius:6px;color:#fff;font-weight:700;font-size:20px}
.verdict.PASS{background:#16a34a}.verdict.FAIL{background:#dc2626}.verdict.INVALID{background:#6b7280}
table{border-collapse:collapse;width:100%;margin:8px 0 24px} th,td{border-bottom:1px solid #e5e7eb;padding:6px 8px;text-align:left;vertical-align:top}
tr.fail td.status{color:#dc2626;font-weight:700} tr.pass td.status{color:#16a34a;font-weight:700} tr.warn td.status{color:#ca8a04;font-weight:700} tr.skip td.status{color:#6b7280}
.figures{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}.figures div{background:#f3f4f6;border-radius:6px;padding:8px 12px;min-width:120px}
.figures span{display:block;color:#6b7280;font-size:12px}.figures b{font-size:18px}
.chart{margin:12px 0 28px}
</style></head><body>
<h1>${escapeMarkup(run.scenario)} <span class="verdict ${verdict}" id="verdict">${verdict}</span></h1>
<p class="muted">${run.gates.length - failed} of ${run.gates.length} gates passed &middot; generated ${escapeMarkup(run.generatedAt)}</p>
${run.invalid ? `<p id="invalid"><b>Not judged:</b> ${escapeMarkup(run.invalid)}</p>` : ''}
${keyFigures(run)}
<h2>Gates</h2>
${gatesTable(run)}
${baselineTable(run)}
<h2>Over time</h2>
${charts.length === 0 ? '<p class="muted">No time series in this input.</p>' : charts.map((c) => `<div class="chart" id="chart-${c.id}"></div>`).join('\n')}
${answersTable(run)}
<h2>What decided the verdict</h2>
${settingsTable(run)}
<script id="chart-data" type="application/json">${scriptJson(charts)}</script>
<script>${uplotJs()}</script>
<script>${CLIENT}</script>
</body></html>
`;
}
