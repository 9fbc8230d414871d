// The verdict of a merged run: the scenario's `config.ensure` judged by Artillery's own
// ensure code (statsToVars, runChecks) on the merged figures, then the verdict JSON, HTML
// and JUnit written by the report library, as the verdict plugin writes them for one run.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { HealthReport } from 'webhook-stress-common';
import {
  type AggregateReport,
  type EnsureCheck,
  type EnsureConfig,
  flattenReport,
  type GateResult,
  gateLines,
  gateOfCheck,
  judgeGates,
  type PeriodStats,
  type Phase,
  publicSettings,
  type Verdict,
  validityAdvice,
  writeRunOutputs,
} from 'webhook-stress-report';
import { parse } from 'yaml';
import type { EnsurePlugin } from './artillery-internals.ts';
import type { ArtilleryOutput } from './merge-runs.ts';

export interface ScenarioConfig {
  target?: string;
  phases?: Phase[];
  variables?: Record<string, unknown>;
  ensure?: EnsureConfig;
  plugins?: { ensure?: EnsureConfig };
}

type EnsureConditions = NonNullable<EnsureConfig['conditions']>;

export function readScenarioConfig(file: string): ScenarioConfig {
  let script: { config?: ScenarioConfig };
  try {
    script = parse(readFileSync(file, 'utf8')) as { config?: ScenarioConfig };
  } catch {
    throw new Error(`cannot read the scenario ${file}; give the .yml the generators ran, e.g. scenarios/burst.yml`);
  }
  if (!script?.config) throw new Error(`${file} has no config section; give the scenario .yml the generators ran`);
  return script.config;
}

/** ensure's checks on `aggregate`, exactly as its beforeExit hook computes them. */
export function runEnsure(ensure: EnsurePlugin, config: ScenarioConfig, aggregate: AggregateReport): EnsureCheck[] {
  const checks = config.ensure ?? config.plugins?.ensure;
  if (!checks) return [];
  const global = globalThis as unknown as { artillery?: { log(line: unknown): void } };
  // runChecks logs through Artillery's global; the verdict below prints each gate instead.
  global.artillery ??= { log: () => {} };
  // ensure reads counters and rates as objects, as every --output file has them.
  const report = { ...aggregate, counters: aggregate.counters ?? {}, rates: aggregate.rates ?? {} };
  return ensure.runChecks(checks, ensure.statsToVars({ report }));
}

export interface MergedVerdictInput {
  scenarioFile: string;
  merged: ArtilleryOutput;
  ensure: EnsurePlugin;
  reportsDir: string;
  /** Replaces the scenario's ensure conditions (`npm run stress -- --server-gates optional`). */
  conditions?: object[] | undefined;
  /** The URL the generators sent to (the report shows its origin). */
  target?: string | undefined;
  health?: { file: string; report: HealthReport } | undefined;
  /** The run's start: stamps its files. */
  startedAt?: Date;
  log?: (line: string) => void;
}

export function writeMergedVerdict(input: MergedVerdictInput): { verdict: Verdict; verdictFile: string; json: string } {
  const { merged, reportsDir } = input;
  const log = input.log ?? console.log;
  const scenarioConfig = readScenarioConfig(input.scenarioFile);
  const config: ScenarioConfig = {
    ...scenarioConfig,
    ...(input.target ? { target: input.target } : {}),
    ...(input.conditions
      ? { ensure: { ...scenarioConfig.ensure, conditions: input.conditions as EnsureConditions } }
      : {}),
  };
  const scenario = path.basename(input.scenarioFile, path.extname(input.scenarioFile));
  const aggregate = merged.aggregate as AggregateReport;
  const values = flattenReport(aggregate);
  const advice = validityAdvice(config.ensure?.conditions);
  const gates: GateResult[] = runEnsure(input.ensure, config, aggregate).map((check) =>
    gateOfCheck(check, values, advice),
  );
  const { passed, invalid } = judgeGates(gates);
  for (const line of gateLines(gates, invalid)) log(line);
  const outputs = writeRunOutputs(
    reportsDir,
    {
      scenario,
      generatedAt: new Date().toISOString(),
      passed,
      invalid,
      gates,
      periods: merged.intermediate as PeriodStats[],
      aggregate,
      settings: publicSettings(config, process.env),
      health: input.health?.report,
    },
    input.health?.file,
    input.startedAt,
  );
  // The merged --output JSON beside the verdict, named like the run's other files.
  const json = path.join(reportsDir, outputs.verdict.files.html.replace(/\.html$/, '.json'));
  writeFileSync(
    json,
    `${JSON.stringify({ aggregate: merged.aggregate, intermediate: merged.intermediate }, null, 2)}\n`,
  );
  return { ...outputs, json };
}
