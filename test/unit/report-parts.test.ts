import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HealthReport } from '../../plugins/server-monitor/health-report.ts';
import { buildCharts, requestedMean } from '../../plugins/verdict/chart-data.ts';
import { downsampleMax } from '../../plugins/verdict/downsample.ts';
import { gateExpressions } from '../../plugins/verdict/gate-expressions.ts';
import { renderJunit } from '../../plugins/verdict/junit.ts';
import { sumPeriods } from '../../plugins/verdict/measured-values.ts';
import { publicSettings, type RunData } from '../../plugins/verdict/run-data.ts';
import { scalePhases } from '../../scripts/lib/scale-phases.ts';
import { SUITE, selectScenarios, stopsSuite } from '../../scripts/lib/suite-order.ts';
import { summaryRow } from '../../scripts/lib/suite-summary.ts';

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
    assert.match(xml, /name="a \/ b &#62;= 0.95 &#38; &#60;x&#62;"/);
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
    assert.equal(s.signingScheme, 'github');
  });
});

describe('suite', () => {
  it('scales rate-shaped phases and leaves count-shaped tests alone', () => {
    assert.deepEqual(scalePhases([{ arrivalRate: 100, duration: 30 }], 2, 0.5), [{ arrivalRate: 50, duration: 60 }]);
    assert.deepEqual(scalePhases([{ arrivalCount: 20, duration: '10ms' }], 2, 2), [
      { arrivalCount: 20, duration: '10ms' },
    ]);
  });

  it('selects scenarios in the guide order and rejects unknown ones', () => {
    assert.deepEqual(selectScenarios('idempotency,hft'), ['hft', 'idempotency']);
    assert.throws(() => selectScenarios('hft,soak'), /unknown scenario "soak"/);
  });

  it('runs the preflight first and stops only when it fails', () => {
    assert.equal(SUITE[0], 'preflight');
    assert.deepEqual(selectScenarios('hostile,preflight'), ['preflight', 'hostile']);
    assert.equal(stopsSuite('preflight', 1), true);
    assert.equal(stopsSuite('preflight', 0), false);
    assert.equal(stopsSuite('hft', 1), false);
  });

  it('shows the share of hostile requests rejected over every class', () => {
    const counters = {
      'webhook.sent': 35,
      'hostile.forged_sig.sent': 5,
      'hostile.forged_sig.rejected': 5,
      'hostile.malformed.sent': 5,
      'hostile.malformed.rejected': 0,
      'hostile.stale_ts.not_applicable': 1,
    };
    const row = summaryRow({ scenario: 'hostile', exitCode: 1, verdict: undefined, counters, responseTime: {} });
    assert.equal(row.hostileRejectedPct, '50.0 %');
    assert.equal(row.lateSignals, '-');
    const late = { 'order.late_sent': 5, 'order.late_accepted': 5, 'order.late_rejected': 0 };
    assert.equal(
      summaryRow({ scenario: 'out-of-order', exitCode: 0, verdict: undefined, counters: late, responseTime: {} })
        .lateSignals,
      '5 accepted, 0 rejected',
    );
    assert.equal(
      summaryRow({ scenario: 'hft', exitCode: 0, verdict: undefined, counters: {}, responseTime: {} })
        .hostileRejectedPct,
      '-',
    );
  });

  it('summarises a run in the guide terms; a run without verdict is a failure', () => {
    const row = summaryRow({
      scenario: 'hft',
      exitCode: 0,
      verdict: undefined,
      counters: { 'webhook.sent': 100, 'webhook.as_expected': 97, 'webhook.rate_limited': 3 },
      responseTime: { mean: 2.345, p95: 4 },
    });
    assert.equal(row.result, 'FAIL');
    assert.equal(row.successPct, '97.0 %');
    assert.equal(row.rateLimitedPct, '3.0 %');
    assert.equal(row.processed, '-');
    assert.equal(row.neighboursPct, '-');
    assert.deepEqual(row.failedGates, ['the run ended without a verdict (exit 0)']);
  });

  it("shows exactly-once as executions of expected, and the neighbours' accepted share", () => {
    const row = summaryRow({
      scenario: 'noisy-neighbour',
      exitCode: 0,
      verdict: undefined,
      counters: {
        'webhook.executions': 3,
        'webhook.expected_executions': 3,
        'neighbours.sent': 160,
        'neighbours.accepted': 152,
      },
      responseTime: undefined,
    });
    assert.equal(row.processed, '3 of 3');
    assert.equal(row.neighboursPct, '95.0 %');
    const burst = summaryRow({
      scenario: 'burst',
      exitCode: 0,
      verdict: undefined,
      responseTime: undefined,
      counters: { 'webhook.executions': 1, 'webhook.expected_executions': 0 },
    });
    assert.equal(burst.processed, '1');
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
