// The monitor's state over one run: picks the source, samples on a timer, tracks
// the process tree, raises alerts, and turns it all into Artillery metrics.
import { analyseCpu, analyseMemory, type MemoryAnalysis } from './analysis.ts';
import { hasExplicitSelector, type MonitorConfig } from './config.ts';
import { type CrashTracker, createCrashTracker, type TreeEvent } from './crash-tracker.ts';
import { type Alert, alertLine, createHealthFiles, type HealthReport, sampleLine } from './health-report.ts';
import { createRemoteSampler } from './remote-source.ts';
import { clearSamplerCache, createLocalSampler, type Sample } from './sampler.ts';
import { isLocalTarget, selectRootPid } from './select-process.ts';
import { summarize } from './summary-metric.ts';

export interface Stats {
  counters?: Record<string, number>;
  summaries?: Record<string, unknown>;
  histograms?: Record<string, unknown>;
}

type Source =
  | { kind: 'local'; rootPid: number; sample: () => Promise<Sample> }
  | { kind: 'remote'; metricsUrl: string; sample: () => Promise<Sample> }
  | { kind: 'off' | 'unmeasured'; reason: string };

const MB = 1024 * 1024;
const GROWTH_CRITICAL_MB = 100;
const GROWTH_WARNING_MB = 50;
const CPU_HIGH_PERCENT = 80;
const CPU_HIGH_SAMPLES = 5;

export function chooseSource(config: MonitorConfig, target: string | undefined): Source {
  if (!config.enabled) return { kind: 'off', reason: 'turned off (SERVER_MONITOR=off)' };
  if (hasExplicitSelector(config.selector) || (!config.metricsUrl && target && isLocalTarget(target))) {
    const rootPid = selectRootPid(config.selector, target);
    const sampler = createLocalSampler(rootPid);
    return { kind: 'local', rootPid, sample: () => sampler.sample() };
  }
  if (config.metricsUrl) {
    const sampler = createRemoteSampler(config.metricsUrl);
    return { kind: 'remote', metricsUrl: config.metricsUrl, sample: () => sampler.sample() };
  }
  return {
    kind: 'unmeasured',
    reason: `target ${target ?? '(none)'} is not on this machine and no SERVER_METRICS_URL is set`,
  };
}

export interface Monitor {
  readonly source: Source;
  start(): void;
  stop(): void;
  addPeriodMetrics(stats: Stats): void;
  addAggregateMetrics(stats: Stats): void;
  /** Writes the health report once (later calls return the first); returns the file and its content. */
  writeReport(interrupted: boolean): { file: string; report: HealthReport };
}

