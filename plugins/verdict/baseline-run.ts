// Wires the report library's baseline comparison to a run: which baseline (BASELINE_DIR, a folder or a *.verdict.json),
// which tolerances (defaults < config.plugins.verdict.baseline < BASELINE_TOLERANCES file),
// and the gate rows at the end. A baseline that cannot be found is a failing row, not a crash.
import {
  type AggregateReport,
  BaselineError,
  baselineGates,
  type Comparison,
  compareFigures,
  findBaseline,
  type GateResult,
  keyFigures,
  resolveTolerances,
  type Tolerances,
  type Verdict,
} from 'webhook-stress-report';

export type BaselineSetup =
  | { file: string; verdict: Verdict; tolerances: Tolerances; error?: undefined }
  | { error: string };

export function setUpBaseline(
  env: Record<string, string | undefined>,
  scenario: string,
  fromScenario: unknown,
  log: (line: string) => void,
): BaselineSetup | undefined {
  const where = env.BASELINE_DIR;
  if (!where) return undefined;
  try {
    const tolerances = resolveTolerances(fromScenario, env.BASELINE_TOLERANCES || undefined);
    const found = findBaseline(where, scenario);
    log(`Baseline: comparing with ${found.file}`);
    return { ...found, tolerances };
  } catch (err) {
    if (!(err instanceof BaselineError)) throw err;
    log(`Baseline: ${err.message}`);
    return { error: err.message };
  }
}

export function compareWithBaseline(
  setup: BaselineSetup,
  aggregate: AggregateReport,
): { gates: GateResult[]; summary: { file: string; comparisons: Comparison[] } | undefined } {
  if (setup.error !== undefined) {
    return {
      gates: [{ expression: `baseline: ${setup.error}`, passed: false, strict: true, measured: {}, baseline: true }],
      summary: undefined,
    };
  }
  const comparisons = compareFigures(setup.verdict.figures ?? {}, keyFigures(aggregate), setup.tolerances);
  return { gates: baselineGates(comparisons), summary: { file: setup.file, comparisons } };
}
