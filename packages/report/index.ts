// The report library: from what an Artillery run measured to what people read. The
// verdict plugin, `npm run report`, the suite and the benchmarks all build on it.
export {
  BaselineError,
  baselineGates,
  compareFigures,
  describeComparison,
  findBaseline,
  resolveTolerances,
  type Tolerances,
} from './baseline.ts';
export { escapeMarkup } from './escape.ts';
export { type EnsureConfig, gateExpressions } from './gate-expressions.ts';
export { renderHtmlReport } from './html-report.ts';
export { type EnsureCheck, gateLines, gateOfCheck, judgeGates } from './judged-gates.ts';
export { gateId, renderJunit } from './junit.ts';
export { type KeyFigures, keyFigures } from './key-figures.ts';
export {
  type AggregateReport,
  describeMeasurements,
  flattenReport,
  measuredValues,
  sumPeriods,
} from './measured-values.ts';
export { publicSettings } from './run-data.ts';
export type {
  Comparison,
  GateResult,
  PeriodStats,
  Phase,
  RunData,
  RunSettings,
  Verdict,
} from './run-format.ts';
export { writeTrendIndex } from './trend-index.ts';
export { type GateMark, gateMark, invalidReason, notMeasured, validityAdvice } from './validity.ts';
export { writeRunOutputs } from './verdict-file.ts';
