// The charts of a report as plain series: x in seconds from the run's start (or ms, as
// xLabel says), one array per line. Pure, so tests can check what a chart will draw.
import { OUTCOMES } from 'webhook-stress-common';
import { type Chart, requestedMean } from './chart-series.ts';
import { downsampleMax } from './downsample.ts';
import { buildRequestCharts } from './request-charts.ts';
import type { RunData } from './run-format.ts';

function spanOf(xs: number[], tail: number): [number, number] {
  const first = xs[0] ?? 0;
  const last = xs.at(-1) ?? first;
  return [first, Math.max(last + tail, first + 1)];
}

const MB = 1024 * 1024;
const MAX_POINTS = 1200;

/** The outcome counters to draw: the known ones, and any other a newer processor emitted. */
function outcomeNames(run: RunData): string[] {
  const seen = new Set<string>(OUTCOMES);
  for (const p of run.periods)
    for (const name of Object.keys(p.counters ?? {})) {
      const outcome = /^webhook\.([a-z_]+)$/.exec(name)?.[1];
      if (outcome && run.requests?.outcomes.includes(outcome)) seen.add(outcome);
    }
  return [...seen];
}

/** The run's start in Unix seconds: its first period, request or server sample. */
function runStartOf(run: RunData): number {
  const starts = [
    ...run.periods.map(periodStart),
    (run.requests?.sentAt[0] ?? Number.POSITIVE_INFINITY) / 1000,
    (run.health?.samples[0]?.at ?? Number.POSITIVE_INFINITY) / 1000,
  ].filter((x) => Number.isFinite(x) && x > 0);
  return starts.length ? Math.min(...starts) : 0;
}

function periodStart(p: { period?: number | string; firstMetricAt?: number }): number {
  return Number(p.period ?? p.firstMetricAt ?? 0) / 1000;
}

export function buildCharts(run: RunData): Chart[] {
  const periods = [...run.periods].sort((a, b) => periodStart(a) - periodStart(b));
  const runStart = runStartOf(run);
  const xs = periods.map((p) => Math.round((periodStart(p) - runStart) * 10) / 10);
  const t0 = xs[0] ?? 0;
  // Artillery reports in fixed periods (10 s by default); the last one may be cut short.
  const periodLength = xs.length > 1 ? (xs[1] as number) - t0 : 10;
  const round1 = (x: number) => Math.round(x * 10) / 10;
  const charts: Chart[] = [];
  const requests = run.requests && run.requests.count > 0 ? run.requests : undefined;
  // The per-request record draws rate, latency and outcomes at a finer grain than Artillery's periods.
  if (requests) charts.push(...buildRequestCharts(requests, run.settings?.phases ?? [], limitBand(run)));
  else if (periods.length > 0) {
    charts.push({
      id: 'rate',
      title: 'Request rate: achieved vs requested (mean per period)',
      unit: 'req/s',
      xLabel: 's from start',
      xs,
      range: spanOf(xs, periodLength),
      series: [
        { label: 'achieved', values: periods.map((p) => round1((p.counters?.['http.requests'] ?? 0) / periodLength)) },
        {
          label: 'requested',
          values: xs.map((x) => round1(requestedMean(run.settings?.phases ?? [], x - t0, periodLength))),
          style: 'dashed',
        },
      ],
    });
    charts.push({
      id: 'latency',
      title: 'Response time per period',
      unit: 'ms',
      xLabel: 's from start',
      xs,
      range: spanOf(xs, periodLength),
      series: ['p50', 'p95', 'p99'].map((q) => ({
        label: q,
        values: periods.map((p) => p.summaries?.['http.response_time']?.[q] ?? null),
      })),
    });
    charts.push({
      id: 'outcomes',
      title: 'Outcomes per period',
      unit: 'answers',
      xLabel: 's from start',
      xs,
      range: spanOf(xs, periodLength),
      series: outcomeNames(run).map((o) => ({
        label: o,
        values: periods.map((p) => p.counters?.[`webhook.${o}`] ?? 0),
      })),
    });
  }
  const samples = run.health?.samples ?? [];
  if (samples.length > 0) {
    const sx = samples.map((s) => Math.round((s.at / 1000 - runStart) * 10) / 10);
    const pids = [...new Set(samples.flatMap((s) => Object.keys(s.processes)))].slice(0, 8);
    const total = samples.map((s) => s.totals.memoryBytes / MB);
    // The leak trend as the monitor fitted it: from its warm-up boundary, time measured from its origin.
    const { trend, originAt, warmupEndAt } = run.health?.memory ?? {};
    const trendLine = samples.map((s) =>
      trend && s.at >= (warmupEndAt ?? 0) ? trend.intercept + (trend.slope * (s.at - (originAt ?? 0))) / 60_000 : null,
    );
    const events = run.health?.process_events ?? [];
    const marker = (kind: string) =>
      samples.map((s, i) => {
        const next = samples[i + 1]?.at ?? Number.POSITIVE_INFINITY;
        return events.some((e) => e.kind === kind && e.at >= s.at && e.at < next) ? (total[i] ?? null) : null;
      });
    const memory = downsampleMax(
      sx,
      [
        total,
        ...pids.map((pid) => samples.map((s) => (s.processes[Number(pid)]?.rssBytes ?? 0) / MB || null)),
        trendLine,
        marker('worker_exited'),
        marker('worker_started'),
      ],
      MAX_POINTS,
    );
    const measure = memoryMeasure(run);
    charts.push({
      id: 'memory',
      title: `Server memory: whole tree ${measure}, each process RSS`,
      unit: 'MB',
      xLabel: 's from start',
      xs: memory.xs,
      range: spanOf(memory.xs, 0),
      series: [
        { label: `tree ${measure}`, values: memory.ys[0] ?? [] },
        ...pids.map((pid, i) => ({ label: `pid ${pid} RSS`, values: memory.ys[i + 1] ?? [] })),
        { label: 'leak trend', values: memory.ys[pids.length + 1] ?? [], style: 'dashed' as const },
        { label: 'crash', values: memory.ys[pids.length + 2] ?? [], style: 'points' as const },
        { label: 'worker start', values: memory.ys[pids.length + 3] ?? [], style: 'points' as const },
      ],
    });
    const cpu = downsampleMax(sx, [samples.map((s, i) => (i === 0 ? null : s.totals.cpuPercent))], MAX_POINTS);
    charts.push({
      id: 'cpu',
      title: 'Server CPU (whole tree, % of one core)',
      unit: '%',
      xLabel: 's from start',
      xs: cpu.xs,
      range: spanOf(cpu.xs, 0),
      series: [{ label: 'cpu', values: cpu.ys[0] ?? [] }],
    });
  }
  return charts;
}

/** PSS or RSS, named the same way in every chart and card. */
export function memoryMeasure(run: RunData): string {
  return (run.health?.summary.memory_measure ?? 'rss').toUpperCase();
}

function limitBand(run: RunData): { min: number; max: number; allowed: number } | undefined {
  const c = run.aggregate.counters ?? {};
  const [min, max, allowed] = [c['webhook.limit_band_min'], c['webhook.limit_band_max'], c['webhook.limit_allowed']];
  return min === undefined || max === undefined || allowed === undefined ? undefined : { min, max, allowed };
}
