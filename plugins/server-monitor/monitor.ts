// The monitor's state over one run: picks the source, samples on a timer, tracks
// the process tree, raises alerts, and turns it all into Artillery metrics.
import type { Alert, HealthReport, MemoryAnalysis, Sample, TreeEvent } from 'webhook-stress-common';
import { analyseCpu, analyseMemory, interpolateCumulative } from './analysis.ts';
import { hasExplicitSelector, type MonitorConfig } from './config.ts';
import { type CrashTracker, createCrashTracker, createRestartTracker, type RestartTracker } from './crash-tracker.ts';
import { addGaugeHistograms } from './gauge-histograms.ts';
import { alertLine, createHealthFiles, sampleLine } from './health-report.ts';
import { createRemoteSampler, type Scrape } from './remote-source.ts';
import { clearSamplerCache, createLocalSampler } from './sampler.ts';
import { isLocalTarget, portOf, selectRootPid } from './select-process.ts';
import { serverFigures } from './server-figures.ts';
import { summarize } from './summary-metric.ts';

export interface Stats {
  counters?: Record<string, number>;
  summaries?: Record<string, unknown>;
  histograms?: Record<string, unknown>;
  firstMetricAt?: number;
  lastMetricAt?: number;
}

type Source =
  | { kind: 'local'; rootPid: number; sample: () => Promise<Sample> }
  | { kind: 'remote'; metricsUrl: string; sample: () => Promise<Sample & { scrape: Scrape }> }
  | { kind: 'off' | 'unmeasured'; reason: string };

const MB = 1024 * 1024;
const GROWTH_CRITICAL_MB = 100;
const GROWTH_WARNING_MB = 50;
const CPU_HIGH_PERCENT = 80;
const CPU_HIGH_SAMPLES = 5;

