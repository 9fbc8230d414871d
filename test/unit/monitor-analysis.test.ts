import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  analyseCpu,
  analyseMemory,
  effectiveSize,
  fitLine,
  fitSegmented,
  interpolateCumulative,
  MAX_PAIRWISE_POINTS,
  medianPairwiseSlope,
  tQuantile975,
} from '../../plugins/server-monitor/analysis.ts';
import { remoteFigures } from '../../plugins/server-monitor/remote-source.ts';

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

  it('a worker crash steps memory down and its replacement up: not a leak (segments by process set)', () => {
    const m = analyseMemory(
      series((i) => (i < 30 ? 80 : i < 33 ? 46 : 73) * MB + (i % 3) * 0.1 * MB).map((p, i) => ({
        ...p,
        segment: i < 30 ? '1,2,3' : i < 33 ? '1,2' : '1,2,4',
      })),
    );
    assert.equal(m.leak, false);
    assert.equal(m.trend?.segments, 3);
    assert.ok(Math.abs(m.trend?.slope ?? 1) < 0.5, `slope ${m.trend?.slope}`);
  });

  it('a leak is still seen across a crash (one slope shared by the segments)', () => {
    const m = analyseMemory(
      series((i) => (i < 30 ? 80 : 40) * MB + i * 0.5 * MB).map((p, i) => ({ ...p, segment: i < 30 ? 'a' : 'b' })),
    );
    assert.ok(Math.abs((m.trend?.slope ?? 0) - 30) < 1e-6);
    assert.equal(m.leak, true);
  });

  it('per request: 10 KiB retained a request is a leak, 6 KiB (a warming heap) is not', () => {
    const run = (kib: number) =>
      analyseMemory(
        series((i) => 50 * MB + i * 20 * kib * 1024 + (i % 2) * 64 * 1024, 50),
        undefined,
        (from, to) => ((to - from) / 1000) * 20,
      );
    assert.equal(run(10).leak, true);
    assert.equal(run(10).rule, 'per-request');
    assert.ok(Math.abs((run(10).kibPerRequest ?? 0) - 10) < 0.5);
    assert.equal(run(6).leak, false);
  });

  it('200,000 samples: no stack overflow in the peak', () => {
    const m = analyseMemory(series((i) => 50 * MB + (i % 100) * 1024, 200_000));
    assert.ok(m.peakMb > 50);
    assert.deepEqual(analyseCpu(Array.from({ length: 200_000 }, (_, i) => i % 7)).maxPercent, 6);
  });

  it('reports peak and growth from the first sample', () => {
    const m = analyseMemory(series((i) => (i === 30 ? 200 : 100) * MB));
    assert.equal(m.baselineMb, 100);
    assert.equal(m.peakMb, 200);
    assert.equal(m.growthMb, 100);
  });
});

describe('robust slope (Theil-Sen)', () => {
  it('follows a steady climb through a heap step that drags least squares', () => {
    const points = Array.from({ length: 30 }, (_, x) => ({ x, y: 0.1 * x + (x >= 25 ? 3.4 : 0) }));
    assert.ok(Math.abs((medianPairwiseSlope(points) ?? 0) - 0.1) < 1e-9);
    assert.ok(
      (fitLine(
        points.map((p) => p.x),
        points.map((p) => p.y),
      )?.slope ?? 0) > 0.15,
    );
  });

  it('pairs only points of the same segment', () => {
    const points = [0, 1, 2, 3]
      .flatMap((x) => [{ x, y: x, segment: 'a' }])
      .concat([4, 5, 6, 7].map((x) => ({ x, y: x - 40, segment: 'b' })));
    assert.equal(medianPairwiseSlope(points), 1);
  });

  it(`thins long runs to about ${MAX_PAIRWISE_POINTS} points (bounded work; its speed is a benchmark's question)`, () => {
    // Only the points thinning keeps lie on y = 2x; the rest are 0. Were they all paired, the
    // median slope would be near 0; thinned, it is exactly 2.
    const every = Math.ceil(200_000 / MAX_PAIRWISE_POINTS);
    const points = Array.from({ length: 200_000 }, (_, x) => ({ x, y: x % every === 0 ? 2 * x : 0 }));
    assert.equal(medianPairwiseSlope(points), 2);
  });
});

describe('autocorrelation', () => {
  it('AR(1) effective size: n (1 - r) / (1 + r), r <= 0 leaves n', () => {
    assert.equal(effectiveSize(100, 0), 100);
    assert.equal(effectiveSize(100, -0.3), 100);
    assert.ok(Math.abs(effectiveSize(100, 0.5) - 100 / 3) < 1e-9);
  });

  it('a random walk (strongly autocorrelated) gets a wider interval than the plain formula', () => {
    let y = 0;
    let seed = 7;
    const points = Array.from({ length: 60 }, (_, x) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      y += seed / 2 ** 31 - 0.5;
      return { x, y };
    });
    const fit = fitSegmented(points);
    assert.ok(fit && fit.nEffective < 30, `nEffective ${fit?.nEffective}`);
  });

  it('interpolates cumulative request counts between period ends', () => {
    const points = [
      { at: 0, total: 0 },
      { at: 10_000, total: 100 },
      { at: 20_000, total: 300 },
    ];
    assert.equal(interpolateCumulative(points, 5000), 50);
    assert.equal(interpolateCumulative(points, 15_000), 200);
    assert.equal(interpolateCumulative(points, 30_000), 300);
    assert.equal(interpolateCumulative([], 1), undefined);
  });
});

describe('cpu', () => {
  it('max and average', () => assert.deepEqual(analyseCpu([10, 30, 20]), { maxPercent: 30, avgPercent: 20 }));
});

describe('prometheus text', () => {
  it('reads the process metrics, labels and comments ignored', () => {
    const values = remoteFigures(
      '# HELP process_resident_memory_bytes Resident memory.\n# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes 1.2345e+08\nprocess_cpu_seconds_total{job="a"} 12.5\n',
    );
    assert.equal(values.rss, 123450000);
    assert.equal(values.cpuSeconds, 12.5);
    assert.equal(values.startTimeSeconds, undefined);
  });

  it('adds up memory and CPU over the series of several processes, the same rule as the oracle; the latest start time', () => {
    const values = remoteFigures(
      [
        'process_resident_memory_bytes{pid="1"} 100',
        'process_resident_memory_bytes{pid="2"} 50',
        'process_cpu_seconds_total{pid="1"} 1',
        'process_cpu_seconds_total{pid="2"} 2',
        'process_start_time_seconds{pid="1"} 1000',
        'process_start_time_seconds{pid="2"} 1200',
        '',
      ].join('\n'),
    );
    assert.deepEqual(values, { rss: 150, cpuSeconds: 3, startTimeSeconds: 1200 });
  });
});
