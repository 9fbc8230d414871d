// An Artillery reporter (CUSTOM_REPORTERS=<absolute path of this file>) that keeps what
// `artillery run --output` throws away: the histograms as DDSketches, serialized with
// Artillery's own SSMS.serializeMetrics, in `<output>.ssms` beside the JSON. With them,
// `npm run report -- --merge` merges N generators' percentiles exactly, as run-fargate's
// orchestrator does; the --output JSON alone carries only each generator's summaries.
import { writeFileSync } from 'node:fs';
import { loadSsms, type SketchPeriod } from './artillery-internals.ts';

interface LauncherEvents {
  on(event: 'stats' | 'done', listener: (stats: SketchPeriod) => void): void;
}

export interface SketchFile {
  aggregate: string;
  intermediate: string[];
}

export const sketchFileOf = (outputJson: string) => `${outputJson}.ssms`;

const ssms = await loadSsms();

export default function createSketchReporter(events: LauncherEvents, flags: { output?: string }): object {
  const output = flags.output;
  if (!output?.endsWith('.json')) {
    console.log('sketch reporter: no --output FILE.json given; no .ssms file written');
    return {};
  }
  const intermediate: string[] = [];
  // Serialized when they arrive: Artillery replaces the sketches by summaries before writing its JSON.
  events.on('stats', (stats) => intermediate.push(ssms.serializeMetrics(stats)));
  events.on('done', (stats) => {
    const file: SketchFile = { aggregate: ssms.serializeMetrics(stats), intermediate };
    writeFileSync(sketchFileOf(output), JSON.stringify(file));
  });
  return {};
}
