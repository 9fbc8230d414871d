// JUnit XML of the gates, one test case per gate per scenario, so CI systems list them.
import { escapeMarkup } from './escape.ts';
import type { GateResult } from './run-format.ts';
import { gateMark } from './validity.ts';

export interface GateSuite {
  scenario: string;
  gates: GateResult[];
  /** Set when the scenario ended without a verdict (crashed run, configuration error). */
  error?: string;
  /** Set when a validity gate failed: the other gates are skipped, not failed. */
  invalid?: string | undefined;
}

function measured(gate: GateResult): string {
  return Object.entries(gate.measured)
    .map(([name, value]) => `${name} = ${value ?? 'not measured'}`)
    .join(', ');
}

/**
 * A gate's test name, stable when its threshold changes (a CI's history follows the gate, not
 * the number): its expression with every number as N, a warning marked so; the full expression
 * with its numbers is in the message of a failure.
 */
export function gateId(gate: Pick<GateResult, 'expression' | 'strict'>): string {
  const id = gate.expression.replace(/(?<![\w.])\d+(?:\.\d+)?(?![\w.])/g, 'N');
  return gate.strict ? id : `${id} (warning)`;
}

export function renderJunit(suites: GateSuite[]): string {
  const body = suites.map((suite) => {
    const invalid = suite.invalid !== undefined;
    const failures = invalid ? 0 : suite.gates.filter((g) => !g.passed && g.strict).length;
    const cases = suite.gates.map((g) => {
      const open = `    <testcase classname="webhook-stress.${escapeMarkup(suite.scenario)}" name="${escapeMarkup(gateId(g))}">`;
      const mark = gateMark(g, invalid);
      if (mark === 'INVALID') {
        return `${open}\n      <error message="${escapeMarkup(`run invalid: ${g.expression} (${measured(g)}): ${g.validity}`)}"/>\n    </testcase>`;
      }
      if (mark === 'not judged') {
        return `${open}\n      <skipped message="not judged: the run is invalid"/>\n    </testcase>`;
      }
      if (!g.passed && g.strict) {
        const what = mark === 'NOT MEASURED' ? 'gate not measured' : 'gate failed';
        return `${open}\n      <failure message="${escapeMarkup(`${what}: ${g.expression} (${measured(g)})`)}"/>\n    </testcase>`;
      }
      const note = g.passed
        ? ''
        : `\n      <system-out>${escapeMarkup(`warning: ${g.expression} (${measured(g)})`)}</system-out>`;
      return `${open}${note}\n    </testcase>`;
    });
    if (suite.error) {
      cases.push(
        `    <testcase classname="webhook-stress.${escapeMarkup(suite.scenario)}" name="run completed">\n      <error message="${escapeMarkup(suite.error)}"/>\n    </testcase>`,
      );
    }
    const errors = (suite.error ? 1 : 0) + suite.gates.filter((g) => gateMark(g, invalid) === 'INVALID').length;
    return `  <testsuite name="${escapeMarkup(suite.scenario)}" tests="${cases.length}" failures="${failures}" errors="${errors}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="webhook-stress-pack">\n${body.join('\n')}\n</testsuites>\n`;
}
