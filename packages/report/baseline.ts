// Baseline comparison: each key figure of this run against the same scenario's run kept
// in a baseline folder, within a tolerance. A regression beyond it is one more gate row,
// so the console, JUnit, the HTML and the exit code all follow from one list of gates.
//
// Tolerances, in config.plugins.verdict.baseline or a JSON file (BASELINE_TOLERANCES):
//   '+20%'      may grow by 20 % of the baseline       '-2'        may drop by 2 (same unit)
//   '+20% +5'   may grow by the larger of the two       '±10%'      may move 10 % either way
//   'off'       not compared
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { FIGURE_LABELS, FIGURES, type FigureName, type KeyFigures } from './key-figures.ts';
import type { Comparison, GateResult, Verdict } from './run-format.ts';

export type Tolerances = Partial<Record<FigureName, string>>;

/** Generous by default: a loopback run's latency varies by tens of percent from run to run. */
export const DEFAULT_TOLERANCES: Tolerances = {
  'http.response_time.p50': '+50% +5',
  'http.response_time.p95': '+50% +10',
  'http.response_time.p99': '+50% +20',
  as_expected_pct: '-2',
  rate_limited_pct: '±10',
  'server.memory_growth_mb': '+50% +5',
  // A slope fitted over a run of seconds is noise: compared only where a scenario asks (memory-leak.yml).
  'server.leak_slope_mb_per_min': 'off',
};

export class BaselineError extends Error {}

interface Bound {
  up: boolean;
  down: boolean;
  pct: number;
  abs: number;
}

export function parseTolerance(figure: string, text: string): Bound {
  const tokens = String(text).trim().split(/\s+/);
  const bound: Bound = { up: false, down: false, pct: 0, abs: 0 };
  for (const token of tokens) {
    const m = /^([+\-±])(\d+(?:\.\d+)?)(%?)$/.exec(token);
    if (!m) {
      throw new BaselineError(
        `baseline tolerance for ${figure} is "${text}": write e.g. "+20%", "-2", "+20% +5" or "±10%"`,
      );
    }
    const [, sign, number, pct] = m;
    if (sign !== '-') bound.up = true;
    if (sign !== '+') bound.down = true;
    if (pct) bound.pct = Number(number);
    else bound.abs = Number(number);
  }
  return bound;
}

const round = (x: number) => Math.round(x * 100) / 100;

export function compareFigures(baseline: KeyFigures, current: KeyFigures, tolerances: Tolerances): Comparison[] {
  const compared = FIGURES.filter(
    (f) => tolerances[f] !== undefined && tolerances[f] !== 'off' && (baseline[f] != null || current[f] != null),
  );
  return compared.map((figure) => {
    const tolerance = tolerances[figure] as string;
    const bound = parseTolerance(figure, tolerance);
    const base = baseline[figure] ?? null;
    const now = current[figure] ?? null;
    const row = { figure, label: FIGURE_LABELS[figure], baseline: base, current: now, tolerance };
    if (base === null) return { ...row, limit: {}, result: 'not in baseline' as const };
    // Memory that shrank (a negative growth or slope) is no growth: the tolerance starts from 0.
    const from = figure.startsWith('server.') ? Math.max(base, 0) : base;
    const slack = Math.max((Math.abs(from) * bound.pct) / 100, bound.abs);
    // Shares stay within 0..100 %: a bound outside it would read as nonsense.
    const share = figure.endsWith('_pct');
    const limit = {
      ...(bound.up && !(share && from + slack >= 100) ? { high: round(from + slack) } : {}),
      ...(bound.down && !(share && from - slack <= 0) ? { low: round(from - slack) } : {}),
    };
    if (now === null) return { ...row, limit, result: 'not measured' as const };
    const beyond = (limit.high !== undefined && now > limit.high) || (limit.low !== undefined && now < limit.low);
    return { ...row, limit, result: beyond ? ('regression' as const) : ('pass' as const) };
  });
}

/** One line: the figure, both values and the tolerance. */
export function describeComparison(c: Comparison): string {
  const limits = [
    c.limit.high === undefined ? '' : `at most ${c.limit.high}`,
    c.limit.low === undefined ? '' : `at least ${c.limit.low}`,
  ]
    .filter(Boolean)
    .join(' and ');
  return `baseline: ${c.figure} ${c.current ?? 'not measured'} vs baseline ${c.baseline ?? 'not measured'} (tolerance ${c.tolerance}${limits ? `: ${limits}` : ''})`;
}

/** The comparisons as gate rows: a regression or an unmeasured figure fails; a figure the baseline lacks warns. */
export function baselineGates(comparisons: Comparison[]): GateResult[] {
  return comparisons.map((c) => ({
    expression: describeComparison(c),
    passed: c.result === 'pass',
    strict: c.result !== 'not in baseline',
    measured: { [c.figure]: c.current, [`baseline ${c.figure}`]: c.baseline },
    baseline: true,
  }));
}

/** The newest passing verdict of the scenario in the folder (a regression never becomes the baseline); a file is taken as is. */
export function findBaseline(where: string, scenario: string): { file: string; verdict: Verdict } {
  const read = (file: string) => {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as Verdict;
    } catch {
      throw new BaselineError(`cannot read baseline ${file}; give a folder of reports or a *.verdict.json`);
    }
  };
  if (where.endsWith('.json')) return { file: where, verdict: read(where) };
  let files: string[];
  try {
    files = readdirSync(where).filter((f) => f.startsWith(`${scenario}-`) && f.endsWith('.verdict.json'));
  } catch {
    throw new BaselineError(`baseline folder ${where} cannot be read; give the reports folder of an earlier run`);
  }
  const runs = files
    .map((f) => ({ file: path.join(where, f), verdict: read(path.join(where, f)) }))
    .filter((r) => r.verdict.scenario === scenario && r.verdict.passed && r.verdict.figures)
    .sort((a, b) => a.verdict.finishedAt.localeCompare(b.verdict.finishedAt));
  const newest = runs.at(-1);
  if (!newest) throw new BaselineError(`no passing ${scenario} run in baseline folder ${where}; run it there first`);
  return newest;
}

/** Tolerances: the defaults, overridden by the scenario's, overridden by the file's. */
export function resolveTolerances(fromScenario: unknown, file: string | undefined): Tolerances {
  let fromFile: unknown = {};
  if (file) {
    try {
      fromFile = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      throw new BaselineError(
        `BASELINE_TOLERANCES=${file} is not a readable JSON file; give {"http.response_time.p95": "+20%"}`,
      );
    }
  }
  const merged = { ...DEFAULT_TOLERANCES, ...(fromScenario as object), ...(fromFile as object) } as Record<
    string,
    string
  >;
  for (const name of Object.keys(merged)) {
    if (!(FIGURES as readonly string[]).includes(name))
      throw new BaselineError(`baseline tolerance for unknown figure "${name}"; use one of ${FIGURES.join(', ')}`);
  }
  return merged as Tolerances;
}
