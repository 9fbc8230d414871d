// Charts drawn from the per-request record (webhook-stress-common request-record.ts): a burst as dispatch offset
// vs latency by outcome, the rate-limit test against its allowed band, the latency
// distribution, and outcomes per time bucket (0.1 ms for a burst, 1 s for a long run),
// each keeping its peak, so a one-hour run stays a few thousand points.
import type { RequestColumns } from 'webhook-stress-common';
import { type Chart, requestedMean, type Series } from './chart-series.ts';
import { downsampleMax } from './downsample.ts';
import type { Phase } from './run-format.ts';

/** Above this many requests a timeline is drawn per second instead of per request. */
const MAX_SCATTER = 3000;
const MAX_POINTS = 1200;

export interface LimitBand {
  min: number;
  max: number;
  allowed: number;
}

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
const answered = (r: RequestColumns, i: number) => !Number.isNaN(r.latencyMs[i] as number);

/** One series per outcome present: the y value at that request's x, null elsewhere. */
function byOutcome(r: RequestColumns, order: number[], y: (i: number) => number): Series[] {
  const present = [...new Set(order.map((i) => r.outcome[i] as number))].sort((a, b) => a - b);
  return present.map((code) => ({
    label: r.outcomes[code] ?? `outcome ${code}`,
    values: order.map((i) => (r.outcome[i] === code ? round(y(i), 2) : null)),
    style: 'points' as const,
  }));
}

function burstScatter(r: RequestColumns): Chart | undefined {
  const order = [...Array(r.count).keys()].filter((i) => !Number.isNaN(r.dispatchOffsetMs[i] as number));
  if (order.length === 0) return undefined;
  order.sort((a, b) => (r.dispatchOffsetMs[a] as number) - (r.dispatchOffsetMs[b] as number));
  const xs = order.map((i) => round(r.dispatchOffsetMs[i] as number, 3));
  const last = xs.at(-1) ?? 0;
  return {
    id: 'burst-scatter',
    title: 'Each request of the burst: latency vs when it was written (no answer drawn at 0)',
    unit: 'ms',
    xLabel: 'ms after the first write',
    xs,
    range: [0, Math.max(last * 1.05, 0.1)],
    series: byOutcome(r, order, (i) => (answered(r, i) ? (r.latencyMs[i] as number) : 0)),
  };
}

function limitTimeline(r: RequestColumns, band: LimitBand): Chart {
  const order = [...Array(r.count).keys()];
  const allowedCodes = new Set(['accepted', 'duplicate'].map((n) => r.outcomes.indexOf(n)).filter((c) => c >= 0));
  const t0 = r.sentAt[0] ?? 0;
  // Time of each answer (or of the write when none came), as the limiter decided it.
  const decided = order
    .map((i) => ({ i, at: (r.sentAt[i] as number) - t0 + (answered(r, i) ? (r.latencyMs[i] as number) : 0) }))
    .sort((a, b) => a.at - b.at);
  let allowed = 0;
  const xs = decided.map((d) => round(d.at, 3));
  const cumulative = decided.map((d) => {
    if (allowedCodes.has(r.outcome[d.i] as number)) allowed += 1;
    return allowed;
  });
  return {
    id: 'limit-timeline',
    title: `Rate limit: requests let through as answers arrive, against the allowed band (${band.min} to ${band.max})`,
    unit: 'requests',
    xLabel: 'ms after the first write',
    xs,
    range: [0, Math.max((xs.at(-1) ?? 0) * 1.05, 0.1)],
    series: [
      { label: 'let through (cumulative)', values: cumulative },
      { label: 'band min', values: xs.map(() => band.min), style: 'dashed' },
      { label: 'band max', values: xs.map(() => band.max), style: 'dashed' },
    ],
  };
}

