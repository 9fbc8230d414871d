// What a scenario's processor module declares about itself: the registry (processors/registry.ts)
// reads these, so the suite's order, its summary, the docs and the contract tests follow a new
// scenario without a list to edit elsewhere.

/** What a summary cell is computed from: a run's counters and its response times. */
export interface RunFigures {
  counters: Record<string, number>;
  responseTime?: { mean?: number; p95?: number } | undefined;
}

/** One column of the suite's summary table. */
export interface SummaryColumn {
  header: string;
  cell(run: RunFigures): string;
}

export interface ScenarioModule {
  /** Its place in `npm run stress`: the contract first, the guide's five tests in its order, then what real senders do. */
  order: number;
  /** What it tests, in the guide's words where the guide names it. */
  title: string;
  /** Counters of its own, zeroed with the core ones at its first virtual user. */
  counters: readonly string[];
  /** Histograms of its own (undefined until a value is recorded: a gate on one is not measured before). */
  histograms?: readonly string[];
  /** Counters of its own left undefined until measured (see EVIDENCE_COUNTERS). */
  evidence?: readonly string[];
  /** Environment variables it reads beyond the shared ones (processors/lib/settings.ts). */
  settings?: readonly string[];
  /** Reads (and so checks) them: called before any webhook is created, a wrong one is one line and exit 2. */
  readSettings?: (env: Record<string, string | undefined>) => unknown;
  /** Columns it adds to the suite's summary. */
  columns?: readonly SummaryColumn[];
  /**
   * Its schedule keeps every webhook below RATE_LIMIT_PER_SECOND: the generator's spacing is
   * measured (generator.bunched_sends, core/spacing.ts) for its validity gate.
   */
  spacedBelowLimit?: boolean;
  /** It sends forged, malformed and oversized requests: only to a target that is yours (packages/common target-guard.ts). */
  sendsHostileTraffic?: boolean;
  /** A failure means the receiver's contract is not the one the pack expects: the suite stops before any load. */
  stopsSuiteOnFailure?: boolean;
}

export function defineScenario(module: ScenarioModule): ScenarioModule {
  return module;
}
