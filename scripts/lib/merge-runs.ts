// N load generators' `artillery run --output` files -> one result, merged with Artillery's
// own SSMS code (mergeBuckets per period, pack for the whole run), as run-fargate's
// orchestrator merges its workers: counters add up, histograms merge as sketches.
// Server figures are the exception: every generator would observe the same server, so
// they are taken from the one party that sampled it, never added up (README "Scaling out").
import { existsSync } from 'node:fs';
import type { SketchPeriod, Ssms } from './artillery-internals.ts';
import { readJson } from './read-json.ts';
import { type SketchFile, sketchFileOf } from './sketch-reporter.ts';

/** What `artillery run --output` writes: summaries only (`histograms` repeats them). */
export interface OutputPeriod {
  period?: number | string;
  counters?: Record<string, number>;
  rates?: Record<string, number>;
  summaries?: Record<string, Record<string, number>>;
  histograms?: Record<string, Record<string, number>>;
  firstMetricAt?: number;
  lastMetricAt?: number;
  [other: string]: unknown;
}

export interface ArtilleryOutput {
  aggregate: OutputPeriod;
  intermediate: OutputPeriod[];
}

export interface GeneratorRun {
  file: string;
  output: ArtilleryOutput;
  /** Deserialized sketches from `<file>.ssms` (sketch-reporter.ts), when the generator wrote them. */
  sketches?: { aggregate: SketchPeriod; intermediate: SketchPeriod[] };
}

export interface MergedRun extends ArtilleryOutput {
  /** One line each: what could not be merged and how that shows in the verdict. */
  notes: string[];
}

const SERVER = 'server.';
/** Each sampling party counts itself once (plugins/server-monitor); a merged file shows how many there were. */
export const SAMPLING_PARTIES = 'server.sampling_parties';
/** plugins/server-monitor/gauge-histograms.ts: each server figure as a one-value histogram. */
const GAUGE_PREFIX = 'server.gauge.';

export function readGeneratorRun(file: string, ssms: Ssms): GeneratorRun {
  const output = readJson<Partial<ArtilleryOutput>>(file);
  if (!output.aggregate || typeof output.aggregate !== 'object')
    throw new Error(`${file} has no "aggregate" section; give files written by artillery run --output`);
  const run: GeneratorRun = { file, output: { aggregate: output.aggregate, intermediate: output.intermediate ?? [] } };
  const sketchFile = sketchFileOf(file);
  if (existsSync(sketchFile)) {
    const raw = readJson<Partial<SketchFile>>(sketchFile);
    try {
      if (typeof raw.aggregate !== 'string' || !Array.isArray(raw.intermediate)) throw new Error('not a sketch file');
      run.sketches = {
        aggregate: ssms.deserializeMetrics(raw.aggregate),
        intermediate: raw.intermediate.map((p) => ssms.deserializeMetrics(p)),
      };
    } catch {
      throw new Error(`${sketchFile} is not the sketch file of ${file}; delete it to merge without sketches`);
    }
  }
  return run;
}

/** A party sampled the server when it says so, or (files written before the marker) when it has samples. */
function sampledServer(run: GeneratorRun): boolean {
  const c = run.output.aggregate.counters ?? {};
  return (c[SAMPLING_PARTIES] ?? 0) > 0 || (c['server.samples'] ?? 0) > 0;
}

function withoutServer<T extends { counters?: object; summaries?: object; histograms?: object; rates?: object }>(
  period: T,
): T {
  const keep = (o: object | undefined) =>
    o && Object.fromEntries(Object.entries(o).filter(([name]) => !name.startsWith(SERVER)));
  return {
    ...period,
    counters: keep(period.counters),
    summaries: keep(period.summaries),
    histograms: keep(period.histograms),
    rates: keep(period.rates),
  };
}

