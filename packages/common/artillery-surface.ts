// The part of Artillery 2.0.34's plugin surface the pack's plugins use that artillery/types.d.ts
// does not declare (it types scripts and processors; the plugin API is `global.artillery`, the
// plugin constructor's events and the script it is given). Declared once, here, for both plugins.

import type { HealthReport } from './health-report-format.ts';

/** One check as ensure hands it over on `checks` (its results are not in the --output JSON). */
export interface EnsureCheck {
  original: string;
  result: number | boolean;
  strict: boolean;
}

/** What the monitor hands the verdict plugin once its health report is written. */
export interface WrittenHealthReport {
  file: string;
  report: HealthReport;
}

/**
 * What decided the run's gates, as the pack's processor read it (its settings, never a secret):
 * label -> value, in the order to show. Sent once from the `before` flow on SETTINGS_EVENT.
 */
export type DecisiveSettings = Record<string, string>;
export const SETTINGS_EVENT = 'webhook-stress:settings';

/** `global.artillery` as a plugin uses it. */
export interface ArtilleryGlobal {
  ext(hook: { ext: 'beforeExit'; method: (data: { earlyStop?: boolean }) => Promise<void> }): void;
  globalEvents: {
    on(event: 'checks', listener: (checks: EnsureCheck[]) => void): void;
    on(event: 'server-monitor:report', listener: (written: WrittenHealthReport) => void): void;
    on(event: typeof SETTINGS_EVENT, listener: (settings: DecisiveSettings) => void): void;
    emit(event: 'server-monitor:report', payload: WrittenHealthReport): void;
    emit(event: typeof SETTINGS_EVENT, payload: DecisiveSettings): void;
  };
  log(message: string): void;
  suggestedExitCode: number;
  /** Set by Artillery before the load starts: the stamp of the run's file names. */
  testInfo?: { metadata?: { startedAt?: number } };
}

export function artilleryGlobal(): ArtilleryGlobal {
  return (globalThis as unknown as { artillery: ArtilleryGlobal }).artillery;
}

/** The events a plugin constructor gets (LEGACY_METRICS_FORMAT false): each period's stats, then the run's. */
export interface PluginEvents<Stats> {
  on(event: 'stats' | 'done', listener: (stats: Stats) => void): void;
}

/** The script a plugin constructor gets: its config, and the path Artillery read it from. */
export interface PluginScript<Config> {
  _configPath?: string;
  config: Config & { target?: string; plugins?: Record<string, unknown> };
}
