// `npm run --silent ci-summary [-- DIR]`: the newest verdict of each scenario in DIR (default
// REPORTS_DIR or reports/) as Markdown on stdout, for a CI job summary:
// `npm run --silent ci-summary >> "$GITHUB_STEP_SUMMARY"`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Verdict } from 'webhook-stress-report';
import { markdownSummary } from './lib/markdown-summary.ts';
import { loadRegistry } from './lib/registry.ts';

function newestPerScenario(dir: string, suite: string[]): Verdict[] {
  const newest = new Map<string, Verdict>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.verdict.json'))) {
    const verdict = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Verdict;
    const kept = newest.get(verdict.scenario);
    if (!kept || verdict.finishedAt > kept.finishedAt) newest.set(verdict.scenario, verdict);
  }
  // Suite order first, then any other scenario by name.
  const rank = (name: string) => {
    const i = suite.indexOf(name);
    return i === -1 ? suite.length : i;
  };
  return [...newest.values()].sort(
    (a, b) => rank(a.scenario) - rank(b.scenario) || a.scenario.localeCompare(b.scenario),
  );
}

const dir = path.resolve(process.argv[2] ?? process.env.REPORTS_DIR ?? 'reports');
if (!existsSync(dir)) {
  console.error(`ci-summary: no reports folder ${dir}; give the folder npm run stress wrote (--reports-dir)`);
  process.exit(2);
}
const suite = (await loadRegistry()).map((s) => s.name);
process.stdout.write(markdownSummary(newestPerScenario(dir, suite)));
