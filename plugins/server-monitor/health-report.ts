// The guide's outputs, kept compatible with its Python monitor: monitor.log, one line
// a sample or alert as they happen (so an interrupted run keeps them), and
// server_health_report_<time>.json with the guide's summary keys and every sample.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { MemoryAnalysis } from './analysis.ts';
import type { TreeEvent } from './crash-tracker.ts';
import type { Sample } from './sampler.ts';

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
  worker_crashes: number;
  worker_starts: number;
  root_died: boolean;
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

const MB = 1024 * 1024;

export function sampleLine(sample: Sample): string {
  const t = sample.totals;
  return [
    new Date(sample.at).toISOString(),
    'sample',
    `memory_mb=${(t.memoryBytes / MB).toFixed(1)}`,
    `rss_mb=${(t.rssBytes / MB).toFixed(1)}`,
    `cpu_percent=${t.cpuPercent.toFixed(1)}`,
    `processes=${Object.keys(sample.processes).length}`,
    `threads=${t.threads}`,
    `open_files=${t.openFiles}`,
    `connections=${t.connections}`,
  ].join(' ');
}

export function alertLine(alert: Alert): string {
  return `${new Date(alert.at).toISOString()} ${alert.level.toUpperCase()} ${alert.message}`;
}

export interface HealthFiles {
  log(line: string): void;
  writeReport(report: HealthReport): string;
}

export function createHealthFiles(dir: string, startedAt: Date, echo?: (line: string) => void): HealthFiles {
  mkdirSync(dir, { recursive: true });
  const logFile = path.join(dir, 'monitor.log');
  const stamp = startedAt.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '_');
  const reportFile = path.join(dir, `server_health_report_${stamp}.json`);
  return {
    log(line) {
      appendFileSync(logFile, `${line}\n`);
      echo?.(line);
    },
    writeReport(report) {
      writeFileSync(reportFile, `${JSON.stringify(report, null, 1)}\n`);
      return reportFile;
    },
  };
}
