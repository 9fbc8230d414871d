// The monitor's parts, each on its own: alerting, crash figures, scrape watching and the
// health report built from them (plugins/server-monitor: alerts.ts, crash-figures.ts,
// scrape-watch.ts, served-requests.ts, report-builder.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Alert, Sample } from 'webhook-stress-common';
import { createAlerts } from '../../plugins/server-monitor/alerts.ts';
import { DEFAULT_LEAK_RULES } from '../../plugins/server-monitor/analysis.ts';
import { createCrashFigures } from '../../plugins/server-monitor/crash-figures.ts';
import { createCrashTracker, createRestartTracker } from '../../plugins/server-monitor/crash-tracker.ts';
import { buildHealthReport, workerMemory } from '../../plugins/server-monitor/report-builder.ts';
import { createScrapeWatch } from '../../plugins/server-monitor/scrape-watch.ts';
import { createServedRequests } from '../../plugins/server-monitor/served-requests.ts';

const MB = 1024 * 1024;

function sample(at: number, memoryMb: number, cpuPercent = 10, processes: Sample['processes'] = {}): Sample {
  return {
    at,
    rootAlive: true,
    processes,
    exited: [],
    totals: {
      rssBytes: memoryMb * MB,
      memoryBytes: memoryMb * MB,
      memoryMeasure: 'rss',
      cpuPercent,
      threads: 1,
      openFiles: 3,
      connections: 0,
    },
  };
}

const proc = (worker: boolean, rssMb: number) => ({
  rssBytes: rssMb * MB,
  pssBytes: undefined,
  cpuPercent: 1,
  threads: 1,
  openFiles: 1,
  startTicks: 1,
  ageMs: 10_000,
  worker,
});

describe('alerts', () => {
  it('warns past 50 MB of growth and is critical past 100 MB, each once', () => {
    const logged: Alert[] = [];
    const alerts = createAlerts((a) => logged.push(a), 'server');
    const first = sample(0, 100);
    for (const [at, mb] of [
      [1, 140],
      [2, 160],
      [3, 170],
      [4, 210],
      [5, 220],
    ] as const)
      alerts.onSample(sample(at, mb), first);
    assert.deepEqual(
      logged.map((a) => `${a.level} ${a.message}`),
      ['warning memory grew 60.0 MB', 'critical memory grew 110.0 MB'],
    );
    assert.deepEqual(alerts.list(), logged);
  });

  it('warns when CPU stays above 80 % for 5 samples in a row, not for 4', () => {
    const alerts = createAlerts(() => {}, 'server');
    const first = sample(0, 100);
    for (const [at, cpu] of [90, 90, 90, 90, 10, 90, 90, 90, 90, 90].entries())
      alerts.onSample(sample(at, 100, cpu), first);
    assert.deepEqual(
      alerts.list().map((a) => [a.at, a.message]),
      [[9, 'CPU above 80 % for 5 samples']],
    );
  });

  it('names each tree event, a remote restart by the server it watches', () => {
    const alerts = createAlerts(() => {}, 'http://127.0.0.1:9/metrics');
    alerts.onTreeEvent({ at: 1, kind: 'worker_exited', pid: 7 });
    alerts.onTreeEvent({ at: 2, kind: 'worker_started', pid: 8 });
    alerts.onTreeEvent({ at: 3, kind: 'restarted', pid: 0 });
    alerts.onTreeEvent({ at: 4, kind: 'root_died', pid: 6 });
    assert.deepEqual(
      alerts.list().map((a) => `${a.level} ${a.message}`),
      [
        'critical worker (pid:7) died: crash',
        'warning worker (pid:8) started during the run',
        'critical http://127.0.0.1:9/metrics restarted: crash',
        'critical server root (pid:6) died',
      ],
    );
  });
});