function timeline(r: RequestColumns, runStart: number): Chart {
  const order = [...Array(r.count).keys()];
  const secondsOf = (i: number) => ((r.sentAt[i] as number) - runStart * 1000) / 1000;
  if (r.count <= MAX_SCATTER) {
    const xs = order.map((i) => round(secondsOf(i), 3));
    return {
      id: 'request-timeline',
      title: 'Each request: latency when it was sent, by outcome (no answer drawn at 0)',
      unit: 'ms',
      xLabel: 's from the first request',
      xs,
      range: [0, Math.max((xs.at(-1) ?? 0) + 1, 1)],
      series: byOutcome(r, order, (i) => (answered(r, i) ? (r.latencyMs[i] as number) : 0)),
    };
  }
  const seconds = new Map<number, number[]>();
  for (const i of order) {
    if (!answered(r, i)) continue;
    const s = Math.floor(secondsOf(i));
    const list = seconds.get(s) ?? [];
    list.push(r.latencyMs[i] as number);
    seconds.set(s, list);
  }
  const keys = [...seconds.keys()].sort((a, b) => a - b);
  const stats = keys.map((k) => (seconds.get(k) ?? []).sort((a, b) => a - b));
  const q = (list: number[], p: number) => list[Math.min(list.length - 1, Math.floor(p * list.length))] ?? null;
  const down = downsampleMax(
    keys,
    [stats.map((l) => q(l, 0.5)), stats.map((l) => q(l, 0.99)), stats.map((l) => l.at(-1) ?? null)],
    MAX_POINTS,
  );
  return {
    id: 'request-timeline',
    title: 'Latency per second (each point the peak of its bucket)',
    unit: 'ms',
    xLabel: 's from the first request',
    xs: down.xs,
    range: [0, Math.max((down.xs.at(-1) ?? 0) + 1, 1)],
    series: ['p50', 'p99', 'max'].map((label, k) => ({
      label,
      values: (down.ys[k] ?? []).map((v) => (v === null ? null : round(v, 1))),
    })),
  };
}

function latencyDistribution(r: RequestColumns): Chart[] {
  const sorted = Float32Array.from([...r.latencyMs].filter((v) => !Number.isNaN(v))).sort();
  if (sorted.length === 0) return [];
  const max = sorted[sorted.length - 1] as number;
  // Bins up to the 99.5th percentile, the rest in the last bin: one slow outlier does not squash the shape.
  const top = Math.max(sorted[Math.floor(0.995 * (sorted.length - 1))] as number, 0.01);
  const bins = 40;
  const width = top / (bins - 1);
  const counts = new Array<number>(bins).fill(0);
  for (const v of sorted) {
    const k = Math.min(bins - 1, Math.floor(v / width));
    counts[k] = (counts[k] ?? 0) + 1;
  }
  const steps = Math.min(200, sorted.length);
  const cdfXs: number[] = [];
  const cdfYs: number[] = [];
  for (let k = 1; k <= steps; k++) {
    const index = Math.ceil((k / steps) * sorted.length) - 1;
    cdfXs.push(round(sorted[index] as number, 2));
    cdfYs.push(round((100 * (index + 1)) / sorted.length, 2));
  }
  return [
    {
      id: 'latency-histogram',
      title: `Latency histogram (${sorted.length} answers; the last bin holds all from ${round(top, 1)} to ${round(max, 1)} ms)`,
      unit: 'answers',
      xLabel: 'ms',
      xs: counts.map((_, k) => round((k + 0.5) * width, 2)),
      range: [0, round(bins * width, 2)],
      series: [{ label: 'answers', values: counts, style: 'bars' }],
    },
    {
      id: 'latency-cdf',
      title: 'Latency distribution: share of answers at or below',
      unit: '%',
      xLabel: 'ms',
      xs: cdfXs,
      range: [0, Math.max(round(max * 1.05, 2), 0.1)],
      series: [{ label: 'answers at or below', values: cdfYs }],
    },
  ];
}

const BUCKETS_MS = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];

interface Buckets {
  /** Epoch ms of the first request. */
  start: number;
  /** Bucket width in ms. */
  width: number;
  count: number;
  /** x of each bucket, in the unit of `xLabel`. */
  xs: number[];
  xLabel: string;
  /** "100 ms", "second". */
  name: string;
}

