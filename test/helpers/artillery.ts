// Runs the real artillery CLI on a pack scenario and collects what a user or CI sees:
// the exit code, the console, the --output JSON and the verdict file.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Verdict } from 'webhook-stress-report';
import { runArtillery } from '../../scripts/lib/artillery-cli.ts';
import { rerunWhileInvalid } from './rerun-invalid.ts';

export interface ArtilleryRun {
  code: number | null;
  output: string;
  reportsDir: string;
  verdict: Verdict | undefined;
  counters: Record<string, number>;
}

// Each run's reports folder is read by its test, then removed when the test file's process ends.
const reportDirs: string[] = [];
process.once('exit', () => {
  for (const dir of reportDirs) rmSync(dir, { recursive: true, force: true });
});

export async function runScenario(
  scenario: string,
  target: string | undefined,
  env: Record<string, string> = {},
  options: { overrides?: string } = {},
): Promise<ArtilleryRun> {
  const reportsDir = mkdtempSync(path.join(tmpdir(), `pack-${scenario}-`));
  reportDirs.push(reportsDir);
  const jsonPath = path.join(reportsDir, 'artillery.json');
  let output = '';
  const code = await runArtillery(`scenarios/${scenario}.yml`, {
    target,
    outputJson: jsonPath,
    ...options,
    env: { REPORTS_DIR: reportsDir, ...env },
    onOutput: (chunk) => {
      output += chunk;
    },
  });
  const files = readdirSync(reportsDir);
  const verdictFile = files.find((f) => f.endsWith('.verdict.json'));
  const verdict = verdictFile
    ? (JSON.parse(readFileSync(path.join(reportsDir, verdictFile), 'utf8')) as Verdict)
    : undefined;
  const counters = files.includes('artillery.json')
    ? (JSON.parse(readFileSync(jsonPath, 'utf8')) as { aggregate: { counters: Record<string, number> } }).aggregate
        .counters
    : {};
  return { code, output, reportsDir, verdict, counters };
}

/**
 * runScenario, run again (at most four times) while the run is INVALID: a burst smeared by other load
 * on the machine is not a verdict, and a test asserts verdicts.
 */
export async function runJudgedScenario(
  scenario: string,
  target: string | undefined,
  env: Record<string, string> = {},
  options: { overrides?: string } = {},
): Promise<ArtilleryRun> {
  return rerunWhileInvalid(
    scenario,
    () => runScenario(scenario, target, env, options),
    (run) => run.verdict?.invalid,
  );
}

/** Expressions of the gates that failed, for exact assertions; a run that wrote no verdict fails the test. */
export function failedGates(run: ArtilleryRun): string[] {
  if (!run.verdict) throw new Error(`the run wrote no verdict (exit ${run.code}):\n${run.output}`);
  if (run.verdict.gates.length === 0) throw new Error('the verdict lists no gates');
  return run.verdict.gates.filter((g) => !g.passed).map((g) => g.expression);
}
