// Local scale-out: N artillery processes at once against one target, each with 1/N of a
// scenario's arrivals, the same seed and the same shared-signal instant; generator 0
// samples the server. Their --output files (with sketches) are merged afterwards. They run
// side by side: each scenario's processor is built JavaScript, which Artillery loads as it is.
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Phase } from 'webhook-stress-report';
import { runArtillery } from './artillery-cli.ts';
import { scalePhases, scenarioConditions, scenarioPhases } from './scale-phases.ts';

export const SKETCH_REPORTER = path.join(import.meta.dirname, `sketch-reporter${path.extname(import.meta.filename)}`);
// The generators read no processed count: each delta would include the others' work.
const PROCESSED_COUNT_VARIABLES = ['PROCESSED_COUNT_URL', 'PROCESSED_COUNT_METRIC', 'PROCESSED_COUNT_JSON_PATH'];

/**
 * Generator `index`'s share of the phases: rates divided by N; an arrival count of at
 * least N split into N near-equal parts (the first ones take the remainder); a smaller
 * count (a test run by one virtual user: burst, idempotency) runs whole in every generator.
 */
export function generatorPhases(phases: Phase[], generators: number, index: number): Phase[] {
  return phases.map((phase) => {
    const share: Phase = { ...phase };
    if (phase.arrivalRate !== undefined) share.arrivalRate = phase.arrivalRate / generators;
    if (phase.rampTo !== undefined) share.rampTo = phase.rampTo / generators;
    if (phase.arrivalCount !== undefined && phase.arrivalCount >= generators)
      share.arrivalCount =
        Math.floor(phase.arrivalCount / generators) + (index < phase.arrivalCount % generators ? 1 : 0);
    return share;
  });
}

interface Condition {
  expression: string;
  [key: string]: unknown;
}

const SERVER_FIGURE = /\bserver\./;
// The orchestrator reads the server's processed count around all generators (PROCESSED_COUNT_VARIABLES).
const ORCHESTRATOR_FIGURE = /\bwebhook\.(executions|processed)\b/;

/**
 * The gates one generator judges itself: none the merged verdict judges on figures the generator
 * does not have (the processed count, read by the orchestrator; server figures, sampled by one
 * generator only). They are judged once, in the merged verdict, from the scenario's own conditions.
 */
export function generatorConditions(conditions: Condition[], samples: boolean): Condition[] {
  return conditions.filter(
    (c) => !ORCHESTRATOR_FIGURE.test(c.expression) && (samples || !SERVER_FIGURE.test(c.expression)),
  );
}

export interface ScaleOutRun {
  scenarioFile: string;
  generators: number;
  target: string;
  env: Record<string, string>;
  /** Folder for the generators' --output files (and their .ssms sketches). */
  outputDir: string;
  durationFactor: number;
  rateFactor: number;
  /** Replaces the scenario's ensure conditions (`npm run stress -- --server-gates optional`). */
  conditions?: object[] | undefined;
  /** The generator that samples the server (SERVER_MONITOR_GENERATOR). */
  samplerIndex: number;
  onOutput?: (index: number, chunk: string) => void;
  /** Gets each generator's process as soon as it exists, e.g. to pass on Ctrl-C. */
  onSpawn?: (child: ChildProcess) => void;
}

export interface GeneratorResult {
  index: number;
  exitCode: number | null;
  outputJson: string;
  reportsDir: string;
}

export async function runGenerators(run: ScaleOutRun): Promise<GeneratorResult[]> {
  const name = path.basename(run.scenarioFile, '.yml');
  const phases = scalePhases(scenarioPhases(run.scenarioFile), run.durationFactor, run.rateFactor);
  const releaseDir = mkdtempSync(path.join(tmpdir(), 'webhook-stress-release-'));
  const generatorEnv: Record<string, string> = {
    ...run.env,
    CUSTOM_REPORTERS: SKETCH_REPORTER,
    SHARED_SIGNAL_AT: String(Date.now()),
    // Where each generator says it is ready; all release their bursts when all are (waitForSharedRelease).
    SHARED_RELEASE_DIR: releaseDir,
    GENERATORS: String(run.generators),
  };
  for (const variable of PROCESSED_COUNT_VARIABLES) generatorEnv[variable] = '';
  const conditions = (run.conditions ?? scenarioConditions(run.scenarioFile)) as Condition[];
  try {
    return await Promise.all(
      Array.from({ length: run.generators }, async (_, index) => {
        const outputJson = path.join(run.outputDir, `${name}-g${index}.json`);
        const reportsDir = path.join(run.outputDir, `g${index}`);
        mkdirSync(reportsDir, { recursive: true });
        const exitCode = await runArtillery(run.scenarioFile, {
          target: run.target,
          outputJson,
          env: { ...generatorEnv, GENERATOR_INDEX: String(index), REPORTS_DIR: reportsDir },
          overrides: JSON.stringify({
            config: {
              phases: generatorPhases(phases, run.generators, index),
              ensure: { conditions: generatorConditions(conditions, index === run.samplerIndex) },
            },
          }),
          ...(run.onOutput ? { onOutput: (chunk: string) => run.onOutput?.(index, chunk) } : {}),
          ...(run.onSpawn ? { onSpawn: run.onSpawn } : {}),
        });
        return { index, exitCode, outputJson, reportsDir };
      }),
    );
  } finally {
    rmSync(releaseDir, { recursive: true, force: true });
  }
}
