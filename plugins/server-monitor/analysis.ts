// Memory and CPU verdicts from the samples.
//
// A leak is told from warm-up and caches by the trend after warm-up, not by
// last-minus-first: a least-squares line of memory against time with a 95 %
// confidence interval on its slope. Caches and pools plateau (slope ~0, interval
// straddling it); a leak climbs. With the requests served known, the verdict is the
// memory retained per request (from the robust Theil-Sen slope) above a floor; without
// them, the interval's lower bound and the growth above floors per time.
//
// Two things real process trees do to that line are handled here:
// - A worker that dies or starts makes memory step down or up. The fit is pooled over
//   segments, the runs of samples between changes of the process set: each segment
//   has its own intercept, all share one slope (ordinary least squares with one dummy
//   per segment). A crash therefore never reads as a leak, nor hides one.
// - Samples one second apart are autocorrelated (the heap does not forget), so n
//   samples carry fewer than n independent observations: see effectiveSize.
import type { LinearFit, MemoryAnalysis } from 'webhook-stress-common';

// Two-sided 97.5 % quantiles of Student's t for 1..30 degrees of freedom; 1.96 beyond.
const T_975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

export function tQuantile975(df: number): number {
  return T_975[Math.max(1, Math.floor(df)) - 1] ?? 1.96;
}

/**
 * AR(1) effective sample size: with lag-1 autocorrelation r of the residuals, the
 * variance of a trend estimated from n samples is that of n (1 - r) / (1 + r)
 * independent ones. r <= 0 (no memory between samples) leaves n unchanged.
 */
export function effectiveSize(n: number, lag1: number): number {
  const r = Math.min(0.95, Math.max(0, lag1));
  return (n * (1 - r)) / (1 + r);
}

export interface Point {
  x: number;
  y: number;
  /** Points with the same segment share an intercept; a change starts a new one. */
  segment?: string;
}

/** Least-squares slope shared by all segments, one intercept each, with an AR(1)-corrected interval. */
export function fitSegmented(points: Point[]): LinearFit | undefined {
  const groups: Point[][] = [];
  for (const p of points) {
    const last = groups.at(-1);
    if (last && last[0]?.segment === p.segment) last.push(p);
    else groups.push([p]);
  }
  let sxx = 0;
  let sxy = 0;
  const centred: { dx: number; dy: number; group: number }[] = [];
  groups.forEach((g, group) => {
    const mx = g.reduce((a, p) => a + p.x, 0) / g.length;
    const my = g.reduce((a, p) => a + p.y, 0) / g.length;
    for (const p of g) {
      centred.push({ dx: p.x - mx, dy: p.y - my, group });
      sxx += (p.x - mx) ** 2;
      sxy += (p.x - mx) * (p.y - my);
    }
  });
  const n = points.length;
  const df = n - groups.length - 1;
  if (df < 1 || sxx === 0) return undefined;
  const slope = sxy / sxx;
  const residuals = centred.map((c) => ({ e: c.dy - slope * c.dx, group: c.group }));
  let sse = 0;
  let lagged = 0;
  for (let i = 0; i < residuals.length; i++) {
    const r = residuals[i] as { e: number; group: number };
    sse += r.e * r.e;
    const prev = residuals[i - 1];
    if (prev && prev.group === r.group) lagged += r.e * prev.e;
  }
  const lag1 = sse > 0 ? lagged / sse : 0;
  const nEffective = effectiveSize(n, lag1);
  const dfEffective = Math.max(1, nEffective - groups.length - 1);
  // The slope's variance grows by n / nEffective over the independent-samples formula.
  const halfWidth = tQuantile975(dfEffective) * Math.sqrt(((sse / df) * (n / nEffective)) / sxx);
  const first = groups[0] ?? [];
  const intercept =
    first.reduce((a, p) => a + p.y, 0) / first.length - (slope * first.reduce((a, p) => a + p.x, 0)) / first.length;
  return {
    slope,
    intercept,
    slopeLow: slope - halfWidth,
    slopeHigh: slope + halfWidth,
    n,
    nEffective,
    segments: groups.length,
  };
}

// Pairs grow with the square of the points: longer runs are thinned evenly to this many.
export const MAX_PAIRWISE_POINTS = 1000;

/**
 * Theil-Sen slope: the median of the slopes between every two points of the same
 * segment. A managed heap grows in steps (V8 takes a new page of a few MB, a GC hands
 * one back): one step pulls a least-squares line by several KiB a request on a
 * 1,000-request run, while the median of pairwise slopes follows the steady climb.
 */
export function medianPairwiseSlope(points: Point[]): number | undefined {
  const every = Math.ceil(points.length / MAX_PAIRWISE_POINTS);
  const thinned = points.filter((_, i) => i % every === 0);
  const slopes: number[] = [];
  for (let i = 0; i < thinned.length; i++) {
    const a = thinned[i] as Point;
    for (let j = i + 1; j < thinned.length; j++) {
      const b = thinned[j] as Point;
      if (b.segment === a.segment && b.x !== a.x) slopes.push((b.y - a.y) / (b.x - a.x));
    }
  }
  if (slopes.length === 0) return undefined;
  slopes.sort((x, y) => x - y);
  const mid = slopes.length >> 1;
  return slopes.length % 2 === 1 ? slopes[mid] : ((slopes[mid - 1] as number) + (slopes[mid] as number)) / 2;
}

