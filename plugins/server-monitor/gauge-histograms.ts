// Server figures also as one-value histograms, `server.gauge.<figure>`, when the run may be
// merged with others (a scale-out generator, a cloud worker). Artillery's merge adds counters
// up, so a figure of one server observed by N parties would read N times too high; sketches
// merge instead, and the merged max is the largest party's figure (merge-runs reads it).
// The sketch type is the one of the Artillery that loads this plugin, so they merge.
import { createRequire } from 'node:module';

interface Sketch {
  accept(value: number): void;
}

type SketchType = new (options: { relativeAccuracy: number }) => Sketch;

export const GAUGE_PREFIX = 'server.gauge.';

let sketchType: SketchType | null | undefined;

/** The running Artillery's DDSketch (from its own install, found from its CLI script, else from this plugin); null when not found. */
function loadSketchType(): SketchType | null {
  if (sketchType !== undefined) return sketchType;
  const starts = [process.argv[1], import.meta.filename].filter((s): s is string => typeof s === 'string');
  sketchType = null;
  for (const start of starts) {
    try {
      const fromStart = createRequire(start);
      const fromArtillery = createRequire(fromStart.resolve('artillery/package.json'));
      sketchType = (fromArtillery('@artilleryio/sketches-js') as { DDSketch: SketchType }).DDSketch;
      break;
    } catch {
      // Try the next place; without Artillery's sketch type the gauges are left out.
    }
  }
  return sketchType;
}

/** Adds `server.gauge.<figure>` beside each `server.<figure>` counter: a sketch and its summary. */
export function addGaugeHistograms(
  stats: { histograms?: Record<string, unknown>; summaries?: Record<string, unknown> },
  figures: Record<string, number>,
): void {
  const DDSketch = loadSketchType();
  if (!DDSketch) return;
  stats.histograms = { ...stats.histograms };
  stats.summaries = { ...stats.summaries };
  for (const [name, value] of Object.entries(figures)) {
    if (!name.startsWith('server.') || name === 'server.sampling_parties') continue;
    const gauge = `${GAUGE_PREFIX}${name.slice('server.'.length)}`;
    // Artillery's own accuracy (lib/core/ssms): sketches of another accuracy do not merge.
    const sketch = new DDSketch({ relativeAccuracy: 0.01 });
    sketch.accept(value);
    stats.histograms[gauge] = sketch;
    const v = Math.round(value * 10) / 10;
    stats.summaries[gauge] = {
      min: v,
      max: v,
      count: 1,
      mean: v,
      p50: v,
      median: v,
      p75: v,
      p90: v,
      p95: v,
      p99: v,
      p999: v,
    };
  }
}

/** A scale-out generator (GENERATOR_INDEX) or a cloud worker (WORKER_ID, set by run-fargate and the like). */
export function mayBeMerged(env: Record<string, string | undefined>): boolean {
  return env.GENERATOR_INDEX !== undefined || env.WORKER_ID !== undefined;
}
