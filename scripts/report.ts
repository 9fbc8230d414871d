// `npm run report -- reports/burst-<time>.json [--verdict F] [--health F] [--out F.html]`
// Builds the HTML report from a saved `artillery run --output` JSON: the replacement
// for `artillery report`, which writes nothing in Artillery 2.0.34.
// `npm run report -- --compare OLD.verdict.json NEW.verdict.json [--tolerances F.json]`
// compares two runs of one scenario: one line per figure, exit 1 on a regression.
// `npm run report -- --index [DIR]` rebuilds the trend page DIR/index.html.
// `npm run report -- --merge scenarios/burst.yml out1.json out2.json [--processed N] [--health F]`
// merges N generators' --output files (or judges one already merged, e.g. run-fargate's)
// and writes one verdict, HTML and JUnit; exit 1 when a strict gate fails. With --health,
// the server figures come from that one health report (e.g. `npm run monitor` beside the run).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { applyProfileTo, type HealthReport } from 'webhook-stress-common';
import {
  type AggregateReport,
  compareFigures,
  describeComparison,
  type PeriodStats,
  renderHtmlReport,
  resolveTolerances,
  type Verdict,
  writeTrendIndex,
} from 'webhook-stress-report';
import { loadEnsure, loadSsms } from './lib/artillery-internals.ts';
import { withHealthFigures } from './lib/health-figures.ts';
import { mergeRuns, readGeneratorRun, withProcessedCount } from './lib/merge-runs.ts';
import { writeMergedVerdict } from './lib/merged-verdict.ts';
import { readJson } from './lib/read-json.ts';

function compare(files: string[], tolerancesFile: string | undefined): number {
  const [oldFile, newFile] = files;
  if (!oldFile || !newFile || files.length !== 2)
    throw new Error('give two verdict files: npm run report -- --compare old.verdict.json new.verdict.json');
  const before = readJson<Verdict>(oldFile, 'baseline verdict');
  const after = readJson<Verdict>(newFile, 'verdict');
  if (!before.figures || !after.figures)
    throw new Error(`${before.figures ? newFile : oldFile} has no figures; it was written before baselines existed`);
  if (before.scenario !== after.scenario)
    throw new Error(
      `${oldFile} is a ${before.scenario} run and ${newFile} a ${after.scenario} run; compare one scenario`,
    );
  const comparisons = compareFigures(before.figures, after.figures, resolveTolerances({}, tolerancesFile));
  for (const c of comparisons)
    console.log(
      `${c.result === 'pass' ? 'pass' : c.result === 'regression' ? 'FAIL' : 'warn'}: ${describeComparison(c)}`,
    );
  const failed = comparisons.filter((c) => c.result === 'regression' || c.result === 'not measured');
  console.log(`${after.scenario}: ${failed.length} regression(s) against ${oldFile}`);
  return failed.length ? 1 : 0;
}

async function merge(
  positionals: string[],
  options: {
    processed?: string | undefined;
    health?: string | undefined;
    target?: string | undefined;
    reportsDir: string;
  },
): Promise<number> {
  const [scenarioFile, ...files] = positionals;
  if (!scenarioFile?.match(/\.ya?ml$/) || files.length === 0)
    throw new Error(
      'give the scenario and the --output files: npm run report -- --merge scenarios/burst.yml out1.json out2.json',
    );
  const processed = options.processed === undefined ? undefined : Number(options.processed);
  if (processed !== undefined && !(Number.isInteger(processed) && processed >= 0))
    throw new Error(
      `--processed ${options.processed} is not a count; give the server's processed-count delta (a whole number)`,
    );
  const ssms = await loadSsms();
  const runs = files.map((file) => readGeneratorRun(file, ssms));
  let merged = mergeRuns(ssms, runs);
  if (processed !== undefined) merged = withProcessedCount(merged, processed);
  const health = options.health
    ? { file: options.health, report: readJson<HealthReport>(options.health, 'health report') }
    : undefined;
  if (health) {
    if (!health.report.summary) throw new Error(`${health.file} has no "summary"; give a server_health_report_*.json`);
    merged = withHealthFigures(merged, health.report, health.file);
  }
  for (const note of merged.notes) console.log(`merge: ${note}`);
  console.log(`Merged ${files.length} result file(s) of ${scenarioFile}`);
  const { verdict, verdictFile, json } = writeMergedVerdict({
    scenarioFile,
    merged,
    ensure: await loadEnsure(),
    reportsDir: options.reportsDir,
    target: options.target,
    health,
  });
  console.log(
    `Report: ${path.join(options.reportsDir, verdict.files.html)}\nMerged JSON: ${json}\nVerdict: ${verdictFile}`,
  );
  return verdict.gates.some((g) => !g.passed && g.strict) ? 1 : 0;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      verdict: { type: 'string' },
      health: { type: 'string' },
      out: { type: 'string' },
      compare: { type: 'boolean' },
      tolerances: { type: 'string' },
      index: { type: 'boolean' },
      merge: { type: 'boolean' },
      processed: { type: 'string' },
      target: { type: 'string' },
      'reports-dir': { type: 'string' },
      profile: { type: 'string' },
    },
  });
  // The profile (--profile, WEBHOOK_STRESS_PROFILE or ./webhook-stress.profile): REPORTS_DIR, BASELINE_* and
  // the merged verdict's settings read as every command reads them (flag > environment > profile).
  if (values.profile) process.env.WEBHOOK_STRESS_PROFILE = values.profile;
  applyProfileTo(process.env);
  if (values.merge)
    return merge(positionals, {
      processed: values.processed,
      health: values.health,
      target: values.target,
      reportsDir: path.resolve(values['reports-dir'] ?? process.env.REPORTS_DIR ?? 'reports'),
    });
  if (values.compare) return compare(positionals, values.tolerances);
  if (values.index) {
    const dir = path.resolve(positionals[0] ?? process.env.REPORTS_DIR ?? 'reports');
    console.log(`Index: ${writeTrendIndex(dir)}`);
    return 0;
  }
  const input = positionals[0];
  if (!input)
    throw new Error('give the JSON written by artillery run --output, e.g. npm run report -- reports/burst.json');
  const results = readJson<{ aggregate?: AggregateReport; intermediate?: PeriodStats[] }>(input, 'results file');
  if (!results.aggregate)
    throw new Error(`${input} has no "aggregate" section; give the file written by artillery run --output`);
  const verdict = values.verdict ? readJson<Verdict>(values.verdict, 'verdict file') : undefined;
  const health = values.health ? readJson<HealthReport>(values.health, 'health report') : undefined;
  const scenario = verdict?.scenario ?? path.basename(input, '.json');
  const out = values.out ?? `${input.replace(/\.json$/, '')}.html`;
  writeFileSync(
    out,
    renderHtmlReport({
      scenario,
      generatedAt: new Date().toISOString(),
      passed: verdict?.passed ?? true,
      invalid: verdict?.invalid,
      gates: verdict?.gates ?? [],
      periods: results.intermediate ?? [],
      aggregate: results.aggregate,
      settings: verdict?.settings,
      health,
    }),
  );
  console.log(`Report: ${out}`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`report: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