/** Plain least squares (one segment). */
export function fitLine(xs: number[], ys: number[]): LinearFit | undefined {
  const n = Math.min(xs.length, ys.length);
  return fitSegmented(Array.from({ length: n }, (_, i) => ({ x: xs[i] as number, y: ys[i] as number })));
}

export interface LeakRules {
  /** Share of the run, from its start, treated as warm-up and left out of the trend: in [0, 1). */
  warmupFraction: number;
  /** With the requests served known: the trend must retain more than this per request (KiB). */
  minKibPerRequest: number;
  /** Without a request count (stand-alone monitor): the slope's lower bound must exceed this (MB/min)... */
  minSlopeMbPerMin: number;
  /** ...and the trend must add more than this after warm-up (MB). */
  minGrowthMb: number;
}

export const DEFAULT_LEAK_RULES: LeakRules = {
  warmupFraction: 0.2,
  minKibPerRequest: 8.5,
  minSlopeMbPerMin: 2,
  minGrowthMb: 10,
};

export interface MemoryPoint {
  at: number;
  bytes: number;
  /** The set of worker processes; memory steps when it changes. */
  segment?: string;
}

const MB = 1024 * 1024;

const maxOf = (values: number[]) => values.reduce((m, v) => Math.max(m, v), Number.NEGATIVE_INFINITY);

export function analyseMemory(
  points: MemoryPoint[],
  rules: LeakRules = DEFAULT_LEAK_RULES,
  /** Requests served between two instants (ms since the epoch), when known. */
  requestsBetween?: (from: number, to: number) => number | undefined,
): MemoryAnalysis {
  const live = points.filter((p) => p.bytes > 0);
  const first = live[0];
  const last = live.at(-1);
  if (!first || !last)
    return {
      baselineMb: 0,
      peakMb: 0,
      growthMb: 0,
      trend: undefined,
      originAt: 0,
      warmupEndAt: 0,
      trendGrowthMb: 0,
      robustSlopeMbPerMin: undefined,
      requests: undefined,
      kibPerRequest: undefined,
      rule: 'per-time',
      leak: false,
    };
  const baselineMb = first.bytes / MB;
  const peakMb = maxOf(live.map((p) => p.bytes)) / MB;
  const warmupEnd = first.at + (last.at - first.at) * rules.warmupFraction;
  const steady = live.filter((p) => p.at >= warmupEnd);
  const fitted = steady.map((p) => ({ x: (p.at - first.at) / 60_000, y: p.bytes / MB, segment: p.segment }));
  const trend = fitSegmented(fitted);
  const robustSlopeMbPerMin = medianPairwiseSlope(fitted);
  const fromAt = steady[0]?.at ?? 0;
  const toAt = steady.at(-1)?.at ?? 0;
  const trendGrowthMb = trend ? (trend.slope * (toAt - fromAt)) / 60_000 : 0;
  const requests = steady.length > 1 ? requestsBetween?.(fromAt, toAt) : undefined;
  const kibPerRequest =
    requests && robustSlopeMbPerMin !== undefined
      ? (robustSlopeMbPerMin * ((toAt - fromAt) / 60_000) * 1024) / requests
      : undefined;
  // With requests known the effect size decides: on a 1,000-request run the samples are
  // worth 4 to 12 independent ones (effectiveSize), an interval too wide to separate an
  // 8 KiB leak from a heap step, while the robust per-request figure does (BENCHMARKS.md).
  const leak =
    kibPerRequest !== undefined
      ? kibPerRequest > rules.minKibPerRequest
      : !!trend && trend.slopeLow > rules.minSlopeMbPerMin && trendGrowthMb > rules.minGrowthMb;
  return {
    baselineMb,
    peakMb,
    growthMb: peakMb - baselineMb,
    trend,
    originAt: first.at,
    warmupEndAt: warmupEnd,
    trendGrowthMb,
    robustSlopeMbPerMin,
    requests,
    kibPerRequest,
    rule: kibPerRequest !== undefined ? 'per-request' : 'per-time',
    leak,
  };
}

export function analyseCpu(percentages: number[]): { maxPercent: number; avgPercent: number } {
  if (percentages.length === 0) return { maxPercent: 0, avgPercent: 0 };
  return {
    maxPercent: maxOf(percentages),
    avgPercent: percentages.reduce((a, b) => a + b, 0) / percentages.length,
  };
}

/** Requests served between two instants, by linear interpolation of cumulative counts (ascending `at`). */
export function interpolateCumulative(points: { at: number; total: number }[], at: number): number | undefined {
  const firstPoint = points[0];
  const lastPoint = points.at(-1);
  if (!firstPoint || !lastPoint) return undefined;
  if (at <= firstPoint.at) return firstPoint.total;
  if (at >= lastPoint.at) return lastPoint.total;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1] as { at: number; total: number };
    const b = points[i] as { at: number; total: number };
    if (at <= b.at) return a.total + ((b.total - a.total) * (at - a.at)) / Math.max(1, b.at - a.at);
  }
  return lastPoint.total;
}
