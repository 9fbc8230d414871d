// Validity gates: ensure conditions marked `validity: <what to do>` check the measurement
// the other gates rest on (how simultaneous a burst really was). When one fails the run
// is INVALID: its other gates are listed as not judged, and the run fails.
import { describeMeasurements } from './measured-values.ts';
import type { GateResult } from './run-format.ts';

export interface ValidityCondition {
  expression: string;
  validity?: unknown;
}

/** Expression -> what to do when it fails, for each condition marked as a validity gate. */
export function validityAdvice(conditions: ValidityCondition[] | undefined): Map<string, string> {
  const advice = new Map<string, string>();
  for (const c of conditions ?? []) {
    if (c.validity === undefined || c.validity === false) continue;
    advice.set(c.expression, typeof c.validity === 'string' ? c.validity : 'fix what it measures and run again');
  }
  return advice;
}

/** A gate some of whose figures no part of the run produced. */
export function notMeasured(gate: GateResult): boolean {
  return Object.values(gate.measured).some((value) => value === null);
}

/**
 * One line saying why the run cannot be judged; undefined when every validity gate held. Only a
 * measurement that was taken and broke makes a run INVALID: a validity gate not measured (no burst
 * was ever sent) is a failed gate of its own, shown as not measured.
 */
export function invalidReason(gates: GateResult[]): string | undefined {
  const broken = gates.filter((g) => g.validity !== undefined && !g.passed && !notMeasured(g));
  if (broken.length === 0) return undefined;
  return broken
    .map((g) => `${g.expression} does not hold [${describeMeasurements(Object.entries(g.measured))}]: ${g.validity}`)
    .join('; ');
}

/** The mark a gate gets in the console, JUnit and HTML: an invalid run judges only its validity gates. */
export type GateMark = 'pass' | 'FAIL' | 'NOT MEASURED' | 'warn' | 'INVALID' | 'not judged';

/**
 * The mark a gate gets in the console, JUnit and HTML: an invalid run judges only its validity
 * gates; a strict gate that failed because a figure is missing is NOT MEASURED, not a FAIL of the server.
 */
export function gateMark(gate: GateResult, invalid: boolean, interrupted = false): GateMark {
  if (interrupted || (invalid && gate.validity === undefined)) return 'not judged';
  if (gate.passed) return 'pass';
  if (!gate.strict) return 'warn';
  if (notMeasured(gate)) return 'NOT MEASURED';
  return gate.validity !== undefined ? 'INVALID' : 'FAIL';
}