/** Summaries Artillery cannot rebuild from sketches (the monitor writes its figures as summaries): copied from their one source. */
function carrySummaries(target: OutputPeriod, sources: OutputPeriod[]): void {
  for (const source of sources) {
    for (const [name, summary] of Object.entries(source.summaries ?? {})) {
      if (target.summaries?.[name] === undefined) target.summaries = { ...target.summaries, [name]: summary };
    }
  }
}

function summarize(ssms: Ssms, period: SketchPeriod): OutputPeriod {
  const summaries: Record<string, Record<string, number>> = {};
  for (const [name, sketch] of Object.entries(period.histograms ?? {}))
    summaries[name] = ssms.summarizeHistogram(sketch);
  const { histograms: _sketches, summaries: _old, ...rest } = period;
  return { ...rest, summaries, histograms: summaries };
}

function mergeSketches(ssms: Ssms, runs: GeneratorRun[]): ArtilleryOutput {
  const sketches = runs.map((r) => r.sketches as NonNullable<GeneratorRun['sketches']>);
  const aggregate = summarize(ssms, ssms.pack(sketches.map((s) => s.aggregate)));
  carrySummaries(
    aggregate,
    runs.map((r) => r.output.aggregate),
  );
  const byPeriod = ssms.mergeBuckets(sketches.flatMap((s) => s.intermediate));
  const intermediate = Object.values(byPeriod)
    .sort((a, b) => Number(a.period) - Number(b.period))
    .map((p) => {
      const merged = summarize(ssms, p);
      carrySummaries(
        merged,
        runs.flatMap((r) => r.output.intermediate.filter((q) => String(q.period) === String(p.period))),
      );
      return merged;
    });
  return { aggregate, intermediate };
}

/**
 * Without sketches only what summaries carry exactly is merged: min, max, count and the
 * count-weighted mean. Percentiles of several generators cannot be rebuilt from theirs,
 * so they are left out and a gate on one fails as not measured.
 */
function mergeSummaries(ssms: Ssms, periods: OutputPeriod[]): OutputPeriod {
  const packed = ssms.pack(periods.map((p) => ({ ...p, period: p.period ?? 0, histograms: {} })));
  const summaries: Record<string, Record<string, number>> = {};
  const names = new Set(periods.flatMap((p) => Object.keys(p.summaries ?? {})));
  for (const name of names) {
    const parts = periods.flatMap((p) => (p.summaries?.[name] ? [p.summaries[name]] : []));
    const count = parts.reduce((n, s) => n + (s.count ?? 0), 0);
    summaries[name] = {
      min: Math.min(...parts.map((s) => s.min ?? Number.POSITIVE_INFINITY)),
      max: Math.max(...parts.map((s) => s.max ?? Number.NEGATIVE_INFINITY)),
      count,
      mean: count > 0 ? parts.reduce((m, s) => m + (s.mean ?? 0) * (s.count ?? 0), 0) / count : 0,
    };
  }
  const { histograms: _none, ...rest } = packed;
  return { ...rest, summaries, histograms: summaries };
}

function mergeWithoutSketches(ssms: Ssms, runs: GeneratorRun[]): ArtilleryOutput {
  const byPeriod = new Map<string, OutputPeriod[]>();
  for (const p of runs.flatMap((r) => r.output.intermediate)) {
    const key = String(p.period);
    byPeriod.set(key, [...(byPeriod.get(key) ?? []), p]);
  }
  return {
    aggregate: mergeSummaries(
      ssms,
      runs.map((r) => r.output.aggregate),
    ),
    intermediate: [...byPeriod.entries()]
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([, periods]) => mergeSummaries(ssms, periods)),
  };
}

/**
 * After a merge of several sampling parties: each server figure is the largest party's, read
 * from the max of its merged `server.gauge.*` sketch (plugins/server-monitor/gauge-histograms.ts);
 * a figure without one is dropped (not measured). The period charts drop server lines.
 */
