import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyseCpu, analyseMemory, fitLine, tQuantile975 } from '../../plugins/server-monitor/analysis.ts';
import { createCrashTracker } from '../../plugins/server-monitor/crash-tracker.ts';
import { parsePrometheus } from '../../plugins/server-monitor/remote-source.ts';

const MB = 1024 * 1024;
const series = (f: (i: number) => number, n = 60) =>
  Array.from({ length: n }, (_, i) => ({ at: i * 1000, bytes: f(i) }));

describe('least-squares trend', () => {
  it('recovers slope and intercept of an exact line with a zero-width interval', () => {
    const fit = fitLine([0, 1, 2, 3, 4], [1, 3, 5, 7, 9]);
    assert.equal(fit?.slope, 2);
    assert.equal(fit?.intercept, 1);
    assert.ok(Math.abs((fit?.slopeHigh ?? 0) - (fit?.slopeLow ?? 0)) < 1e-9);
  });

  it('uses Student t for small samples and 1.96 beyond 30 degrees of freedom', () => {
    assert.equal(tQuantile975(1), 12.706);
    assert.equal(tQuantile975(10), 2.228);
    assert.equal(tQuantile975(500), 1.96);
  });

  it('widens the interval with noise (known data: slope 0.5, residuals +-1)', () => {
    const xs = [0, 1, 2, 3, 4, 5, 6, 7];
    const ys = xs.map((x, i) => 0.5 * x + (i % 2 === 0 ? 1 : -1));
    const fit = fitLine(xs, ys);
    assert.ok(fit && fit.slopeLow < 0.5 && fit.slopeHigh > 0.5);
  });
});

describe('leak verdict', () => {
  it('a steady climb of 1 MB a second is a leak', () => {
    const m = analyseMemory(series((i) => 50 * MB + i * MB));
    assert.equal(m.leak, true);
    assert.ok(Math.abs((m.trend?.slope ?? 0) - 60) < 1e-6, 'slope is in MB per minute');
  });

  it('a cache that fills during warm-up then plateaus is not a leak', () => {
    const m = analyseMemory(series((i) => 50 * MB + Math.min(i, 10) * 3 * MB + (i % 3) * 0.2 * MB));
    assert.equal(m.leak, false);
    assert.ok(m.growthMb > 29, 'growth still reports the 30 MB the cache took');
  });

  it('GC sawtooth around a flat level is not a leak', () => {
    const m = analyseMemory(series((i) => 60 * MB + (i % 7) * 2 * MB));
    assert.equal(m.leak, false);
  });

  it('a slow climb below the growth floor is not called a leak', () => {
    const m = analyseMemory(series((i) => 50 * MB + i * 0.05 * MB));
    assert.equal(m.leak, false);
  });

  it('reports peak and growth from the first sample', () => {
    const m = analyseMemory(series((i) => (i === 30 ? 200 : 100) * MB));
    assert.equal(m.baselineMb, 100);
    assert.equal(m.peakMb, 200);
    assert.equal(m.growthMb, 100);
  });
});

describe('cpu', () => {
  it('max and average', () => assert.deepEqual(analyseCpu([10, 30, 20]), { maxPercent: 30, avgPercent: 20 }));
});

describe('crash tracking', () => {
  it('a worker gone while the root lives is a crash; a new one is a start; the root going is root_died', () => {
    const t = createCrashTracker(1);
    assert.deepEqual(t.observe(0, [1, 2, 3], true), []);
    assert.deepEqual(
      t.observe(1, [1, 3, 4], true).map((e) => `${e.kind}:${e.pid}`),
      ['worker_exited:2', 'worker_started:4'],
    );
    assert.deepEqual(
      t.observe(2, [], false).map((e) => e.kind),
      ['worker_exited', 'worker_exited', 'root_died'],
    );
    assert.deepEqual(t.observe(3, [], false), [], 'the root dies once');
  });
});

describe('prometheus text', () => {
  it('reads the process metrics, labels and comments ignored', () => {
    const values = parsePrometheus(
      '# HELP x\n# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes 1.2345e+08\nprocess_cpu_seconds_total{job="a"} 12.5\n',
    );
    assert.equal(values.get('process_resident_memory_bytes'), 123450000);
    assert.equal(values.get('process_cpu_seconds_total'), 12.5);
  });
});
