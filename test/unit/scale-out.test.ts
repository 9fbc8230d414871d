// The parts of the scale-out that need no server: each generator's share of the phases,
// the burst's shared signal, which generator samples the server, and the merge of
// generator results with Artillery's own SSMS and ensure code.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DDSketch } from '@artilleryio/sketches-js';
import { MonitorConfigError, readMonitorConfig } from '../../plugins/server-monitor/config.ts';
import { sharedSignal } from '../../processors/lib/signals.ts';
import { loadEnsure, loadSsms, type SketchPeriod } from '../../scripts/lib/artillery-internals.ts';
import { type GeneratorRun, mergeRuns, withProcessedCount } from '../../scripts/lib/merge-runs.ts';
import { runEnsure } from '../../scripts/lib/merged-verdict.ts';
import { generatorConditions, generatorPhases } from '../../scripts/lib/scale-out.ts';

const ssms = await loadSsms();
const ensure = await loadEnsure();

function sketch(values: number[]): DDSketch {
  const s = new DDSketch({ relativeAccuracy: 0.01 });
  for (const v of values) s.accept(v);
  return s;
}

/** A generator's result as Artillery keeps it (sketches) and as --output writes it (summaries). */
function generator(file: string, counters: Record<string, number>, times: number[]): GeneratorRun {
  const period = (): SketchPeriod => ({
    period: 1_700_000_000_000,
    counters: { ...counters },
    histograms: { 'http.response_time': sketch(times) },
  });
  const summaries = { 'http.response_time': ssms.summarizeHistogram(sketch(times)) };
  return {
    file,
    output: {
      aggregate: { counters: { ...counters }, summaries, histograms: summaries },
      intermediate: [{ period: 1_700_000_000_000, counters: { ...counters }, summaries }],
    },
    sketches: { aggregate: period(), intermediate: [period()] },
  };
}

describe('a generator share of the phases', () => {
  it('splits an arrival count into near-equal parts that add up to it, and divides rates', () => {
    const shares = [0, 1, 2].map((i) => generatorPhases([{ arrivalCount: 100, duration: 12 }], 3, i)[0]);
    assert.deepEqual(
      shares.map((p) => p?.arrivalCount),
      [34, 33, 33],
    );
    assert.deepEqual(generatorPhases([{ arrivalRate: 10, rampTo: 30, duration: 60 }], 2, 1), [
      { arrivalRate: 5, rampTo: 15, duration: 60 },
    ]);
  });

  it('runs a one-virtual-user test (arrivalCount below N) whole in every generator', () => {
    assert.deepEqual(generatorPhases([{ arrivalCount: 1, duration: 1 }], 2, 1), [{ arrivalCount: 1, duration: 1 }]);
  });
});

describe("the burst's shared signal", () => {
  it('is the same bytes for the same seed and instant, whatever process makes it', () => {
    const at = Date.parse('2026-11-29T10:00:00Z');
    assert.equal(JSON.stringify(sharedSignal(7, at)), JSON.stringify(sharedSignal(7, at)));
    assert.notEqual(sharedSignal(7, at).signal_id, sharedSignal(7, at + 1).signal_id, 'another run, another signal');
    assert.notDeepEqual(
      { ...sharedSignal(7, at), signal_id: '' },
      { ...sharedSignal(8, at), signal_id: '' },
      'the content comes from the seed',
    );
  });
});

describe('one generator samples the server', () => {
  it('generator 0 by default; the others say which one does', () => {
    assert.equal(readMonitorConfig({}, {}).enabled, true, 'no scale-out: sample');
    assert.equal(readMonitorConfig({}, { GENERATOR_INDEX: '0' }).enabled, true);
    const other = readMonitorConfig({}, { GENERATOR_INDEX: '1' });
    assert.equal(other.enabled, false);
    assert.equal(
      other.offReason,
      'generator 1 of a scale-out, generator 0 samples the server (SERVER_MONITOR_GENERATOR)',
    );
    assert.equal(readMonitorConfig({}, { GENERATOR_INDEX: '1', SERVER_MONITOR_GENERATOR: '1' }).enabled, true);
  });

  it('a wrong index is one line naming it', () => {
    assert.throws(
      () => readMonitorConfig({}, { GENERATOR_INDEX: 'first' }),
      new MonitorConfigError('GENERATOR_INDEX="first" is not a generator index (0, 1, 2, ...)'),
    );
  });
});

