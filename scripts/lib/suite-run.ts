// One scenario of the suite, from one artillery process or from N at once whose results are
// merged (scripts/lib/scaled-scenario.ts), reduced to what the summary shows.
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { fileStamp } from 'webhook-stress-common';
import type { AggregateReport, Verdict } from 'webhook-stress-report';
import { runArtillery } from './artillery-cli.ts';
import { optionalServerConditions } from './optional-server-gates.ts';
import type { RegisteredScenario } from './registry.ts';
import { scaledScenarioPhases } from './scale-phases.ts';
import { runScaledScenario } from './scaled-scenario.ts';
import type { StressOptions } from './stress-options.ts';
import type { ScenarioResult } from './suite-summary.ts';

export interface SuiteRunContext {
  options: StressOptions;
  url: string;
  env: Record<string, string>;
  suiteStarted: Date;
  /** Every artillery process as soon as it exists, to pass on Ctrl-C; and when it ends. */
  onChild: (child: ChildProcess) => void;
  say: (line: string) => void;
  interrupted: () => boolean;
}

function newestVerdict(dir: string, scenario: string, since: number): Verdict | undefined {
  const files = readdirSync(dir).filter((f) => f.startsWith(`${scenario}-`) && f.endsWith('.verdict.json'));
  const verdicts = files.map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as Verdict);
  return verdicts
    .filter((v) => Date.parse(v.finishedAt) >= since)
    .sort((a, b) => a.finishedAt.localeCompare(b.finishedAt))
    .at(-1);
}

function readAggregate(file: string): AggregateReport {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { aggregate: AggregateReport }).aggregate;
  } catch {
    return {};
  }
}

/** Artillery --overrides for one scenario: scaled phases and, when asked, optional server gates. */
function scenarioOverrides(entry: RegisteredScenario, options: StressOptions): string | undefined {
  const phases = scaledScenarioPhases(entry.file, options.durationFactor, options.rateFactor);
  const conditions = options.serverGatesOptional ? optionalServerConditions(entry.file) : undefined;
  if (!phases && !conditions) return undefined;
  return JSON.stringify({
    config: { ...(phases ? { phases } : {}), ...(conditions ? { ensure: { conditions } } : {}) },
  });
}

function resultOf(
  entry: RegisteredScenario,
  exitCode: number | null,
  verdict: Verdict | undefined,
  aggregate: AggregateReport,
): ScenarioResult {
  return {
    scenario: entry.name,
    exitCode,
    verdict,
    counters: aggregate.counters ?? {},
    responseTime: aggregate.summaries?.['http.response_time'],
  };
}

async function runSingle(entry: RegisteredScenario, ctx: SuiteRunContext): Promise<ScenarioResult> {
  const { reportsDir } = ctx.options;
  const started = Date.now();
  const outputJson = path.join(reportsDir, `${entry.name}-${fileStamp(ctx.suiteStarted)}.json`);
  const exitCode = await runArtillery(entry.file, {
    target: ctx.url,
    outputJson,
    env: ctx.env,
    overrides: scenarioOverrides(entry, ctx.options),
    onSpawn: ctx.onChild,
  });
  const verdict = newestVerdict(reportsDir, entry.name, started);
  const aggregate = readAggregate(outputJson);
  // One stamp per run: the --output JSON takes the name of the run's other files.
  if (verdict && existsSync(outputJson))
    renameSync(outputJson, path.join(reportsDir, verdict.files.html.replace(/\.html$/, '.json')));
  ctx.say(`=== ${entry.name}: exit ${exitCode} after ${Math.round((Date.now() - started) / 1000)} s`);
  return resultOf(entry, exitCode, verdict, aggregate);
}

async function runScaled(entry: RegisteredScenario, ctx: SuiteRunContext): Promise<ScenarioResult | undefined> {
  const { generators, samplerIndex } = ctx.options;
  ctx.say(
    `${generators} generators at once, each with 1/${generators} of the arrivals; generator ${samplerIndex} samples the server`,
  );
  const scaled = await runScaledScenario({
    scenarioFile: entry.file,
    generators,
    target: ctx.url,
    env: ctx.env,
    durationFactor: ctx.options.durationFactor,
    rateFactor: ctx.options.rateFactor,
    reportsDir: ctx.options.reportsDir,
    samplerIndex,
    conditions: ctx.options.serverGatesOptional ? optionalServerConditions(entry.file) : undefined,
    onSpawn: ctx.onChild,
    onOutput: (index, chunk) => {
      for (const line of chunk.split('\n')) if (line.trim()) ctx.say(`[g${index}] ${line}`);
    },
  }).catch((err: unknown) => {
    // Interrupted generators may leave no results: the summary then shows what completed.
    if (ctx.interrupted()) return undefined;
    throw err;
  });
  if (!scaled) return undefined;
  ctx.say(`=== ${entry.name}: merged verdict of ${generators} generators, exit ${scaled.exitCode}`);
  return resultOf(entry, scaled.exitCode, scaled.verdict, scaled.aggregate);
}

/** Runs one scenario; undefined when an interrupted scale-out left nothing to summarise. */
export function runSuiteScenario(entry: RegisteredScenario, ctx: SuiteRunContext): Promise<ScenarioResult | undefined> {
  return ctx.options.generators > 1 ? runScaled(entry, ctx) : runSingle(entry, ctx);
}