describe('crash figures', () => {
  it('a source that cannot see crashes leaves them not measured', () => {
    const figures = createCrashFigures({ kind: 'none' });
    assert.equal(figures.measured(), false);
    assert.deepEqual(figures.counters(0, true), {});
  });

  it('remote: crashes are restarts, measured once a start time was seen; a failing endpoint counts as dead', () => {
    const restarts = createRestartTracker();
    const scrapes = createScrapeWatch({ firstFailure: () => {}, noStartTime: () => {} });
    const figures = createCrashFigures({ kind: 'remote', restarts, scrapes });
    assert.equal(figures.measured(), false);
    restarts.observe(1000, 100);
    restarts.observe(2000, 105);
    scrapes.observe(sample(3000, 1), { ok: false, startTimeSeconds: undefined });
    assert.deepEqual(figures.counters(0, true), {
      'server.worker_crashes': 1,
      'server.root_died': 1,
      'server.scrape_failures': 1,
    });
    assert.deepEqual(figures.counters(2500, false), { 'server.worker_crashes': 0, 'server.scrape_failures': 1 });
  });

  it('local: a worker that disappears is a crash; worker starts and tasks are counted apart', () => {
    const tracker = createCrashTracker(1);
    const figures = createCrashFigures({ kind: 'local', tracker });
    tracker.observe({
      at: 0,
      rootAlive: true,
      processes: { 1: { startTicks: 1, worker: false }, 2: { startTicks: 2, worker: true } },
      exited: [],
    });
    tracker.observe({ at: 1, rootAlive: true, processes: { 1: { startTicks: 1, worker: false } }, exited: [] });
    const c = figures.counters(0, true);
    assert.equal(c['server.worker_crashes'], 1);
    assert.equal(c['server.root_died'], 0);
    assert.equal(c['server.tasks_started'], 0);
  });
});

describe('scrape watch', () => {
  it('tells the first failure and a missing start time once each, and segments samples by start time', () => {
    const notices: string[] = [];
    const watch = createScrapeWatch({
      firstFailure: () => notices.push('failure'),
      noStartTime: () => notices.push('no start time'),
    });
    const a = sample(1, 1);
    const b = sample(2, 1);
    assert.equal(watch.observe(a, { ok: true, startTimeSeconds: 5 }), true);
    assert.equal(watch.observe(sample(3, 1), { ok: false, startTimeSeconds: undefined }), false);
    assert.equal(watch.observe(sample(4, 1), { ok: false, startTimeSeconds: undefined }), false);
    assert.equal(watch.observe(b, { ok: true, startTimeSeconds: undefined }), true);
    assert.equal(watch.observe(sample(6, 1), { ok: true, startTimeSeconds: undefined }), true);
    assert.deepEqual(notices, ['failure', 'no start time']);
    assert.equal(watch.segmentOf(a), '5');
    assert.equal(watch.segmentOf(b), '');
    assert.equal(watch.failuresSince(0), 2);
    assert.equal(watch.failuresSince(4), 1);
    assert.equal(watch.lastFailed(), false);
  });
});

describe('health report', () => {
  it('sums the workers memory, leaves tasks and the first CPU reading out, and carries every figure it was given', () => {
    const workers = { 10: proc(true, 40), 11: proc(true, 30), 12: proc(false, 500) };
    assert.deepEqual(workerMemory(sample(0, 570, 10, workers)), { bytes: 70 * MB, segment: '10,11' });
    const served = createServedRequests();
    served.addPeriod(100, 0, 10_000);
    assert.equal(served.between(0, 5000), 50);
    const samples = [sample(0, 100, 0), sample(1000, 110, 50), sample(2000, 120, 70)];
    const report = buildHealthReport({
      scenario: 'hft',
      source: { kind: 'unmeasured', reason: 'test' },
      remote: false,
      startedAt: new Date(0),
      finishedAt: new Date(3000),
      interrupted: false,
      samples,
      segmentOf: () => undefined,
      leakRules: DEFAULT_LEAK_RULES,
      requestsBetween: served.between,
      alerts: [{ at: 1, level: 'warning', message: 'x' }],
      crashes: createCrashFigures({ kind: 'none' }),
      scrapeFailures: 0,
      responseTimeMeanMs: 4.5,
    });
    assert.equal(report.summary.max_cpu_percent, 70);
    assert.equal(report.summary.avg_cpu_percent, 60);
    assert.equal(report.summary.max_memory_mb, 120);
    assert.equal(report.summary.memory_growth_mb, 20);
    assert.equal(report.summary.worker_crashes, null, 'not measured without a crash source');
    assert.equal(report.summary.total_alerts, 1);
    assert.equal(report.summary.avg_response_time_ms, 4.5);
    assert.equal(report.summary.samples, 3);
    assert.equal(report.finished_at, new Date(3000).toISOString());
  });
});
