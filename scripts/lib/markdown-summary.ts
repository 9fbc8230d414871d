// The verdict of each scenario as Markdown tables (gate | result | measured), for a CI job
// summary such as GitHub's $GITHUB_STEP_SUMMARY. Marks and measured values as in the console and JUnit.
import { describeMeasurements, gateMark, type Verdict } from 'webhook-stress-report';

/** A table cell: pipes would end the cell, newlines the row. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function code(text: string): string {
  return `\`${cell(text).replace(/`/g, "'")}\``;
}

export function runResult(verdict: Verdict): 'PASS' | 'FAIL' | 'INVALID' {
  if (verdict.invalid !== undefined) return 'INVALID';
  return verdict.passed ? 'PASS' : 'FAIL';
}

function scenarioSection(verdict: Verdict): string {
  const invalid = verdict.invalid !== undefined;
  const rows = verdict.gates.map((gate) => {
    const measured = describeMeasurements(Object.entries(gate.measured)) || '-';
    return `| ${code(gate.expression)} | ${gateMark(gate, invalid)} | ${cell(measured)} |`;
  });
  return [
    `### ${cell(verdict.scenario)}: ${runResult(verdict)}`,
    ...(invalid ? ['', `Not judged: ${cell(verdict.invalid ?? '')}`] : []),
    '',
    '| gate | result | measured |',
    '| --- | --- | --- |',
    ...rows,
  ].join('\n');
}

/** One heading with the overall result, then one table per scenario, in the order given. */
export function markdownSummary(verdicts: Verdict[]): string {
  const results = verdicts.map(runResult);
  const overall = verdicts.length > 0 && results.every((r) => r === 'PASS') ? 'PASS' : 'FAIL';
  const counts = (['PASS', 'FAIL', 'INVALID'] as const)
    .map((r) => `${results.filter((x) => x === r).length} ${r}`)
    .join(', ');
  const head = `## Stress verdict: ${overall} (${verdicts.length} scenarios: ${counts})`;
  if (verdicts.length === 0) return `${head}\n\nNo verdict file found: the suite did not run a scenario.\n`;
  return `${[head, ...verdicts.map(scenarioSection)].join('\n\n')}\n`;
}
