// `npm run report -- reports/burst-<time>.json [--verdict F] [--health F] [--out F.html]`
// Builds the HTML report from a saved `artillery run --output` JSON: the replacement
// for `artillery report`, which writes nothing in Artillery 2.0.34.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { HealthReport } from '../plugins/server-monitor/health-report.ts';
import { renderHtmlReport } from '../plugins/verdict/html-report.ts';
import type { AggregateReport } from '../plugins/verdict/measured-values.ts';
import type { PeriodStats } from '../plugins/verdict/run-data.ts';
import type { Verdict } from '../plugins/verdict/verdict-file.ts';

function readJson<T>(file: string, what: string): T {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`cannot read ${what} ${file}; check the path`);
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`${file} is not JSON; give the file written by artillery run --output`);
  }
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { verdict: { type: 'string' }, health: { type: 'string' }, out: { type: 'string' } },
  });
  const input = positionals[0];
  if (!input)
    throw new Error('give the JSON written by artillery run --output, e.g. npm run report -- reports/burst.json');
  const results = readJson<{ aggregate?: AggregateReport; intermediate?: PeriodStats[] }>(input, 'results file');
  if (!results.aggregate)
    throw new Error(`${input} has no "aggregate" section; give the file written by artillery run --output`);
  const verdict = values.verdict ? readJson<Verdict>(values.verdict, 'verdict file') : undefined;
  const health = values.health ? readJson<HealthReport>(values.health, 'health report') : undefined;
  const scenario = verdict?.scenario ?? path.basename(input, '.json');
  const out = values.out ?? input.replace(/\.json$/, '') + '.html';
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
}

try {
  main();
} catch (err) {
  console.error(`report: ${(err as Error).message}`);
  process.exit(2);
}