function serverFiguresFromGauges(
  merged: ArtilleryOutput,
  parties: number,
  what: string,
  notes: string[],
): ArtilleryOutput {
  const summaries = merged.aggregate.summaries ?? {};
  const counters: Record<string, number> = {};
  let fromGauges = 0;
  for (const [name, value] of Object.entries(merged.aggregate.counters ?? {})) {
    if (!name.startsWith(SERVER) || name === SAMPLING_PARTIES) {
      counters[name] = value;
      continue;
    }
    const max = summaries[`${GAUGE_PREFIX}${name.slice(SERVER.length)}`]?.max;
    if (max !== undefined) {
      counters[name] = max;
      fromGauges += 1;
    }
  }
  notes.push(
    fromGauges > 0
      ? `server figures: ${what} sampled the server ${parties} times; each server figure is the largest party's (its ${GAUGE_PREFIX}* histogram), not their sum`
      : `server figures: ${what} sampled the server ${parties} times and carry no ${GAUGE_PREFIX}* histograms; adding them up would count the server ${parties} times, so server gates are not measured. Let one generator sample (SERVER_MONITOR_GENERATOR)`,
  );
  const keep = (o: Record<string, Record<string, number>> | undefined) =>
    o && Object.fromEntries(Object.entries(o).filter(([n]) => !n.startsWith(SERVER) || n.startsWith(GAUGE_PREFIX)));
  return {
    aggregate: {
      ...merged.aggregate,
      counters,
      summaries: keep(merged.aggregate.summaries),
      histograms: keep(merged.aggregate.histograms),
    },
    intermediate: merged.intermediate.map(withoutServer),
  };
}

/** Server figures of the one party that sampled: the others' are left out before the merge. */
function oneServerSource(runs: GeneratorRun[], source: GeneratorRun | undefined): GeneratorRun[] {
  return runs.map((run) => {
    if (run === source) return run;
    const output = {
      aggregate: withoutServer(run.output.aggregate),
      intermediate: run.output.intermediate.map(withoutServer),
    };
    const sketches = run.sketches && {
      aggregate: withoutServer(run.sketches.aggregate),
      intermediate: run.sketches.intermediate.map(withoutServer),
    };
    return { ...run, output, ...(sketches ? { sketches } : {}) };
  });
}

export function mergeRuns(ssms: Ssms, runs: GeneratorRun[]): MergedRun {
  const notes: string[] = [];
  if (runs.length === 1) {
    const [only] = runs as [GeneratorRun];
    const parties = only.output.aggregate.counters?.[SAMPLING_PARTIES] ?? 0;
    // An already merged file (run-fargate --count N) whose workers each sampled the server.
    if (parties > 1) return { ...serverFiguresFromGauges(only.output, parties, only.file, notes), notes };
    return { ...only.output, notes };
  }
  const samplers = runs.filter(sampledServer);
  const sources = samplers.length > 1 ? runs : oneServerSource(runs, samplers[0]);
  const missing = sources.filter((r) => !r.sketches).map((r) => r.file);
  let merged: ArtilleryOutput;
  if (missing.length === 0) merged = mergeSketches(ssms, sources);
  else {
    notes.push(
      `percentiles: ${missing.join(', ')} came without sketches (${sketchFileOf(missing[0] ?? 'x.json')}), so percentiles of several generators cannot be merged and gates on them are not measured; run each generator with CUSTOM_REPORTERS set to scripts/lib/sketch-reporter.ts (README "Scaling out")`,
    );
    merged = mergeWithoutSketches(ssms, sources);
  }
  if (samplers.length > 1)
    merged = serverFiguresFromGauges(merged, samplers.length, samplers.map((r) => r.file).join(', '), notes);
  return { ...merged, notes };
}

/**
 * The exactly-once figures from the server's processed count read once around all
 * generators (before the first starts, after the last ends): the generators do not
 * read it themselves, as each delta would count the others' work too.
 */
export function withProcessedCount(merged: MergedRun, processed: number): MergedRun {
  const counters = { ...merged.aggregate.counters, 'webhook.processed': processed, 'webhook.executions': processed };
  return { ...merged, aggregate: { ...merged.aggregate, counters } };
}
