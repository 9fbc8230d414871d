// The capacity scenario's judgement of a step and its search for the knee (processors/lib/knee.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StepFigures } from 'artillery-engine-burst';
import { type CapacityPlan, judgeStep, nextRate, startSearch } from '../../processors/lib/knee.ts';

function step(over: Partial<StepFigures> = {}): StepFigures {
  return {
    step: 1,
    intendedRps: 100,
    achievedRps: 100,
    sent: 300,
    answered: 300,
    accepted: 300,
    limited: 0,
    serverErrors: 0,
    otherStatus: 0,
    timeouts: 0,
    transportErrors: 0,
    unsent: 0,
    p50Ms: 2,
    p95Ms: 5,
    p99Ms: 9,
    sentP95Ms: 5,
    lateSends: 0,
    generatorCpuPct: 10,
    loopDelayP99Ms: 1,
    runQueueWaitPct: 5,
    startedAt: 0,
    endedAt: 3000,
    ...over,
  };
}

const PLAN: CapacityPlan = { startRps: 50, maxRps: 3200, precisionPct: 10, maxSteps: 12 };

/** The search against a receiver that holds exactly up to `capacity` a second. */
function search(capacity: number, plan = PLAN): { knee: number; broke: number | undefined; steps: number } {
  const s = startSearch();
  let rate: number | undefined = plan.startRps;
  while (rate !== undefined) rate = nextRate(s, rate, rate <= capacity, plan);
  return { knee: s.held, broke: s.broke, steps: s.steps };
}

describe('capacity: a step holds the guide criteria', () => {
  it('a healthy step holds', () =>
    assert.deepEqual(judgeStep(step()), { held: true, reasons: [], generatorBound: false }));

  for (const [what, over, reason] of [
    ['p95 at 200 ms', { p95Ms: 200 }, /p95 200 ms >= 200 ms/],
    ['5 % errors', { serverErrors: 10, transportErrors: 5 }, /errors 5\.0 % >= 5 %/],
    ['one timeout', { timeouts: 1 }, /1 timed out/],
    ['one request never sent within the sender timeout', { unsent: 1 }, /1 timed out/],
    ['94 % of the intended rate answered', { achievedRps: 94 }, /achieved 94\/s < 95 % of 100\/s/],
    ['a 401 (a wrong secret) counts as an error', { otherStatus: 15 }, /errors 5\.0 %/],
  ] as const) {
    it(`${what} breaks it`, () => {
      const j = judgeStep(step(over));
      assert.equal(j.held, false);
      assert.match(j.reasons.join('; '), reason);
    });
  }

  it('429s are answers: a step answered 429 in time holds', () =>
    assert.equal(judgeStep(step({ accepted: 0, limited: 300 })).held, true));

  it('a generator without headroom: CPU used plus waited for >= 75 % of a core, or > 5 % late sends', () => {
    assert.equal(judgeStep(step({ generatorCpuPct: 40, runQueueWaitPct: 35 })).generatorBound, true);
    assert.equal(judgeStep(step({ generatorCpuPct: 40, runQueueWaitPct: 30 })).generatorBound, false);
    assert.equal(judgeStep(step({ generatorCpuPct: 80, runQueueWaitPct: undefined })).generatorBound, true);
    assert.equal(judgeStep(step({ lateSends: 16 })).generatorBound, true);
    assert.equal(judgeStep(step({ lateSends: 15 })).generatorBound, false);
  });
});

describe('capacity: the search for the knee', () => {
  for (const capacity of [60, 137, 300, 999, 2500]) {
    it(`a receiver holding ${capacity}/s: the knee is within 10 % below it`, () => {
      const r = search(capacity);
      assert.ok(r.knee <= capacity && r.knee >= capacity / 1.1, `knee ${r.knee}`);
      assert.ok(r.broke !== undefined && r.broke / r.knee <= 1.1, `bracket ${r.knee}..${r.broke}`);
      assert.ok(r.steps <= PLAN.maxSteps);
    });
  }

  it('a receiver above CAPACITY_MAX_RPS: every step holds, the search stops at the maximum', () => {
    assert.deepEqual(search(10_000), { knee: 3200, broke: undefined, steps: 7 });
  });

  it('a receiver below the first step: the search goes down', () => {
    const r = search(20);
    assert.ok(r.knee <= 20 && r.knee >= 20 / 1.1, `knee ${r.knee}`);
  });

  it('never more steps than CAPACITY_MAX_STEPS', () => {
    assert.equal(search(300, { ...PLAN, maxSteps: 3 }).steps, 3);
  });
});
