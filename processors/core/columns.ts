// Summary columns more than one scenario shows (processors/core/scenario.ts SummaryColumn).
import type { SummaryColumn } from './scenario.ts';

/** Exactly-once on ground truth: executions, "of" the flow's expected count when it has one. */
export const PROCESSED_COLUMN: SummaryColumn = {
  header: 'processed',
  cell: ({ counters: c }) => {
    const executions = c['webhook.executions'];
    if (executions === undefined) return '-';
    const expected = c['webhook.expected_executions'];
    return expected ? `${executions} of ${expected}` : String(executions);
  },
};
