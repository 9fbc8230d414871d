// What a chart is (plain series), and the requested load a chart draws beside the measured one.
import type { Phase } from './run-format.ts';

export interface Series {
  label: string;
  values: (number | null)[];
  /** Points only (events, requests), a dashed line (requested rate, trend), or bars (histogram). */
  style?: 'points' | 'dashed' | 'bars';
}

export interface Chart {
  id: string;
  title: string;
  unit: string;
  /** What x counts: "s from start" unless said otherwise. */
  xLabel: string;
  xs: number[];
  /** The x range to show: a run of one period or one sample still gets a readable axis. */
  range: [number, number];
  series: Series[];
}

export function seconds(value: string | number | undefined): number {
  if (typeof value === 'number') return value;
  const match = /^([\d.]+)\s*(ms|s|m|min)?$/.exec(String(value ?? '0').trim());
  const n = Number(match?.[1] ?? 0);
  const unit = match?.[2] ?? 's';
  return unit === 'ms' ? n / 1000 : unit === 'm' || unit === 'min' ? n * 60 : n;
}

/** Mean requested arrivals per second over [from, from + length), integrated phase by phase. */
export function requestedMean(phases: Phase[], from: number, length: number): number {
  const to = from + length;
  let start = 0;
  let arrivals = 0;
  for (const phase of phases) {
    const duration = seconds(phase.duration ?? phase.pause);
    const x0 = Math.max(from, start) - start;
    const x1 = Math.min(to, start + duration) - start;
    if (x1 > x0 && phase.pause === undefined) {
      if (phase.arrivalCount !== undefined) arrivals += (phase.arrivalCount * (x1 - x0)) / duration;
      else {
        const a = phase.arrivalRate ?? 0;
        const b = phase.rampTo ?? a;
        arrivals += a * (x1 - x0) + ((b - a) / (2 * duration)) * (x1 * x1 - x0 * x0);
      }
    }
    start += duration;
  }
  return length > 0 ? arrivals / length : 0;
}
