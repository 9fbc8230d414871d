// Build time, size and render time of the HTML report of a generated one-hour run at
// 100 signals/s: 360 ten-second periods, 3,600 one-second samples of a 3-process server,
// and the per-request record of 360,000 requests written through webhook-stress-common request-record.ts as the
// workers write it, then merged as the verdict plugin merges it. Prints each figure
// against its budget (issue 11: build <= 1 s, file <= 5 MB, render <= 1 s); exit 1 if over.
//   npm run bench:report
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { HealthReport, Sample } from 'webhook-stress-common';
import { type PeriodStats, type RunData, renderHtmlReport } from 'webhook-stress-report';
import { appendRequest, closeWriter, collectRequests, startRecording } from '../packages/common/request-record.ts';
import { openReport } from '../test/helpers/browser.ts';

const HOUR_S = 3600;
const start = Date.parse('2026-11-28T00:00:00Z');
const MB = 1024 * 1024;

function periods(): PeriodStats[] {
  return Array.from({ length: HOUR_S / 10 }, (_, i) => ({
    period: start + i * 10_000,
    counters: { 'http.requests': 1000, 'webhook.accepted': 990, 'webhook.rate_limited': 10, 'webhook.sent': 1000 },
    rates: { 'http.request_rate': 100 },
    summaries: { 'http.response_time': { p50: 2 + (i % 5), p95: 8 + (i % 7), p99: 15 + (i % 11), mean: 3 } },
  }));
}

function samples(): Sample[] {
  return Array.from({ length: HOUR_S }, (_, i) => {
    const proc = (rss: number) => ({
      rssBytes: rss,
      pssBytes: rss * 0.8,
      cpuPercent: 20,
      threads: 11,
      openFiles: 25,
      startTicks: 1000,
      ageMs: 60_000 + i * 1000,
      worker: true,
    });
    const rss = (80 + (i % 60) / 10) * MB;
    return {
      at: start + i * 1000,
      rootAlive: true,
      processes: { 100: proc(rss), 101: proc(rss + MB), 102: proc(rss + 2 * MB) },
      exited: [],
      totals: {
        rssBytes: 3 * rss,
        memoryBytes: 2.4 * rss,
        memoryMeasure: 'pss',
        cpuPercent: 60,
        threads: 33,
        openFiles: 75,
        connections: 40,
      },
    };
  });
}

const health = {
  summary: { memory_measure: 'pss' },
  memory: {
    trend: { slope: 0.01, intercept: 200, slopeLow: -0.1, slopeHigh: 0.1, n: 2880 },
    originAt: start,
    warmupEndAt: start + 720_000,
  },
  process_events: [{ at: start + 1_800_000, kind: 'worker_exited', pid: 101 }],
  samples: samples(),
  source: { kind: 'local', root_pid: 100 },
} as unknown as HealthReport;

const run: RunData = {
  scenario: 'one-hour',
  generatedAt: new Date().toISOString(),
  passed: true,
  gates: [
    { expression: 'webhook.server_error == 0', passed: true, strict: true, measured: { 'webhook.server_error': 0 } },
  ],
  periods: periods(),
  aggregate: { counters: { 'webhook.sent': 360_000 } },
  settings: {
    target: 'http://127.0.0.1:8000',
    phases: [{ arrivalRate: 100, duration: HOUR_S }],
    variables: {},
  },
  health,
};

const REQUESTS = HOUR_S * 100;
const OUTCOMES = ['accepted', 'accepted', 'accepted', 'duplicate', 'rate_limited', 'timed_out'];

/** The record of one hour at 100/s, as the workers append it; returns ms per 1,000 appends. */
function writeRecord(): number {
  startRecording();
  const t = performance.now();
  for (let i = 0; i < REQUESTS; i++) {
    const outcome = OUTCOMES[i % 97 === 0 ? 5 : i % 53 === 0 ? 4 : i % 31 === 0 ? 3 : 0] as string;
    appendRequest({
      sentAt: start + i * 10 + (i % 7),
      dispatchOffsetMs: undefined,
      latencyMs: outcome === 'timed_out' ? undefined : 2 + ((i * 7919) % 1000) / 100 + (i === 200_000 ? 900 : 0),
      status: outcome === 'timed_out' ? undefined : outcome === 'rate_limited' ? 429 : 200,
      outcome,
      webhook: i % 20,
    });
  }
  closeWriter();
  return ((performance.now() - t) / REQUESTS) * 1000;
}

const inputBytes = JSON.stringify(run).length;
const times: number[] = [];
let html = '';
let appendMs = 0;
for (let i = 0; i < 5; i++) {
  appendMs = writeRecord();
  // Build = what the plugin does at the end: merge the workers' files, then render.
  const t = performance.now();
  run.requests = collectRequests();
  html = renderHtmlReport(run);
  times.push(performance.now() - t);
  if (run.requests?.count !== REQUESTS) throw new Error(`merged ${run.requests?.count} of ${REQUESTS} records`);
}
const file = path.join(mkdtempSync(path.join(tmpdir(), 'report-bench-')), 'one-hour.html');
writeFileSync(file, html);
times.sort((a, b) => a - b);
console.log(
  `one-hour run: ${run.periods.length} periods, ${health.samples.length} samples x 3 processes (input ${(inputBytes / 1024).toFixed(0)} KiB as JSON)`,
);
console.log(`per-request record: ${REQUESTS} requests, ${appendMs.toFixed(1)} ms per 1,000 appends in the worker`);
const verdict = (ok: boolean) => (ok ? 'within budget' : 'OVER BUDGET');
const buildMs = times[2] ?? Number.POSITIVE_INFINITY;
const sizeMb = Buffer.byteLength(html) / 1024 / 1024;
console.log(
  `build (merge record + render HTML): median ${buildMs.toFixed(0)} ms, min ${times[0]?.toFixed(0)} ms over 5 builds; budget 1000 ms: ${verdict(buildMs <= 1000)}`,
);
console.log(`report file: ${sizeMb.toFixed(2)} MB; budget 5 MB: ${verdict(sizeMb <= 5)} (${file})`);

const renders: number[] = [];
let charts = 0;
for (let i = 0; i < 3; i++) {
  const page = await openReport(file);
  renders.push(page.loadMs);
  charts = page.charts.filter((c) => c.points > 0).length;
}
renders.sort((a, b) => a - b);
const renderMs = renders[1] ?? Number.POSITIVE_INFINITY;
console.log(
  `render in headless Chromium (load to all ${charts} charts drawn): median ${renderMs} ms over 3 loads; budget 1000 ms: ${verdict(renderMs <= 1000)}`,
);
process.exitCode = buildMs <= 1000 && sizeMb <= 5 && renderMs <= 1000 ? 0 : 1;
