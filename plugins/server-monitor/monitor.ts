// The monitor over one run: samples the chosen source on a timer and feeds each sample to
// its parts (crash tracking, alerts, the health files), then turns what they hold into
// Artillery metrics (each period's and the run's) and the health report.
import type { HealthReport, Sample } from 'webhook-stress-common';
import { createAlerts } from './alerts.ts';
import type { MonitorConfig } from './config.ts';
import { type CrashSource, createCrashFigures } from './crash-figures.ts';
import { createCrashTracker, createRestartTracker } from './crash-tracker.ts';
import { addGaugeHistograms } from './gauge-histograms.ts';
import { alertLine, createHealthFiles, sampleLine } from './health-report.ts';
import { isAlive } from './proc.ts';
import type { Scrape } from './remote-source.ts';
import { buildHealthReport, cpuReadings } from './report-builder.ts';
import { clearSamplerCache } from './sampler.ts';
import { createScrapeWatch } from './scrape-watch.ts';
import { createServedRequests } from './served-requests.ts';
import { serverFigures } from './server-figures.ts';
import { chooseSource, describeSource, type Source } from './source.ts';
import { summarize } from './summary-metric.ts';

export { chooseSource, type Source } from './source.ts';

export interface Stats {
  counters?: Record<string, number>;
  summaries?: Record<string, unknown>;
  histograms?: Record<string, unknown>;
  firstMetricAt?: number;
  lastMetricAt?: number;
}

const MB = 1024 * 1024;

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

export function createMonitor(
  config: MonitorConfig,
  target: string | undefined,
  scenario: string,
  output: MonitorOutput = {},
): Monitor {
  const source = chooseSource(config, target);
  const startedAt = new Date();
  const files = createHealthFiles(config.reportsDir, scenario, output.runStartedAt ?? (() => startedAt), output.echo);
  const scrapes = createScrapeWatch({
    firstFailure: () =>
      output.notice?.(
        `Server monitor: ${source.kind === 'remote' ? source.metricsUrl : 'the server'} did not answer; failed scrapes count in server.scrape_failures`,
      ),
    noStartTime: () =>
      output.notice?.(
        'Server monitor: the metrics endpoint exposes no process_start_time_seconds, so restarts (crashes) cannot be seen; expose it, or crash gates fail as not measured',
      ),
  });
  const restarts = createRestartTracker();
  const crashSource: CrashSource =
    source.kind === 'local'
      ? { kind: 'local', tracker: createCrashTracker(source.rootPid) }
      : source.kind === 'remote'
        ? { kind: 'remote', restarts, scrapes }
        : { kind: 'none' };
  const crashes = createCrashFigures(crashSource);
  const alerts = createAlerts(
    (alert) => files.log(alertLine(alert)),
    source.kind === 'remote' ? source.metricsUrl : 'server',
  );
  const served = createServedRequests();
  const samples: Sample[] = [];
  let periodStart = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let responseTimeMean: number | null = null;
  let reportWritten: { file: string; report: HealthReport } | undefined;

  /** A sample of the server, or undefined when a remote scrape failed (logged, counted). */
  function accept(sample: Sample & { scrape?: Scrape }): boolean {
    if (!sample.scrape) return true;
    if (!scrapes.observe(sample, sample.scrape)) {
      files.log(`${new Date(sample.at).toISOString()} scrape_failed`);
      return false;
    }
    for (const event of restarts.observe(sample.at, sample.scrape.startTimeSeconds)) alerts.onTreeEvent(event);
    return true;
  }

  async function tick(): Promise<void> {
    if (stopped || !('sample' in source)) return;
    const sample: Sample & { scrape?: Scrape } = await source.sample();
    if (stopped) return;
    if (accept(sample)) {
      samples.push(sample);
      files.log(sampleLine(sample));
      if (crashSource.kind === 'local')
        for (const event of crashSource.tracker.observe(sample)) alerts.onTreeEvent(event);
      alerts.onSample(sample, samples[0] ?? sample);
    }
    timer = setTimeout(() => void tick(), config.intervalMs);
    timer.unref();
  }

  /** At the run's end: the root looked at once more, so a death after the last sample is counted. */
  function observeEnd(): void {
    if (crashSource.kind !== 'local' || source.kind !== 'local') return;
    for (const event of crashSource.tracker.observeEnd(Date.now(), isAlive(source.rootPid))) alerts.onTreeEvent(event);
  }

  /** The health report of what was sampled so far: written at the end, and the source of the run's server.* counters. */
  const report = (interrupted: boolean): HealthReport =>
    buildHealthReport({
      scenario,
      source: describeSource(source, config.selector),
      remote: source.kind === 'remote',
      startedAt,
      finishedAt: new Date(),
      interrupted,
      samples,
      segmentOf: scrapes.segmentOf,
      leakRules: config.leakRules,
      requestsBetween: served.between,
      alerts: alerts.list(),
      crashes,
      scrapeFailures: scrapes.failuresSince(0),
      responseTimeMeanMs: responseTimeMean,
    });

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
      const responses = stats.counters?.['http.responses'];
      if (responses !== undefined && stats.lastMetricAt)
        served.addPeriod(responses, stats.firstMetricAt, stats.lastMetricAt);
      if (!('sample' in source)) return;
      const period = samples.filter((s) => s.at >= periodStart);
      const memory = summarize(period.map((s) => s.totals.memoryBytes / MB));
      const cpu = summarize(period.map((s) => s.totals.cpuPercent));
      stats.summaries = { ...stats.summaries };
      stats.counters = { ...stats.counters, ...crashes.counters(periodStart, false) };
      if (memory) stats.summaries['server.tree_memory_mb'] = memory;
      if (cpu) stats.summaries['server.tree_cpu_pct'] = cpu;
      periodStart = Date.now();
    },
    addAggregateMetrics(stats) {
      observeEnd();
      responseTimeMean = (stats.summaries?.['http.response_time'] as { mean?: number } | undefined)?.mean ?? null;
      stats.counters = { ...stats.counters, ...serverFigures(report(false)) };
      if (!('sample' in source)) return;
      if (samples.length > 0) {
        const all = summarize(samples.map((s) => s.totals.memoryBytes / MB));
        const allCpu = summarize(cpuReadings(samples));
        stats.summaries = { ...stats.summaries };
        if (all) stats.summaries['server.tree_memory_mb'] = all;
        if (allCpu) stats.summaries['server.tree_cpu_pct'] = allCpu;
      }
      if (config.gaugeHistograms) addGaugeHistograms(stats, stats.counters);
    },
    writeReport(interrupted) {
      if (reportWritten) return reportWritten;
      observeEnd();
      const built = report(interrupted);
      reportWritten = { file: files.writeReport(built), report: built };
      return reportWritten;
    },
    discardFiles() {
      files.discard();
    },
  };
}
