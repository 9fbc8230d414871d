// ensure's checks as the verdict's gate rows, and the lines that print them: one place for
// the verdict plugin (one run) and the merged report (N generators' runs).

import type { EnsureCheck } from 'webhook-stress-common';
import { describeMeasurements, measuredValues } from './measured-values.ts';
import type { GateResult } from './run-format.ts';
import { gateMark, invalidReason } from './validity.ts';

export type { EnsureCheck };

/** A check as a gate row: passed by ensure's own rule (a result of 1), with the values it was judged on. */
export function gateOfCheck(
  check: EnsureCheck,
  values: ReadonlyMap<string, number>,
  advice: ReadonlyMap<string, string>,
): GateResult {
  const validity = advice.get(check.original);
  return {
    expression: check.original,
    passed: check.result === 1,
    strict: check.strict,
    measured: Object.fromEntries(measuredValues(check.original, values).map(([name, value]) => [name, value ?? null])),
    ...(validity === undefined ? {} : { validity }),
  };
}

/**
 * The run's judgement from its gates: INVALID when a validity gate broke (its gates not judged),
 * passed when no strict gate failed. An interrupted run is neither judged nor passed.
 */
export function judgeGates(gates: GateResult[], interrupted = false): { passed: boolean; invalid: string | undefined } {
  const invalid = interrupted ? undefined : invalidReason(gates);
  return { invalid, passed: !interrupted && invalid === undefined && strictFailures(gates) === 0 };
}

function strictFailures(gates: GateResult[]): number {
  return gates.filter((g) => !g.passed && g.strict).length;
}

/** The console's account of the gates: a count (or why the run was not judged), then one line a gate. */
export function gateLines(gates: GateResult[], invalid: string | undefined, interrupted = false): string[] {
  const failed = strictFailures(gates);
  const head = interrupted
    ? '\nRun interrupted: gates not judged'
    : invalid
      ? `\nINVALID run, gates not judged: ${invalid}`
      : `\nGates: ${gates.length - failed} passed, ${failed} failed`;
  return [
    head,
    ...gates.map(
      (g) =>
        `  ${gateMark(g, invalid !== undefined, interrupted)}: ${g.expression}  [${describeMeasurements(Object.entries(g.measured))}]`,
    ),
  ];
}
