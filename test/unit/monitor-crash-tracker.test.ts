// Crash accounting on process trees as real servers make them: zombies, tasks, orphans, remote restarts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCrashTracker, createRestartTracker } from '../../plugins/server-monitor/crash-tracker.ts';

const worker = { startTicks: 1, worker: true };
const task = { startTicks: 2, worker: false };
const kinds = (events: { kind: string; pid: number }[]) => events.map((e) => `${e.kind}:${e.pid}`);

describe('crash tracking', () => {
  it('a worker gone while the root lives is a crash; a new worker a start; the root going is root_died', () => {
    const t = createCrashTracker(1);
    assert.deepEqual(
      t.observe({ at: 0, rootAlive: true, processes: { 1: worker, 2: worker, 3: worker }, exited: [] }),
      [],
    );
    assert.deepEqual(
      kinds(t.observe({ at: 1, rootAlive: true, processes: { 1: worker, 3: worker, 4: worker }, exited: [] })),
      ['worker_exited:2', 'worker_started:4'],
    );
    assert.deepEqual(kinds(t.observe({ at: 2, rootAlive: false, processes: {}, exited: [] })), [
      'worker_exited:3',
      'worker_exited:4',
      'root_died:1',
    ]);
    assert.deepEqual(t.observe({ at: 3, rootAlive: false, processes: {}, exited: [] }), [], 'the root dies once');
  });

  it('a zombie is dead: counted at the sample it turns Z, once, though it stays in /proc', () => {
    const t = createCrashTracker(1);
    t.observe({ at: 0, rootAlive: true, processes: { 1: worker, 2: worker, 3: worker }, exited: [] });
    assert.deepEqual(kinds(t.observe({ at: 1, rootAlive: true, processes: { 1: worker, 3: worker }, exited: [2] })), [
      'worker_exited:2',
    ]);
    assert.deepEqual(t.observe({ at: 2, rootAlive: true, processes: { 1: worker, 3: worker }, exited: [2] }), []);
    assert.equal(t.tasksStarted(), 0);
  });

  it('short-lived children are tasks: counted, never crashes', () => {
    const t = createCrashTracker(1);
    t.observe({ at: 0, rootAlive: true, processes: { 1: worker }, exited: [] });
    t.observe({ at: 1, rootAlive: true, processes: { 1: worker, 10: task }, exited: [] });
    t.observe({ at: 2, rootAlive: true, processes: { 1: worker, 11: task }, exited: [10] });
    t.observe({ at: 3, rootAlive: true, processes: { 1: worker }, exited: [12] });
    assert.deepEqual(t.events(), []);
    assert.equal(t.tasksStarted(), 3, 'pids 10, 11 and the zombie 12 never seen alive');
    assert.equal(t.tasksStarted(2), 2);
  });

  it('a young process that reaches the worker age is a worker from then on (Node cluster)', () => {
    const t = createCrashTracker(1);
    t.observe({ at: 0, rootAlive: true, processes: { 1: worker }, exited: [] });
    t.observe({ at: 1, rootAlive: true, processes: { 1: worker, 5: task }, exited: [] });
    assert.deepEqual(
      kinds(t.observe({ at: 6, rootAlive: true, processes: { 1: worker, 5: { ...task, worker: true } }, exited: [] })),
      ['worker_started:5'],
    );
    assert.deepEqual(kinds(t.observe({ at: 7, rootAlive: true, processes: { 1: worker }, exited: [] })), [
      'worker_exited:5',
    ]);
    assert.equal(t.tasksStarted(), 0);
  });

  it('master death: root_died once; orphans still followed are not crashes until they die', () => {
    const t = createCrashTracker(1);
    t.observe({ at: 0, rootAlive: true, processes: { 1: worker, 2: worker, 3: worker }, exited: [] });
    assert.deepEqual(kinds(t.observe({ at: 1, rootAlive: false, processes: { 2: worker, 3: worker }, exited: [1] })), [
      'root_died:1',
    ]);
    assert.deepEqual(t.observe({ at: 2, rootAlive: false, processes: { 2: worker, 3: worker }, exited: [] }), []);
    assert.deepEqual(kinds(t.observe({ at: 3, rootAlive: false, processes: { 3: worker }, exited: [] })), [
      'worker_exited:2',
    ]);
  });

  it('a reused pid is a new process (identity is pid and start time)', () => {
    const t = createCrashTracker(1);
    t.observe({ at: 0, rootAlive: true, processes: { 1: worker, 2: worker }, exited: [] });
    assert.deepEqual(
      kinds(
        t.observe({
          at: 1,
          rootAlive: true,
          processes: { 1: worker, 2: { startTicks: 99, worker: true } },
          exited: [],
        }),
      ),
      ['worker_exited:2', 'worker_started:2'],
    );
  });
});

describe('remote restarts', () => {
  it('a changed process_start_time_seconds is a restart; the same one is not', () => {
    const r = createRestartTracker();
    assert.equal(r.measured(), false);
    assert.deepEqual(r.observe(0, 1000), []);
    assert.deepEqual(r.observe(1, 1000), []);
    assert.deepEqual(r.observe(2, undefined), [], 'a failed scrape says nothing about a restart');
    assert.deepEqual(kinds(r.observe(3, 1003)), ['restarted:0']);
    assert.equal(r.measured(), true);
  });

  it('scrapes reaching processes started before the run (a cluster, a balancer) are not restarts', () => {
    const r = createRestartTracker();
    const firstScrape = 2_000_000;
    for (const [i, start] of [1000, 1001, 1000, 1001, 999].entries()) {
      assert.deepEqual(r.observe(firstScrape + i * 1000, start), []);
    }
    assert.deepEqual(kinds(r.observe(firstScrape + 9000, 2005)), ['restarted:0']);
  });

  it('an endpoint without a start time cannot see crashes', () => {
    const r = createRestartTracker();
    r.observe(0, undefined);
    assert.equal(r.measured(), false);
  });
});

describe('the end of a run', () => {
  const observed = (rootAlive: boolean) => ({
    at: 1,
    rootAlive,
    processes: { 10: { startTicks: 5, worker: false } },
    exited: [],
  });

  it('a root that died after the last sample is a root_died at the end, once', () => {
    const tracker = createCrashTracker(10);
    tracker.observe(observed(true));
    assert.deepEqual(tracker.observeEnd(2, false), [{ at: 2, kind: 'root_died', pid: 10 }]);
    assert.deepEqual(tracker.observeEnd(3, false), []);
    assert.equal(tracker.events().filter((e) => e.kind === 'root_died').length, 1);
  });

  it('a root alive at the end, or one already seen dead, adds nothing; nor does an end before any sample', () => {
    const alive = createCrashTracker(10);
    alive.observe(observed(true));
    assert.deepEqual(alive.observeEnd(2, true), []);
    const seen = createCrashTracker(10);
    seen.observe(observed(true));
    seen.observe({ ...observed(false), at: 2, processes: {} });
    assert.deepEqual(seen.observeEnd(3, false), []);
    assert.deepEqual(createCrashTracker(10).observeEnd(1, false), []);
  });
});