describe('merging generator results with Artillery code', () => {
  it('adds counters up, merges histograms as sketches, and takes server figures from the one sampler', () => {
    const g0 = generator(
      'g0.json',
      { 'webhook.sent': 50, 'server.sampling_parties': 1, 'server.samples': 12, 'server.memory_peak_mb': 44 },
      [1, 2, 3, 4, 5],
    );
    const g1 = generator('g1.json', { 'webhook.sent': 50, 'server.samples': 0 }, [10, 20, 30, 40, 50]);
    const merged = mergeRuns(ssms, [g0, g1]);
    assert.deepEqual(merged.notes, []);
    const c = merged.aggregate.counters ?? {};
    assert.equal(c['webhook.sent'], 100);
    assert.equal(c['server.memory_peak_mb'], 44, 'a gauge of one sampler, not a sum');
    assert.equal(c['server.samples'], 12);
    const times = merged.aggregate.summaries?.['http.response_time'];
    assert.equal(times?.count, 10);
    assert.equal(times?.max, 50);
    assert.ok(Math.abs((times?.min ?? 0) - 1) < 0.02);
    assert.equal(merged.intermediate.length, 1);
    assert.equal(merged.intermediate[0]?.counters?.['webhook.sent'], 100);
  });

  it("an already merged file whose server 3 parties sampled (run-fargate --count 3): each figure the largest party's, from its gauge", () => {
    const fargate = generator(
      'fargate.json',
      { 'webhook.sent': 300, 'server.sampling_parties': 3, 'server.memory_peak_mb': 132, 'server.worker_crashes': 3 },
      [1],
    );
    const gauge = (max: number) => ({ min: max - 1, max, count: 3, mean: max - 0.5 });
    fargate.output.aggregate.summaries = {
      ...fargate.output.aggregate.summaries,
      'server.gauge.memory_peak_mb': gauge(44),
      'server.gauge.worker_crashes': gauge(1),
    };
    const merged = mergeRuns(ssms, [fargate]);
    assert.equal(merged.aggregate.counters?.['server.memory_peak_mb'], 44);
    assert.equal(merged.aggregate.counters?.['server.worker_crashes'], 1, 'one crash seen by 3 parties is one crash');
    assert.equal(merged.aggregate.counters?.['webhook.sent'], 300);
    assert.match(merged.notes[0] ?? '', /sampled the server 3 times; each server figure is the largest party's/);
  });

  it('several samplers and no gauges (files of generators not told they are one of several): server figures not measured', () => {
    const a = generator('a.json', { 'webhook.sent': 1, 'server.samples': 5, 'server.memory_peak_mb': 40 }, [1]);
    const b = generator('b.json', { 'webhook.sent': 1, 'server.samples': 5, 'server.memory_peak_mb': 41 }, [1]);
    const merged = mergeRuns(ssms, [a, b]);
    assert.equal(merged.aggregate.counters?.['server.memory_peak_mb'], undefined);
    assert.equal(merged.aggregate.counters?.['webhook.sent'], 2);
    assert.match(merged.notes[0] ?? '', /carry no server\.gauge\.\* histograms; .* server gates are not measured/);
  });

  it("the orchestrator's processed count is the exactly-once figure, and ensure judges it", () => {
    const merged = withProcessedCount(mergeRuns(ssms, [generator('g0.json', { 'webhook.sent': 100 }, [1])]), 1);
    const config = {
      ensure: { conditions: [{ expression: 'webhook.executions == 1' }, { expression: 'server.root_died == 0' }] },
    };
    const checks = runEnsure(ensure, config, merged.aggregate);
    assert.deepEqual(
      checks.map((c) => [c.original, c.result]),
      [
        ['webhook.executions == 1', 1],
        ['server.root_died == 0', 0],
      ],
      'a figure never emitted fails a strict gate',
    );
  });
});

describe('the gates a generator judges itself', () => {
  const conditions = [
    { expression: 'burst.dispatch_spread_ms.max <= 5', validity: 'why' },
    { expression: 'webhook.executions == 1' },
    { expression: 'webhook.processed == webhook.accepted' },
    { expression: 'webhook.server_error == 0' },
    { expression: 'server.worker_crashes == 0 and server.root_died == 0' },
  ];
  it('leave the processed count to the orchestrator and the server figures to the sampler', () => {
    assert.deepEqual(
      generatorConditions(conditions, true).map((c) => c.expression),
      [
        'burst.dispatch_spread_ms.max <= 5',
        'webhook.server_error == 0',
        'server.worker_crashes == 0 and server.root_died == 0',
      ],
    );
    assert.deepEqual(
      generatorConditions(conditions, false).map((c) => c.expression),
      ['burst.dispatch_spread_ms.max <= 5', 'webhook.server_error == 0'],
    );
    assert.equal(generatorConditions(conditions, false)[0]?.validity, 'why', 'a condition is kept whole');
  });
});