export function createMonitor(
  config: MonitorConfig,
  target: string | undefined,
  scenario: string,
  /** Also receives every monitor.log line (the stand-alone monitor prints them). */
  echo?: (line: string) => void,
): Monitor {
  const source = chooseSource(config, target);
  const startedAt = new Date();
  const files = createHealthFiles(config.reportsDir, startedAt, echo);
  const tracker: CrashTracker | undefined = source.kind === 'local' ? createCrashTracker(source.rootPid) : undefined;
  const samples: Sample[] = [];
  const alerts: Alert[] = [];
  let periodStart = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const raised = new Set<string>();
  let highCpuRun = 0;
  let responseTimeMean: number | null = null;
  let reportWritten: { file: string; report: HealthReport } | undefined;

  function alert(at: number, level: Alert['level'], message: string, once?: string): void {
    if (once) {
      if (raised.has(once)) return;
      raised.add(once);
    }
    const a = { at, level, message };
    alerts.push(a);
    files.log(alertLine(a));
  }

  function describe(event: TreeEvent): void {
    if (event.kind === 'worker_exited') {
      alert(event.at, 'critical', `worker (pid:${event.pid}) disappeared while the server lives: crash`);
    } else if (event.kind === 'worker_started') {
      alert(event.at, 'warning', `worker (pid:${event.pid}) started during the run`);
    } else {
      alert(event.at, 'critical', `server root (pid:${event.pid}) is gone`);
    }
  }

  function check(sample: Sample): void {
    const baseline = samples[0]?.totals.memoryBytes ?? sample.totals.memoryBytes;
    const growthMb = (sample.totals.memoryBytes - baseline) / MB;
    if (growthMb > GROWTH_CRITICAL_MB)
      alert(sample.at, 'critical', `memory grew ${growthMb.toFixed(1)} MB`, 'growth-critical');
    else if (growthMb > GROWTH_WARNING_MB)
      alert(sample.at, 'warning', `memory grew ${growthMb.toFixed(1)} MB`, 'growth-warning');
    highCpuRun = sample.totals.cpuPercent > CPU_HIGH_PERCENT ? highCpuRun + 1 : 0;
    if (highCpuRun === CPU_HIGH_SAMPLES) {
      alert(sample.at, 'warning', `CPU above ${CPU_HIGH_PERCENT} % for ${CPU_HIGH_SAMPLES} samples`);
    }
  }

  async function tick(): Promise<void> {
    if (stopped || !('sample' in source)) return;
    const sample = await source.sample();
    if (stopped) return;
    samples.push(sample);
    files.log(sampleLine(sample));
    const pids = Object.keys(sample.processes).map(Number);
    for (const event of tracker?.observe(sample.at, pids, sample.rootAlive) ?? []) describe(event);
    check(sample);
    timer = setTimeout(() => void tick(), config.intervalMs);
    timer.unref();
  }

  function memoryAnalysis(): MemoryAnalysis {
    return analyseMemory(
      samples.map((s) => ({ at: s.at, bytes: s.totals.memoryBytes })),
      config.leakRules,
    );
  }

  // pidusage reports a PID's first CPU reading as ~0: left out of the CPU figures.
  const cpuReadings = () => samples.slice(1).map((s) => s.totals.cpuPercent);

  function countEvents(kind: TreeEvent['kind'], from = 0): number {
    return (tracker?.events() ?? []).filter((e) => e.kind === kind && e.at >= from).length;
  }

  return {
    source,
    start() {
      files.log(`${startedAt.toISOString()} start scenario=${scenario} source=${source.kind}`);
      void tick();
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      clearSamplerCache();
    },
    addPeriodMetrics(stats) {
      if (!('sample' in source)) return;
      const period = samples.filter((s) => s.at >= periodStart);
      const memory = summarize(period.map((s) => s.totals.memoryBytes / MB));
      const cpu = summarize(period.map((s) => s.totals.cpuPercent));
      stats.summaries = { ...stats.summaries };
      stats.counters = {
        ...stats.counters,
        'server.worker_crashes': countEvents('worker_exited', periodStart),
        'server.worker_starts': countEvents('worker_started', periodStart),
      };
      if (memory) stats.summaries['server.tree_memory_mb'] = memory;
      if (cpu) stats.summaries['server.tree_cpu_pct'] = cpu;
      periodStart = Date.now();
    },
    addAggregateMetrics(stats) {
      responseTimeMean =
        ((stats.summaries?.['http.response_time'] as { mean?: number } | undefined)?.mean as number | undefined) ??
        null;
      stats.counters = { ...stats.counters, 'server.samples': samples.length };
      if (!('sample' in source) || samples.length === 0) return;
      const memory = memoryAnalysis();
      const cpu = analyseCpu(cpuReadings());
      const round = (x: number) => Math.round(x * 10) / 10;
      Object.assign(stats.counters, {
        'server.worker_crashes': countEvents('worker_exited'),
        'server.worker_starts': countEvents('worker_started'),
        'server.root_died': countEvents('root_died'),
        'server.memory_growth_mb': round(memory.growthMb),
        'server.memory_peak_mb': round(memory.peakMb),
        'server.leak_detected': memory.leak ? 1 : 0,
        'server.leak_slope_mb_per_min': round(memory.trend?.slope ?? 0),
        'server.cpu_max_pct': round(cpu.maxPercent),
        'server.cpu_avg_pct': round(cpu.avgPercent),
      });
      const all = summarize(samples.map((s) => s.totals.memoryBytes / MB));
      const allCpu = summarize(cpuReadings());
      stats.summaries = { ...stats.summaries };
      if (all) stats.summaries['server.tree_memory_mb'] = all;
      if (allCpu) stats.summaries['server.tree_cpu_pct'] = allCpu;
    },
    writeReport(interrupted) {
      if (reportWritten) return reportWritten;
      const memory = memoryAnalysis();
      const cpu = analyseCpu(cpuReadings());
      const report: HealthReport = {
        scenario,
        source:
          source.kind === 'local'
            ? { kind: 'local', root_pid: source.rootPid, selector: config.selector }
            : source.kind === 'remote'
              ? { kind: 'remote', metrics_url: source.metricsUrl }
              : { kind: source.kind, reason: source.reason },
        started_at: startedAt.toISOString(),
        finished_at: new Date().toISOString(),
        interrupted,
        summary: {
          max_cpu_percent: cpu.maxPercent,
          avg_cpu_percent: cpu.avgPercent,
          max_memory_mb: memory.peakMb,
          memory_growth_mb: memory.growthMb,
          avg_response_time_ms: responseTimeMean,
          total_alerts: alerts.length,
          worker_crashes: countEvents('worker_exited'),
          worker_starts: countEvents('worker_started'),
          root_died: countEvents('root_died') > 0,
          leak_detected: memory.leak,
          leak_slope_mb_per_min: memory.trend?.slope ?? null,
          leak_slope_ci95_mb_per_min: memory.trend ? [memory.trend.slopeLow, memory.trend.slopeHigh] : null,
          memory_measure: samples.length > 0 && samples.every((s) => s.totals.memoryMeasure === 'pss') ? 'pss' : 'rss',
          samples: samples.length,
        },
        memory,
        alerts,
        process_events: tracker?.events() ?? [],
        samples,
      };
      reportWritten = { file: files.writeReport(report), report };
      return reportWritten;
    },
  };
}
