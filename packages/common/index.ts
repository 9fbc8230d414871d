// What the pack's packages share: the contracts between them, nothing that runs on its own.
export {
  type ArtilleryGlobal,
  artilleryGlobal,
  type DecisiveSettings,
  type EnsureCheck,
  type PluginEvents,
  type PluginScript,
  SETTINGS_EVENT,
  type WrittenHealthReport,
} from './artillery-surface.ts';
export { fileStamp } from './file-stamp.ts';
export type {
  Alert,
  HealthReport,
  HealthSummary,
  LinearFit,
  MemoryAnalysis,
  ProcessFigures,
  Sample,
  TreeEvent,
} from './health-report-format.ts';
export { maskSecrets, REDACTED } from './mask.ts';
export { OUTCOMES, type Outcome } from './outcomes.ts';
export { type PackPlugin, pluginOrderProblem } from './plugin-order.ts';
export {
  type AppliedProfile,
  applyProfile,
  applyProfileTo,
  DEFAULT_PROFILE,
  ProfileError,
  profileFile,
  readProfile,
  withProfile,
} from './profile.ts';
export {
  parseSeriesSelector,
  SelectorError as SeriesSelectorError,
  type SeriesSelector,
  seriesOf,
  sumSeries,
} from './prometheus-text.ts';
export {
  appendRequest,
  closeWriter,
  collectRequests,
  discardRecording,
  type RequestColumns,
  type RequestRecord,
  recordDir,
  startRecording,
} from './request-record.ts';
export { type SamplingParty, SamplingPartyError, samplingParty } from './sampling-party.ts';
export { DEFAULT_TARGET, resolveTarget, targetUrl } from './target.ts';
export { isLoopback, targetGuardProblem } from './target-guard.ts';
