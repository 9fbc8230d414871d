// The health report (the guide's server_health_report_*.json) from what the monitor
// gathered: pure, so the figures a report shows are checked without sampling anything.
import type { Alert, HealthReport, MemoryAnalysis, Sample } from 'webhook-stress-common';
import { analyseCpu, analyseMemory, type LeakRules, type MemoryPoint } from './analysis.ts';
import type { CrashFigures } from './crash-figures.ts';
import { workerStarts } from './crash-figures.ts';

export interface ReportInput {
  scenario: string;
  source: HealthReport['source'];
  /** Remote sources: the memory series is the endpoint's, segmented at restarts. */
  remote: boolean;
  startedAt: Date;
  finishedAt: Date;
  interrupted: boolean;
  samples: Sample[];
  segmentOf: (sample: Sample) => string | undefined;
  leakRules: LeakRules;
  requestsBetween: (from: number, to: number) => number | undefined;
  alerts: Alert[];
  crashes: CrashFigures;
  scrapeFailures: number;
  responseTimeMeanMs: number | null;
}

/** Memory of the worker processes, and which they are: tasks come and go and are not the server's memory. */
export function workerMemory(sample: Sample): { bytes: number; segment: string } {
  const workers = Object.entries(sample.processes).filter(([, p]) => p.worker);
  if (workers.length === 0) return { bytes: sample.totals.memoryBytes, segment: '' };
  const pss = workers.every(([, p]) => p.pssBytes !== undefined);
  return {
    bytes: workers.reduce((total, [, p]) => total + ((pss ? p.pssBytes : p.rssBytes) ?? 0), 0),
    segment: workers.map(([pid]) => pid).join(','),
  };
}

// pidusage reports a PID's first CPU reading as ~0: left out of the CPU figures.
export function cpuReadings(samples: Sample[]): number[] {
  return samples.slice(1).map((s) => s.totals.cpuPercent);
}

export function memoryOf(input: ReportInput): MemoryAnalysis {
  const points: MemoryPoint[] = input.samples
    // A sample whose PSS could not be read is left out rather than mixed with RSS.
    .filter((s) => s.pssRead !== false)
    .map((s) =>
      input.remote
        ? { at: s.at, bytes: s.totals.memoryBytes, segment: input.segmentOf(s) }
        : { at: s.at, ...workerMemory(s) },
    );
  return analyseMemory(points, input.leakRules, input.requestsBetween);
}

export function buildHealthReport(input: ReportInput): HealthReport {
  const memory = memoryOf(input);
  const cpu = analyseCpu(cpuReadings(input.samples));
  const { crashes, samples } = input;
  return {
    scenario: input.scenario,
    source: input.source,
    started_at: input.startedAt.toISOString(),
    finished_at: input.finishedAt.toISOString(),
    interrupted: input.interrupted,
    summary: {
      max_cpu_percent: cpu.maxPercent,
      avg_cpu_percent: cpu.avgPercent,
      max_memory_mb: memory.peakMb,
      memory_growth_mb: memory.growthMb,
      avg_response_time_ms: input.responseTimeMeanMs,
      total_alerts: input.alerts.length,
      worker_crashes: crashes.measured() ? crashes.crashes() : null,
      worker_starts: workerStarts(crashes),
      tasks_started: crashes.tasksStarted(),
      root_died: crashes.measured() ? crashes.rootDied() : null,
      scrape_failures: input.scrapeFailures,
      leak_detected: memory.leak,
      leak_slope_mb_per_min: memory.trend?.slope ?? null,
      leak_slope_ci95_mb_per_min: memory.trend ? [memory.trend.slopeLow, memory.trend.slopeHigh] : null,
      memory_measure: samples.length > 0 && samples.every((s) => s.totals.memoryMeasure === 'pss') ? 'pss' : 'rss',
      samples: samples.length,
    },
    memory,
    alerts: input.alerts,
    process_events: crashes.events(),
    samples,
  };
}
