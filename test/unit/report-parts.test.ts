import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { threadId } from 'node:worker_threads';
import type { HealthReport } from 'webhook-stress-common';
import {
  appendRequest,
  collectRequests,
  type RequestColumns,
  type RequestRecord,
  recordDir,
  startRecording,
} from '../../packages/common/request-record.ts';
import { baselineGates, compareFigures, parseTolerance, resolveTolerances } from '../../packages/report/baseline.ts';
import { buildCharts } from '../../packages/report/chart-data.ts';
import { requestedMean } from '../../packages/report/chart-series.ts';
import { downsampleMax } from '../../packages/report/downsample.ts';
import { gateExpressions } from '../../packages/report/gate-expressions.ts';
import { renderJunit } from '../../packages/report/junit.ts';
import { keyFigures } from '../../packages/report/key-figures.ts';
import { sumPeriods } from '../../packages/report/measured-values.ts';
import { publicSettings } from '../../packages/report/run-data.ts';
import type { RunData } from '../../packages/report/run-format.ts';
import { scalePhases } from '../../scripts/lib/scale-phases.ts';

describe('requested rate from phases', () => {
  const phases = [{ arrivalCount: 100, duration: 1 }, { pause: 2 }, { arrivalRate: 10, rampTo: 30, duration: 10 }];
  it('counts, pauses and ramps', () => {
    assert.equal(requestedMean(phases, 0.25, 0.5), 100);
    assert.equal(requestedMean(phases, 1.5, 1), 0);
    assert.ok(Math.abs(requestedMean(phases, 7.9, 0.2) - 20) < 1e-9);
    assert.equal(requestedMean(phases, 90, 10), 0);
  });
  it('averages over a period, short bursts and ramps included', () => {
    assert.ok(Math.abs(requestedMean(phases, 0, 3) - 100 / 3) < 1e-9);
    assert.equal(requestedMean([{ arrivalCount: 20, duration: '10ms' }], 0, 10), 2);
    assert.equal(requestedMean(phases, 3, 10), 20);
  });
});

describe('downsampling', () => {
  it('keeps at most the limit and never hides a peak', () => {
    const xs = Array.from({ length: 3600 }, (_, i) => i);
    const ys = xs.map((i) => (i === 1234 ? 500 : 100));
    const out = downsampleMax(xs, [ys], 1000);
    assert.ok(out.xs.length <= 1000);
    assert.equal(Math.max(...(out.ys[0] as number[])), 500);
  });
});

describe('JUnit', () => {
  it('one case per gate, failures carry the measured value, text is escaped', () => {
    const xml = renderJunit([
      {
        scenario: 'burst',
        gates: [
          { expression: 'webhook.accepted == 1', passed: false, strict: true, measured: { 'webhook.accepted': 8 } },
          { expression: 'a / b >= 0.95 & <x>', passed: true, strict: true, measured: {} },
          {
            expression: 'server.memory_growth_mb < 50',
            passed: false,
            strict: false,
            measured: { 'server.memory_growth_mb': 61 },
          },
        ],
      },
    ]);
    assert.equal((xml.match(/<testcase /g) ?? []).length, 3);
    assert.match(xml, /<testsuite name="burst" tests="3" failures="1" errors="0">/);
    assert.match(xml, /<failure message="gate failed: webhook.accepted == 1 \(webhook.accepted = 8\)"\/>/);
    assert.match(xml, /name="a \/ b &#62;= N &#38; &#60;x&#62;"/);
    assert.match(
      xml,
      /<system-out>warning: server.memory_growth_mb &#60; 50 \(server.memory_growth_mb = 61\)<\/system-out>/,
    );
  });
});

