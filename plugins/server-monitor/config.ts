// The monitor's settings: plugin config in the scenario, overridden by environment
// variables so a user points every scenario at their server without editing them.
// Every option is validated here, with one message style: name, wrong value, what is allowed.
import { samplingParty as partyOf, SamplingPartyError } from 'webhook-stress-common';
import type { LeakRules } from './analysis.ts';
import { DEFAULT_LEAK_RULES } from './analysis.ts';
import { mayBeMerged } from './gauge-histograms.ts';
import type { Selector } from './select-process.ts';

export interface MonitorConfig {
  enabled: boolean;
  /** Why the monitor is off, for its one line at the start. */
  offReason?: string;
  /** Server figures also as `server.gauge.*` histograms: this run's results may be merged with others. */
  gaugeHistograms: boolean;
  selector: Selector;
  metricsUrl: string | undefined;
  intervalMs: number;
  /** A process that lived this long is a worker (its death a crash) even without the listening socket. */
  workerMinAgeMs: number;
  leakRules: LeakRules;
  reportsDir: string;
}

export interface PluginOptions {
  enabled?: boolean;
  pid?: number;
  pidfile?: string;
  port?: number;
  command?: string;
  metricsUrl?: string;
  intervalMs?: number;
  workerMinAgeMs?: number;
  warmupFraction?: number;
  leakMinKibPerRequest?: number;
  leakMinSlopeMbPerMin?: number;
  leakMinGrowthMb?: number;
}

export class MonitorConfigError extends Error {}

type Env = Record<string, string | undefined>;

function samplingParty(env: Env): ReturnType<typeof partyOf> {
  try {
    return partyOf(env);
  } catch (err) {
    throw err instanceof SamplingPartyError ? new MonitorConfigError(err.message) : err;
  }
}

// Node cluster workers do not hold the listening socket (the master accepts and passes
// connections on), so age alone must tell them from a command run per request; such
// commands answer within a sender's deadline (TradingView waits 3 s), so 5 s separates them.
export const DEFAULT_WORKER_MIN_AGE_MS = 5000;

interface Range {
  min: number;
  /** Exclusive upper bound. */
  below?: number;
  integer?: boolean;
  what: string;
}

function num(name: string, raw: unknown, range: Range): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  const ok =
    (typeof raw === 'number' || typeof raw === 'string') &&
    Number.isFinite(value) &&
    value >= range.min &&
    (range.below === undefined || value < range.below) &&
    (!range.integer || Number.isInteger(value));
  if (!ok) throw new MonitorConfigError(`${name}=${JSON.stringify(raw)} is not ${range.what}`);
  return value;
}

const pidRange: Range = { min: 1, integer: true, what: 'a process id (a positive integer)' };
const portRange: Range = { min: 1, below: 65536, integer: true, what: 'a TCP port (1-65535)' };
const nonNegative: Range = { min: 0, what: 'a non-negative number' };

export function readMonitorConfig(options: PluginOptions, env: Env): MonitorConfig {
  const intervalMs =
    num('MONITOR_INTERVAL_MS', env.MONITOR_INTERVAL_MS || options.intervalMs, {
      min: 100,
      what: 'a sampling period of at least 100 ms',
    }) ?? 1000;
  const off = (env.SERVER_MONITOR ?? '').toLowerCase() === 'off' || options.enabled === false;
  const party = samplingParty(env);
  const leakRules: LeakRules = {
    warmupFraction:
      num('warmupFraction', options.warmupFraction, { min: 0, below: 1, what: 'a share of the run in [0, 1)' }) ??
      DEFAULT_LEAK_RULES.warmupFraction,
    minKibPerRequest:
      num('leakMinKibPerRequest', options.leakMinKibPerRequest, nonNegative) ?? DEFAULT_LEAK_RULES.minKibPerRequest,
    minSlopeMbPerMin:
      num('leakMinSlopeMbPerMin', options.leakMinSlopeMbPerMin, nonNegative) ?? DEFAULT_LEAK_RULES.minSlopeMbPerMin,
    minGrowthMb: num('leakMinGrowthMb', options.leakMinGrowthMb, nonNegative) ?? DEFAULT_LEAK_RULES.minGrowthMb,
  };
  return {
    enabled: !off && party.samples,
    gaugeHistograms: mayBeMerged(env),
    ...(off ? {} : party.samples ? {} : { offReason: party.reason }),
    selector: {
      pid: num('SERVER_PID', env.SERVER_PID || options.pid, pidRange),
      pidfile: env.SERVER_PIDFILE || options.pidfile,
      port: num('SERVER_PORT', env.SERVER_PORT || options.port, portRange),
      command: env.SERVER_COMMAND || options.command,
    },
    metricsUrl: env.SERVER_METRICS_URL || options.metricsUrl,
    intervalMs,
    workerMinAgeMs:
      num('MONITOR_WORKER_MIN_AGE_MS', env.MONITOR_WORKER_MIN_AGE_MS || options.workerMinAgeMs, nonNegative) ??
      DEFAULT_WORKER_MIN_AGE_MS,
    leakRules,
    reportsDir: env.REPORTS_DIR || 'reports',
  };
}

export function hasExplicitSelector(selector: Selector): boolean {
  return Object.values(selector).some((v) => v !== undefined);
}
