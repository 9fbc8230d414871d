// The health report's file format: what the server monitor writes and the report reads.
// Shared here so neither package imports the other.

export interface LinearFit {
  slope: number;
  intercept: number;
  /** 95 % confidence bounds of the slope. */
  slopeLow: number;
  slopeHigh: number;
  n: number;
  /** Independent observations the n samples are worth (AR(1)); n for a plain fit. */
  nEffective: number;
  segments: number;
}

export interface MemoryAnalysis {
  baselineMb: number;
  peakMb: number;
  growthMb: number;
  /** Memory in MB against minutes since `originAt`, fitted on samples from `warmupEndAt` on. */
  trend: LinearFit | undefined;
  originAt: number;
  warmupEndAt: number;
  /** MB the trend adds over the span after warm-up. */
  trendGrowthMb: number;
  /** Theil-Sen slope after warm-up, MB per minute: what the per-request figure is made of. */
  robustSlopeMbPerMin: number | undefined;
  /** Requests served over the fitted span, when known. */
  requests: number | undefined;
  /** KiB the trend retains per request served, when the request count is known. */
  kibPerRequest: number | undefined;
  /** Which floor decided: per request when requests are known, else per minute and MB. */
  rule: 'per-request' | 'per-time';
  leak: boolean;
}

export interface TreeEvent {
  at: number;
  /** `restarted`: a remote process's start time changed (it died and came back). */
  kind: 'worker_exited' | 'worker_started' | 'root_died' | 'restarted';
  pid: number;
}

export interface ProcessFigures {
  rssBytes: number;
  pssBytes: number | undefined;
  /** Percent of one core; undefined on a PID's first reading, which pidusage reports as ~0. */
  cpuPercent: number | undefined;
  threads: number | undefined;
  openFiles: number;
  /** Clock ticks since boot at the process's start (with the pid, its identity). */
  startTicks: number;
  ageMs: number;
  /** A worker holds the server's listening socket, has lived workerMinAgeMs, or was there at the first sample. */
  worker: boolean;
}

export interface Sample {
  /** Milliseconds since the epoch. */
  at: number;
  rootAlive: boolean;
  /** Live processes only: a zombie has exited, whatever /proc still lists. */
  processes: Record<number, ProcessFigures>;
  /** Followed processes seen as zombies (Z/X) at this sample. */
  exited: number[];
  /** Every process's PSS was read at this sample (not carried from an earlier one): the leak fit uses only these. */
  pssRead?: boolean;
  totals: {
    rssBytes: number;
    /** PSS summed over the live tree when every process's was readable, else RSS summed. */
    memoryBytes: number;
    memoryMeasure: 'pss' | 'rss';
    cpuPercent: number;
    threads: number;
    openFiles: number;
    connections: number;
  };
}

export interface Alert {
  at: number;
  level: 'critical' | 'warning';
  message: string;
}

export interface HealthSummary {
  max_cpu_percent: number;
  avg_cpu_percent: number;
  max_memory_mb: number;
  memory_growth_mb: number;
  avg_response_time_ms: number | null;
  total_alerts: number;
  /** null where the source cannot see crashes (a metrics endpoint without process_start_time_seconds). */
  worker_crashes: number | null;
  worker_starts: number;
  tasks_started: number;
  root_died: boolean | null;
  scrape_failures: number;
  leak_detected: boolean;
  leak_slope_mb_per_min: number | null;
  leak_slope_ci95_mb_per_min: [number, number] | null;
  memory_measure: 'pss' | 'rss';
  samples: number;
}

export interface HealthReport {
  scenario: string;
  source: Record<string, unknown>;
  started_at: string;
  finished_at: string;
  interrupted: boolean;
  summary: HealthSummary;
  memory: MemoryAnalysis;
  alerts: Alert[];
  process_events: TreeEvent[];
  samples: Sample[];
}
