// Memory and CPU verdicts from the samples.
//
// A leak is told from warm-up and caches by the trend after warm-up, not by
// last-minus-first: an ordinary least-squares line of tree memory against time,
// with a 95 % confidence interval on its slope. Caches and pools plateau (slope
// ~0, interval straddling it); a leak climbs (the whole interval above a floor).
// Samples are autocorrelated, which makes the interval too narrow; the floors on
// slope and on growth after warm-up keep that from flagging allocator noise.

export interface LinearFit {
  slope: number;
  intercept: number;
  /** 95 % confidence bounds of the slope. */
  slopeLow: number;
  slopeHigh: number;
  n: number;
}

// Two-sided 97.5 % quantiles of Student's t for 1..30 degrees of freedom; 1.96 beyond.
const T_975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

export function tQuantile975(df: number): number {
  return T_975[df - 1] ?? 1.96;
}

export function fitLine(xs: number[], ys: number[]): LinearFit | undefined {
  const n = Math.min(xs.length, ys.length);
  if (n < 3) return undefined;
  const mean = (v: number[]) => v.slice(0, n).reduce((a, b) => a + b, 0) / n;
  const mx = mean(xs);
  const my = mean(ys);
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] as number) - mx;
    sxx += dx * dx;
    sxy += dx * ((ys[i] as number) - my);
  }
  if (sxx === 0) return undefined;
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let sse = 0;
  for (let i = 0; i < n; i++) sse += ((ys[i] as number) - (intercept + slope * (xs[i] as number))) ** 2;
  const halfWidth = tQuantile975(n - 2) * Math.sqrt(sse / (n - 2) / sxx);
  return { slope, intercept, slopeLow: slope - halfWidth, slopeHigh: slope + halfWidth, n };
}

export interface LeakRules {
  /** Share of the run, from its start, treated as warm-up and left out of the trend. */
  warmupFraction: number;
  /** The slope's lower 95 % bound must exceed this (MB per minute) to call a leak. */
  minSlopeMbPerMin: number;
  /** And the memory the trend adds after warm-up must exceed this (MB). */
  minGrowthMb: number;
}

export const DEFAULT_LEAK_RULES: LeakRules = { warmupFraction: 0.2, minSlopeMbPerMin: 2, minGrowthMb: 10 };

export interface MemoryAnalysis {
  baselineMb: number;
  peakMb: number;
  growthMb: number;
  /** Memory in MB against minutes since `originAt`, fitted on samples from `warmupEndAt` on. */
  trend: LinearFit | undefined;
  originAt: number;
  warmupEndAt: number;
  /** MB the trend adds over the span after warm-up. */
  trendGrowthMb: number;
  leak: boolean;
}

const MB = 1024 * 1024;

export function analyseMemory(
  points: { at: number; bytes: number }[],
  rules: LeakRules = DEFAULT_LEAK_RULES,
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
      leak: false,
    };
  const baselineMb = first.bytes / MB;
  const peakMb = Math.max(...live.map((p) => p.bytes)) / MB;
  const warmupEnd = first.at + (last.at - first.at) * rules.warmupFraction;
  const steady = live.filter((p) => p.at >= warmupEnd);
  const trend = fitLine(
    steady.map((p) => (p.at - first.at) / 60_000),
    steady.map((p) => p.bytes / MB),
  );
  const spanMin = steady.length > 1 ? ((steady.at(-1)?.at ?? 0) - (steady[0]?.at ?? 0)) / 60_000 : 0;
  const trendGrowthMb = trend ? trend.slope * spanMin : 0;
  const leak = !!trend && trend.slopeLow > rules.minSlopeMbPerMin && trendGrowthMb > rules.minGrowthMb;
  return {
    baselineMb,
    peakMb,
    growthMb: peakMb - baselineMb,
    trend,
    originAt: first.at,
    warmupEndAt: warmupEnd,
    trendGrowthMb,
    leak,
  };
}

export function analyseCpu(percentages: number[]): { maxPercent: number; avgPercent: number } {
  if (percentages.length === 0) return { maxPercent: 0, avgPercent: 0 };
  return {
    maxPercent: Math.max(...percentages),
    avgPercent: percentages.reduce((a, b) => a + b, 0) / percentages.length,
  };
}
