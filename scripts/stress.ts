// `npm run stress [-- --target URL] [--only hft,burst]`: the whole suite.
// With no target it starts the reference target on a free loopback port and stops it after.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import type { Verdict } from '../plugins/verdict/verdict-file.ts';
import { ROOT, type RunningTarget, startTarget } from '../target/launch.ts';
import { runArtillery } from './lib/artillery-cli.ts';
import { type ScenarioName, selectScenarios } from './lib/suite-order.ts';

// Lets every per-webhook rate window of the previous scenario expire.
const COOL_DOWN_MS = 2000;

interface Outcome {
  scenario: ScenarioName;
  code: number | null;
  verdict: Verdict | undefined;
}

function latestVerdict(dir: string, scenario: string, since: number): Verdict | undefined {
  const files = readdirSync(dir)
    .filter((f) => f.startsWith(`${scenario}-`) && f.endsWith('.verdict.json'))
    .map((f) => path.join(dir, f))
    .sort();
  const last = files.at(-1);
  if (!last) return undefined;
  const verdict = JSON.parse(readFileSync(last, 'utf8')) as Verdict;
  return Date.parse(verdict.finishedAt) >= since ? verdict : undefined;
}

function printSummary(outcomes: Outcome[]): void {
  console.log('\nSuite summary');
  for (const { scenario, code, verdict } of outcomes) {
    const failed = verdict?.gates.filter((g) => !g.passed && g.strict) ?? [];
    const status = code === 0 ? 'PASS' : 'FAIL';
    const detail = failed.length > 0 ? ` - failed: ${failed.map((g) => g.expression).join('; ')}` : '';
    const missing = verdict ? '' : ' - no verdict (the run ended before its gates were judged)';
    console.log(`  ${status}  ${scenario.padEnd(12)} exit ${code}${detail}${missing}`);
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { target: { type: 'string' }, only: { type: 'string' }, 'reports-dir': { type: 'string' } },
  });
  const scenarios = selectScenarios(values.only);
  const reportsDir = path.resolve(values['reports-dir'] ?? process.env.REPORTS_DIR ?? path.join(ROOT, 'reports'));
  mkdirSync(reportsDir, { recursive: true });

  let target: RunningTarget | undefined;
  let url = values.target ?? process.env.BASE_URL;
  if (!url) {
    target = await startTarget();
    url = target.url;
    console.log(`Started the reference target at ${url} (pid ${target.pid})`);
  }
  const stopTarget = () => target?.stop();
  process.once('SIGINT', () => void stopTarget()?.then(() => process.exit(130)));
  process.once('SIGTERM', () => void stopTarget()?.then(() => process.exit(143)));

  const outcomes: Outcome[] = [];
  try {
    for (const [i, scenario] of scenarios.entries()) {
      if (i > 0) await sleep(COOL_DOWN_MS);
      console.log(`\n=== ${i + 1}/${scenarios.length} ${scenario} against ${url}`);
      const started = Date.now();
      const stamp = new Date(started).toISOString().slice(0, 19).replace(/:/g, '-');
      const code = await runArtillery(path.join('scenarios', `${scenario}.yml`), {
        target: url,
        outputJson: path.join(reportsDir, `${scenario}-${stamp}.json`),
        env: { REPORTS_DIR: reportsDir },
      });
      outcomes.push({ scenario, code, verdict: latestVerdict(reportsDir, scenario, started) });
    }
  } finally {
    await stopTarget();
  }
  printSummary(outcomes);
  console.log(`Reports: ${reportsDir}`);
  return outcomes.every((o) => o.code === 0) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`stress: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
