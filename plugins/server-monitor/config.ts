// The monitor's settings: plugin config in the scenario, overridden by environment
// variables so a user points every scenario at their server without editing them.
import type { LeakRules } from './analysis.ts';
import { DEFAULT_LEAK_RULES } from './analysis.ts';
import type { Selector } from './select-process.ts';

export interface MonitorConfig {
  enabled: boolean;
  selector: Selector;
  metricsUrl: string | undefined;
  intervalMs: number;
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
  warmupFraction?: number;
  leakMinSlopeMbPerMin?: number;
  leakMinGrowthMb?: number;
}

export class MonitorConfigError extends Error {}

type Env = Record<string, string | undefined>;

function num(name: string, raw: string | number | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0)
    throw new MonitorConfigError(`${name}="${raw}" is not a non-negative number`);
  return value;
}

export function readMonitorConfig(options: PluginOptions, env: Env): MonitorConfig {
  const intervalMs = num('MONITOR_INTERVAL_MS', env.MONITOR_INTERVAL_MS ?? options.intervalMs) ?? 1000;
  if (intervalMs < 100) throw new MonitorConfigError(`MONITOR_INTERVAL_MS=${intervalMs} is below the 100 ms minimum`);
  const off = (env.SERVER_MONITOR ?? '').toLowerCase() === 'off' || options.enabled === false;
  return {
    enabled: !off,
    selector: {
      pid: num('SERVER_PID', env.SERVER_PID ?? options.pid),
      pidfile: env.SERVER_PIDFILE || options.pidfile,
      port: num('SERVER_PORT', env.SERVER_PORT ?? options.port),
      command: env.SERVER_COMMAND || options.command,
    },
    metricsUrl: env.SERVER_METRICS_URL || options.metricsUrl,
    intervalMs,
    leakRules: {
      warmupFraction: options.warmupFraction ?? DEFAULT_LEAK_RULES.warmupFraction,
      minSlopeMbPerMin: options.leakMinSlopeMbPerMin ?? DEFAULT_LEAK_RULES.minSlopeMbPerMin,
      minGrowthMb: options.leakMinGrowthMb ?? DEFAULT_LEAK_RULES.minGrowthMb,
    },
    reportsDir: env.REPORTS_DIR || 'reports',
  };
}

export function hasExplicitSelector(selector: Selector): boolean {
  return Object.values(selector).some((v) => v !== undefined);
}