describe('report settings', () => {
  it('show the target origin only, never a path, query or credentials', () => {
    const withCredentials = 'http://user:pw@127.0.0.1:8000/api?secret=abc';
    const s = publicSettings(
      { target: withCredentials, variables: { webhookPool: 20, webhookSecret: 'x' } },
      { SIGNING_SCHEME: 'github', WEBHOOK_SECRET: 'x' },
    );
    assert.equal(s.target, 'http://127.0.0.1:8000');
    assert.deepEqual(s.variables, { webhookPool: 20 });
    assert.equal(s.decisive, undefined, 'what decided the gates comes from the processor, not re-derived here');
  });

  it('show the server the run used: BASE_URL under the default target, the given target over it', () => {
    const env = { BASE_URL: 'http://127.0.0.1:9100/hooks' };
    assert.equal(publicSettings({ target: 'http://127.0.0.1:8000' }, env).target, 'http://127.0.0.1:9100');
    assert.equal(publicSettings({ target: 'http://127.0.0.1:7000' }, env).target, 'http://127.0.0.1:7000');
  });
});

describe('suite', () => {
  it('scales rate-shaped phases and leaves count-shaped tests alone', () => {
    assert.deepEqual(scalePhases([{ arrivalRate: 100, duration: 30 }], 2, 0.5), [{ arrivalRate: 50, duration: 60 }]);
    assert.deepEqual(scalePhases([{ arrivalCount: 20, duration: '10ms' }], 2, 2), [
      { arrivalCount: 20, duration: '10ms' },
    ]);
  });
});

describe('gates of a run stopped early', () => {
  it('lists thresholds and conditions as ensure phrases them', () => {
    assert.deepEqual(
      gateExpressions({
        thresholds: [{ 'http.response_time.p95': 200 }],
        conditions: [
          { expression: 'webhook.server_error == 0' },
          { expression: 'server.cpu_avg_pct < 80', strict: false },
        ],
      }),
      [
        { expression: 'http.response_time.p95 < 200', strict: true },
        { expression: 'webhook.server_error == 0', strict: true },
        { expression: 'server.cpu_avg_pct < 80', strict: false },
      ],
    );
  });

  it('adds up counters of the completed periods', () => {
    assert.deepEqual(sumPeriods([{ counters: { a: 1, b: 2 } }, { counters: { a: 3 } }]), { counters: { a: 4, b: 2 } });
  });
});

describe('memory chart', () => {
  it('draws the leak trend from the monitor warm-up boundary and origin, not a fixed share', () => {
    const MB = 1024 * 1024;
    const samples = [0, 1000, 2000, 3000].map((at) => ({
      at,
      rootAlive: true,
      processes: {},
      totals: {
        rssBytes: 0,
        memoryBytes: 100 * MB,
        memoryMeasure: 'pss',
        cpuPercent: 0,
        threads: 0,
        openFiles: 0,
        connections: 0,
      },
    }));
    const health = {
      summary: { memory_measure: 'pss' },
      memory: { trend: { slope: 60, intercept: 100 }, originAt: 0, warmupEndAt: 2000 },
      process_events: [],
      samples,
    } as unknown as HealthReport;
    const run = { periods: [], health, settings: undefined } as unknown as RunData;
    const memory = buildCharts(run).find((c) => c.id === 'memory');
    assert.deepEqual(memory?.series.find((s) => s.label === 'leak trend')?.values, [null, null, 102, 103]);
  });
});

function columns(records: RequestRecord[]): RequestColumns {
  const outcomes = [...new Set(records.map((r) => r.outcome))];
  return {
    count: records.length,
    sentAt: Float64Array.from(records, (r) => r.sentAt),
    dispatchOffsetMs: Float32Array.from(records, (r) => r.dispatchOffsetMs ?? Number.NaN),
    latencyMs: Float32Array.from(records, (r) => r.latencyMs ?? Number.NaN),
    status: Uint16Array.from(records, (r) => r.status ?? 0),
    outcome: Uint8Array.from(records, (r) => outcomes.indexOf(r.outcome)),
    webhook: Uint16Array.from(records, (r) => r.webhook),
    outcomes,
  };
}

