// One scenario run by N local load generators and judged once: the server's processed
// count read before the first generator starts and after the last has ended, the
// generators' results merged with Artillery's code, one verdict, HTML and JUnit written.
import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileStamp, type HealthReport } from 'webhook-stress-common';
import type { AggregateReport, Verdict } from 'webhook-stress-report';
import { fetchProcessedCount } from '../../processors/lib/processed-count.ts';
import { readSettings } from '../../processors/lib/settings.ts';
import { loadEnsure, loadSsms } from './artillery-internals.ts';
import { mergeRuns, readGeneratorRun, withProcessedCount } from './merge-runs.ts';
import { writeMergedVerdict } from './merged-verdict.ts';
import { runGenerators, type ScaleOutRun } from './scale-out.ts';

export interface ScaledResult {
  exitCode: number;
  verdict: Verdict;
  aggregate: AggregateReport;
  /** The merged --output JSON. */
  json: string;
}

/** The sampling generator's health report and monitor log, copied beside the merged verdict. */
function samplerHealth(
  generatorReports: string,
  reportsDir: string,
): { file: string; report: HealthReport } | undefined {
  const files = existsSync(generatorReports) ? readdirSync(generatorReports) : [];
  const health = files.find((f) => f.startsWith('server_health_report_') && f.endsWith('.json'));
  if (!health) return undefined;
  const log = health.replace(/^server_health_report_(.*)\.json$/, 'monitor_$1.log');
  if (files.includes(log)) copyFileSync(path.join(generatorReports, log), path.join(reportsDir, log));
  const file = path.join(reportsDir, health);
  copyFileSync(path.join(generatorReports, health), file);
  return { file, report: JSON.parse(readFileSync(file, 'utf8')) as HealthReport };
}

export async function runScaledScenario(
  run: Omit<ScaleOutRun, 'outputDir'> & { reportsDir: string; samplerIndex: number },
): Promise<ScaledResult> {
  const startedAt = new Date();
  const scenario = path.basename(run.scenarioFile, '.yml');
  const outputDir = path.join(run.reportsDir, 'generators', `${scenario}-${fileStamp(startedAt)}`);
  const settings = readSettings({ ...process.env, ...run.env });
  // Read for the scenarios whose flow reads it in a single run (the countProcessed step).
  const readsCount = readFileSync(run.scenarioFile, 'utf8').includes('function: countProcessed');
  const source = readsCount ? settings.processedCount : undefined;
  const before = source ? await fetchProcessedCount(source, settings.requestTimeoutMs) : undefined;
  const results = await runGenerators({ ...run, outputDir });
  let processed: number | undefined;
  if (source && before !== undefined) {
    // Background work finishes after the last answer (PROCESSED_SETTLE_MS), as in countProcessed.
    await sleep(settings.processedSettleMs);
    processed = (await fetchProcessedCount(source, settings.requestTimeoutMs)) - before;
  }
  for (const r of results) console.log(`generator ${r.index}: exit ${r.exitCode}, ${r.outputJson}`);
  const missing = results.filter((r) => !existsSync(r.outputJson));
  if (missing.length > 0)
    throw new Error(`generator ${missing.map((r) => r.index).join(', ')} wrote no results; see its output above`);
  const ssms = await loadSsms();
  let merged = mergeRuns(
    ssms,
    results.map((r) => readGeneratorRun(r.outputJson, ssms)),
  );
  if (processed !== undefined) merged = withProcessedCount(merged, processed);
  for (const note of merged.notes) console.log(`merge: ${note}`);
  const sampler = results.find((r) => r.index === run.samplerIndex);
  const { verdict, json } = writeMergedVerdict({
    scenarioFile: run.scenarioFile,
    merged,
    ensure: await loadEnsure(),
    reportsDir: run.reportsDir,
    target: run.target,
    conditions: run.conditions,
    health: sampler && samplerHealth(sampler.reportsDir, run.reportsDir),
    startedAt,
  });
  const failed = verdict.gates.some((g) => !g.passed && g.strict);
  return { exitCode: failed ? 1 : 0, verdict, aggregate: merged.aggregate as AggregateReport, json };
}