// A burst lasts about a millisecond, a sustained run minutes: the same chart in buckets that fit.
function bucketsOf(r: RequestColumns): Buckets {
  const start = r.sentAt[0] as number;
  const span = (r.sentAt[r.count - 1] as number) - start;
  // Runs longer than 5 s at 1-second resolution (long ones downsampled), shorter ones in at most 60 buckets.
  const width = span > 5000 ? 1000 : (BUCKETS_MS.find((w) => span / w <= 60) ?? 1000);
  const count = Math.floor(span / width) + 1;
  const inMs = width < 1000;
  const xs = Array.from({ length: count }, (_, b) => round(inMs ? b * width : (b * width) / 1000, 3));
  return {
    start,
    width,
    count,
    xs,
    xLabel: inMs ? 'ms after the first request' : 's from the first request',
    name: width === 1000 ? 'second' : `${width} ms`,
  };
}

function countPerBucket(r: RequestColumns, b: Buckets, keep: (i: number) => boolean): number[] {
  const counts = new Array<number>(b.count).fill(0);
  for (let i = 0; i < r.count; i++) {
    if (!keep(i)) continue;
    const k = Math.min(b.count - 1, Math.max(0, Math.floor(((r.sentAt[i] as number) - b.start) / b.width)));
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
}

/** Requests sent per bucket; beside the phases' requested count unless a burst (one arrival, many requests). */
function rateOverTime(r: RequestColumns, phases: Phase[], burst: boolean): Chart {
  const b = bucketsOf(r);
  const seconds = b.width / 1000;
  const requested = b.xs.map((_, k) => round(requestedMean(phases, k * seconds, seconds) * seconds, 1));
  const down = downsampleMax(b.xs, [countPerBucket(r, b, () => true), requested], MAX_POINTS);
  return {
    id: 'rate',
    title: `Requests sent per ${b.name}${burst ? '' : ' vs requested by the phases'}`,
    unit: `per ${b.name}`,
    xLabel: b.xLabel,
    xs: down.xs,
    range: [0, (down.xs.at(-1) ?? 0) + (b.xs[1] ?? 1)],
    series: [
      { label: 'sent', values: down.ys[0] ?? [], ...(b.count <= 3 ? { style: 'points' as const } : {}) },
      ...(burst ? [] : [{ label: 'requested', values: down.ys[1] ?? [], style: 'dashed' as const }]),
    ],
  };
}

function outcomesOverTime(r: RequestColumns): Chart {
  const b = bucketsOf(r);
  const counts = r.outcomes.map((_, code) => countPerBucket(r, b, (i) => r.outcome[i] === code));
  const down = downsampleMax(b.xs, counts, MAX_POINTS);
  return {
    id: 'outcomes-per-second',
    title: `Outcomes per ${b.name} (by send time)`,
    unit: 'requests',
    xLabel: b.xLabel,
    xs: down.xs,
    range: [0, (down.xs.at(-1) ?? 0) + (b.xs[1] ?? 1)],
    series: r.outcomes.map((label, k) => ({
      label,
      values: down.ys[k] ?? [],
      ...(b.count <= 3 ? { style: 'points' as const } : {}),
    })),
  };
}

/** The request-level charts of a run, timed from its first request. */
export function buildRequestCharts(r: RequestColumns, phases: Phase[], band: LimitBand | undefined): Chart[] {
  if (r.count === 0) return [];
  const runStart = (r.sentAt[0] as number) / 1000;
  const scatter = burstScatter(r);
  const charts: Chart[] = [rateOverTime(r, phases, scatter !== undefined)];
  if (scatter) charts.push(scatter);
  else charts.push(timeline(r, runStart));
  if (band) charts.push(limitTimeline(r, band));
  charts.push(...latencyDistribution(r), outcomesOverTime(r));
  return charts;
}