describe('per-request record', () => {
  it('workers append 24-byte records; the main thread merges them in time order and removes the files', () => {
    const dir = recordDir();
    startRecording(dir);
    const t0 = Date.now();
    appendRequest({
      sentAt: t0 + 5,
      dispatchOffsetMs: 0.5,
      latencyMs: 12.5,
      status: 429,
      outcome: 'rate_limited',
      webhook: 3,
    });
    appendRequest({ sentAt: t0, dispatchOffsetMs: 0, latencyMs: 10, status: 200, outcome: 'accepted', webhook: 3 });
    appendRequest({
      sentAt: t0 + 9,
      dispatchOffsetMs: undefined,
      latencyMs: undefined,
      status: undefined,
      outcome: 'timed_out',
      webhook: 1,
    });
    assert.equal(statSync(path.join(dir, `${threadId}.bin`)).size, 3 * 24);
    const r = collectRequests(dir);
    assert.ok(r);
    assert.equal(r.count, 3);
    assert.deepEqual([...r.sentAt], [t0, t0 + 5, t0 + 9]);
    assert.deepEqual(
      [...r.outcome].map((k) => r.outcomes[k]),
      ['accepted', 'rate_limited', 'timed_out'],
    );
    assert.deepEqual([...r.status], [200, 429, 0]);
    assert.ok(Number.isNaN(r.latencyMs[2] as number) && Number.isNaN(r.dispatchOffsetMs[2] as number));
    assert.deepEqual([...r.webhook], [3, 3, 1]);
    assert.equal(existsSync(dir), false, 'no file left behind');
  });

  it('a burst draws every request by dispatch offset, coloured by outcome, and the limiter against its band', () => {
    const t0 = 1_700_000_000_000;
    const records = Array.from({ length: 20 }, (_, i) => ({
      sentAt: t0 + i * 0.02,
      dispatchOffsetMs: i * 0.02,
      latencyMs: 5 + i,
      status: i === 0 ? 200 : i < 5 ? 409 : 429,
      outcome: i === 0 ? 'accepted' : i < 5 ? 'duplicate' : 'rate_limited',
      webhook: 0,
    }));
    const run = {
      periods: [],
      settings: undefined,
      health: undefined,
      aggregate: { counters: { 'webhook.limit_band_min': 4, 'webhook.limit_band_max': 6, 'webhook.limit_allowed': 5 } },
      requests: columns(records),
    } as unknown as RunData;
    const charts = buildCharts(run);
    assert.deepEqual(
      charts.map((c) => c.id),
      ['rate', 'burst-scatter', 'limit-timeline', 'latency-histogram', 'latency-cdf', 'outcomes-per-second'],
    );
    const scatter = charts.find((c) => c.id === 'burst-scatter');
    assert.deepEqual(
      scatter?.series.map((s) => [s.label, s.values.filter((v) => v !== null).length]),
      [
        ['accepted', 1],
        ['duplicate', 4],
        ['rate_limited', 15],
      ],
    );
    const limit = charts.find((c) => c.id === 'limit-timeline');
    assert.equal(limit?.series[0]?.values.at(-1), 5);
    assert.deepEqual(
      limit?.series.slice(1).map((s) => s.values[0]),
      [4, 6],
    );
  });

  it('one hour at 100 requests/s stays small: per-second buckets, peaks kept', () => {
    const t0 = 1_700_000_000_000;
    const records = Array.from({ length: 360_000 }, (_, i) => ({
      sentAt: t0 + i * 10,
      dispatchOffsetMs: undefined,
      latencyMs: i === 200_000 ? 900 : 20,
      status: 200,
      outcome: 'accepted',
      webhook: i % 20,
    }));
    const run = { periods: [], settings: undefined, health: undefined, aggregate: {}, requests: columns(records) };
    const charts = buildCharts(run as unknown as RunData);
    for (const c of charts) assert.ok(c.xs.length <= 1200, `${c.id} has ${c.xs.length} points`);
    const timeline = charts.find((c) => c.id === 'request-timeline');
    const peaks = timeline?.series.find((s) => s.label === 'max')?.values ?? [];
    assert.equal(Math.max(...(peaks as number[])), 900);
  });
});