export function chooseSource(config: MonitorConfig, target: string | undefined): Source {
  if (!config.enabled) return { kind: 'off', reason: config.offReason ?? 'turned off (SERVER_MONITOR=off)' };
  const local = target !== undefined && isLocalTarget(target);
  if (hasExplicitSelector(config.selector) || (!config.metricsUrl && local)) {
    const rootPid = selectRootPid(config.selector, target);
    const port = config.selector.port ?? (local && target ? portOf(target) : undefined);
    const sampler = createLocalSampler(rootPid, { port, workerMinAgeMs: config.workerMinAgeMs });
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
  /** The run ended in a configuration error: leave no report files. */
  discardFiles(): void;
}

export interface MonitorOutput {
  /** The run's start time, which names its files; read when a file is first written. */
  runStartedAt?: () => Date | undefined;
  /** Also receives every log line (the stand-alone monitor prints them). */
  echo?: (line: string) => void;
  /** A one-line notice for the user's console (what the source cannot measure). */
  notice?: (line: string) => void;
}

/** Memory of the worker processes, and which they are: tasks come and go and are not the server's memory. */
function workerMemory(sample: Sample): { bytes: number; segment: string } {
  const workers = Object.entries(sample.processes).filter(([, p]) => p.worker);
  if (workers.length === 0) return { bytes: sample.totals.memoryBytes, segment: '' };
  const pss = workers.every(([, p]) => p.pssBytes !== undefined);
  return {
    bytes: workers.reduce((total, [, p]) => total + ((pss ? p.pssBytes : p.rssBytes) ?? 0), 0),
    segment: workers.map(([pid]) => pid).join(','),
  };
}

export function createMonitor(
  config: MonitorConfig,
  target: string | undefined,
  scenario: string,
  output: MonitorOutput = {},
): Monitor {
  const source = chooseSource(config, target);
  const startedAt = new Date();
  const files = createHealthFiles(config.reportsDir, scenario, output.runStartedAt ?? (() => startedAt), output.echo);
  const tracker: CrashTracker | undefined = source.kind === 'local' ? createCrashTracker(source.rootPid) : undefined;
  const restarts: RestartTracker | undefined = source.kind === 'remote' ? createRestartTracker() : undefined;
  const samples: Sample[] = [];
  /** Remote: start time of the process at each sample, the memory series' segment. */
  const segments = new Map<Sample, string>();
  const scrapeFailures: number[] = [];
  let lastScrapeFailed = false;
  let startTimeNoticed = false;
  const responses: { at: number; total: number }[] = [];
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
      alert(event.at, 'critical', `worker (pid:${event.pid}) died: crash`);
    } else if (event.kind === 'worker_started') {
      alert(event.at, 'warning', `worker (pid:${event.pid}) started during the run`);
    } else if (event.kind === 'restarted') {
      alert(event.at, 'critical', `${source.kind === 'remote' ? source.metricsUrl : 'server'} restarted: crash`);
    } else {
      alert(event.at, 'critical', `server root (pid:${event.pid}) died`);
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

  function observeScrape(sample: Sample, scrape: Scrape): boolean {
    lastScrapeFailed = !scrape.ok;
    if (!scrape.ok) {
      if (scrapeFailures.length === 0 && source.kind === 'remote')
        output.notice?.(
          `Server monitor: ${source.metricsUrl} did not answer; failed scrapes count in server.scrape_failures`,
        );
      scrapeFailures.push(sample.at);
      files.log(`${new Date(sample.at).toISOString()} scrape_failed`);
      return false;
    }
    if (scrape.startTimeSeconds === undefined && !startTimeNoticed) {
      startTimeNoticed = true;
      output.notice?.(
        'Server monitor: the metrics endpoint exposes no process_start_time_seconds, so restarts (crashes) cannot be seen; expose it, or crash gates fail as not measured',
      );
    }
    for (const event of restarts?.observe(sample.at, scrape.startTimeSeconds) ?? []) describe(event);
    segments.set(sample, String(scrape.startTimeSeconds ?? ''));
    return true;
  }

  async function tick(): Promise<void> {
    if (stopped || !('sample' in source)) return;
    const sample: Sample & { scrape?: Scrape } = await source.sample();
    if (stopped) return;
    if (!sample.scrape || observeScrape(sample, sample.scrape)) {
      samples.push(sample);
      files.log(sampleLine(sample));
      for (const event of tracker?.observe(sample) ?? []) describe(event);
      check(sample);
    }
    timer = setTimeout(() => void tick(), config.intervalMs);
    timer.unref();
  }

  // Artillery's period stats are 10 s apart, too coarse to place each request at a 1 s
  // sample: the requests served in the fitted span are interpolated from the cumulative
  // http.responses at period ends (exact at each end, spread evenly within a period).
  function requestsBetween(from: number, to: number): number | undefined {
    if (responses.length < 2) return undefined;
    const a = interpolateCumulative(responses, from);
    const b = interpolateCumulative(responses, to);
    return a === undefined || b === undefined || b - a <= 0 ? undefined : b - a;
  }

  function memoryAnalysis(): MemoryAnalysis {
    const points = samples
      .filter((s) => s.pssRead !== false)
      .map((s) => {
        if (source.kind === 'remote') return { at: s.at, bytes: s.totals.memoryBytes, segment: segments.get(s) };
        return { at: s.at, ...workerMemory(s) };
      });
    return analyseMemory(points, config.leakRules, requestsBetween);
  }

  // pidusage reports a PID's first CPU reading as ~0: left out of the CPU figures.
  const cpuReadings = () => samples.slice(1).map((s) => s.totals.cpuPercent);

  function events(): TreeEvent[] {
    return [...(tracker?.events() ?? []), ...(restarts?.events() ?? [])];
  }

  function countEvents(kinds: TreeEvent['kind'][], from = 0): number {
    return events().filter((e) => kinds.includes(e.kind) && e.at >= from).length;
  }

  const crashesMeasured = () => source.kind === 'local' || (restarts?.measured() ?? false);
  const crashes = (from = 0) => countEvents(['worker_exited', 'restarted'], from);
  // Remote: the server counts as dead when its endpoint stopped answering for good (the last scrape failed).
  const rootDied = () => (source.kind === 'remote' ? lastScrapeFailed : countEvents(['root_died']) > 0);

  function crashCounters(from: number, whole: boolean): Record<string, number> {
    const counters: Record<string, number> = {};
    if (crashesMeasured()) counters['server.worker_crashes'] = crashes(from);
    if (crashesMeasured() && whole) counters['server.root_died'] = rootDied() ? 1 : 0;
    if (source.kind === 'local') {
      counters['server.worker_starts'] = countEvents(['worker_started'], from);
      counters['server.tasks_started'] = tracker?.tasksStarted(from) ?? 0;
    }
    if (source.kind === 'remote') counters['server.scrape_failures'] = scrapeFailures.filter((at) => at >= from).length;
    return counters;
  }

  /** The health report of what was sampled so far: written at the end, and the source of the run's server.* counters. */
  function buildReport(interrupted: boolean): HealthReport {
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
        worker_crashes: crashesMeasured() ? crashes() : null,
        worker_starts: countEvents(['worker_started']),
        tasks_started: tracker?.tasksStarted() ?? 0,
        root_died: crashesMeasured() ? rootDied() : null,
        scrape_failures: scrapeFailures.length,
        leak_detected: memory.leak,
        leak_slope_mb_per_min: memory.trend?.slope ?? null,
        leak_slope_ci95_mb_per_min: memory.trend ? [memory.trend.slopeLow, memory.trend.slopeHigh] : null,
        memory_measure: samples.length > 0 && samples.every((s) => s.totals.memoryMeasure === 'pss') ? 'pss' : 'rss',
        samples: samples.length,
      },
      memory,
      alerts,
      process_events: events(),
      samples,
    };
    return report;
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
      const served = stats.counters?.['http.responses'];
      if (served !== undefined && stats.lastMetricAt) {
        if (responses.length === 0 && stats.firstMetricAt) responses.push({ at: stats.firstMetricAt, total: 0 });
        responses.push({ at: stats.lastMetricAt, total: (responses.at(-1)?.total ?? 0) + served });
      }
      if (!('sample' in source)) return;
      const period = samples.filter((s) => s.at >= periodStart);
      const memory = summarize(period.map((s) => s.totals.memoryBytes / MB));
      const cpu = summarize(period.map((s) => s.totals.cpuPercent));
      stats.summaries = { ...stats.summaries };
      stats.counters = { ...stats.counters, ...crashCounters(periodStart, false) };
      if (memory) stats.summaries['server.tree_memory_mb'] = memory;
      if (cpu) stats.summaries['server.tree_cpu_pct'] = cpu;
      periodStart = Date.now();
    },
    addAggregateMetrics(stats) {
      responseTimeMean =
        ((stats.summaries?.['http.response_time'] as { mean?: number } | undefined)?.mean as number | undefined) ??
        null;
      stats.counters = { ...stats.counters, ...serverFigures(buildReport(false)) };
      if (!('sample' in source)) return;
      if (samples.length > 0) {
        const all = summarize(samples.map((s) => s.totals.memoryBytes / MB));
        const allCpu = summarize(cpuReadings());
        stats.summaries = { ...stats.summaries };
        if (all) stats.summaries['server.tree_memory_mb'] = all;
        if (allCpu) stats.summaries['server.tree_cpu_pct'] = allCpu;
      }
      if (config.gaugeHistograms) addGaugeHistograms(stats, stats.counters);
    },
    writeReport(interrupted) {
      if (reportWritten) return reportWritten;
      const report = buildReport(interrupted);
      reportWritten = { file: files.writeReport(report), report };
      return reportWritten;
    },
    discardFiles() {
      files.discard();
    },
  };
}
