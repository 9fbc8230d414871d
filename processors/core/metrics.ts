// The metric names every scenario emits, shared by the code that emits them, the gates in
// the YAML that read them (scenario-contracts.test.ts checks both) and the suite's summary.
// None is a prefix of another: ensure replaces names in an expression by plain substring (notes.md).
import { OUTCOMES } from 'webhook-stress-common';

export const WEBHOOK = {
  sent: 'webhook.sent',
  asExpected: 'webhook.as_expected',
  notExpected: 'webhook.not_expected',
  /** The exactly-once figure: the oracle's delta, or the acceptances under declared evidence; absent when neither. */
  executions: 'webhook.executions',
  /** What exactly-once means for the flow: one per held signal or event (plus a repeat after the window that must be processed). */
  expectedExecutions: 'webhook.expected_executions',
  /** The server's processed count's delta over the run (ground truth); absent without PROCESSED_COUNT_URL. */
  processed: 'webhook.processed',
} as const;

/** webhook.<outcome>: one counter per classified answer (webhook-stress-common outcomes.ts). */
export const OUTCOME_COUNTERS: readonly string[] = OUTCOMES.map((o) => `webhook.${o}`);

/** Counters every scenario zeroes at its first virtual user: a counter never emitted is undefined and fails its gate. */
export const CORE_COUNTERS: readonly string[] = [
  ...OUTCOME_COUNTERS,
  WEBHOOK.sent,
  WEBHOOK.asExpected,
  WEBHOOK.notExpected,
  // A flow that fails before countProcessed must not compare undefined with undefined (which passes).
  WEBHOOK.expectedExecutions,
];

/**
 * Counters left undefined on purpose until measured: a gate reading one is NOT MEASURED rather
 * than judged on a made-up 0 (and the run prints one line saying what to configure).
 */
export const EVIDENCE_COUNTERS: readonly string[] = [WEBHOOK.executions, WEBHOOK.processed];