describe('baseline comparison', () => {
  const base = { 'http.response_time.p95': 10, as_expected_pct: 100, 'server.memory_growth_mb': null };
  it('reads tolerances as relative, absolute, the larger of both, either way, or off', () => {
    assert.deepEqual(parseTolerance('p95', '+20% +5'), { up: true, down: false, pct: 20, abs: 5 });
    assert.deepEqual(parseTolerance('x', '±10%'), { up: true, down: true, pct: 10, abs: 0 });
    assert.deepEqual(parseTolerance('x', '-2'), { up: false, down: true, pct: 0, abs: 2 });
    assert.throws(
      () => parseTolerance('http.response_time.p95', '20 percent'),
      /tolerance for http\.response_time\.p95 is "20 percent": write e\.g\./,
    );
    assert.throws(() => resolveTolerances({ 'http.p95': '+1' }, undefined), /unknown figure "http\.p95"/);
  });
  it('a figure beyond its tolerance is a regression, a failing gate naming both values and the tolerance', () => {
    const tolerances = { 'http.response_time.p95': '+20% +1', as_expected_pct: '-2', 'server.memory_growth_mb': '+5' };
    const within = compareFigures(base, { 'http.response_time.p95': 12, as_expected_pct: 98.5 }, tolerances);
    assert.deepEqual(
      within.map((c) => c.result),
      ['pass', 'pass'],
      'memory growth measured in neither run is not compared',
    );
    const worse = compareFigures(base, { 'http.response_time.p95': 12.5, as_expected_pct: 97 }, tolerances);
    assert.deepEqual(
      worse.map((c) => [c.result, c.limit]),
      [
        ['regression', { high: 12 }],
        ['regression', { low: 98 }],
      ],
    );
    const gates = baselineGates(worse);
    assert.equal(
      gates[0]?.expression,
      'baseline: http.response_time.p95 12.5 vs baseline 10 (tolerance +20% +1: at most 12)',
    );
    assert.ok(gates.every((g) => !g.passed && g.strict));
    const unmeasured = compareFigures(base, { as_expected_pct: 100 }, tolerances);
    assert.equal(unmeasured[0]?.result, 'not measured');
    const newFigure = compareFigures(base, { 'server.memory_growth_mb': 3 }, tolerances);
    assert.deepEqual(baselineGates(newFigure).at(-1)?.strict, false, 'a figure the baseline lacks only warns');
  });
  it('key figures come from the aggregate: percentiles, shares of sent, server figures', () => {
    const figures = keyFigures({
      counters: { 'webhook.sent': 200, 'webhook.as_expected': 199, 'webhook.rate_limited': 20 },
      summaries: { 'http.response_time': { median: 3, p95: 7.123, p99: 9 } },
    });
    assert.deepEqual(figures, {
      'http.response_time.p50': 3,
      'http.response_time.p95': 7.12,
      'http.response_time.p99': 9,
      as_expected_pct: 99.5,
      rate_limited_pct: 10,
      'server.memory_growth_mb': null,
      'server.leak_slope_mb_per_min': null,
    });
  });
});

describe('Artillery counters counted by outcome', () => {
  it('an absent http.codes.N or errors.X is 0 once the HTTP engine ran, and not measured before', async () => {
    const { measuredValues } = await import('../../packages/report/measured-values.ts');
    const ran = new Map([
      ['http.requests', 10],
      ['http.codes.500', 10],
    ]);
    assert.deepEqual(measuredValues('http.codes.200 == http.requests', ran), [
      ['http.codes.200', 0],
      ['http.requests', 10],
    ]);
    assert.deepEqual(measuredValues('errors.ETIMEDOUT == 0', ran), [['errors.ETIMEDOUT', 0]]);
    assert.deepEqual(measuredValues('webhook.executions == 1', ran), [['webhook.executions', undefined]]);
    assert.deepEqual(measuredValues('http.codes.200 > 0', new Map()), [['http.codes.200', undefined]]);
  });
});
