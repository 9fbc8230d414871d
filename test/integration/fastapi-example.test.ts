// The pack's scenarios, run by the real artillery CLI, against the FastAPI example receiver
// (examples/fastapi-receiver) on Debian's uvicorn and redis-server: the right receiver passes
// them, and each switch that makes it wrong the way real receivers are wrong fails exactly
// the gate that names its bug.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { type ArtilleryRun, failedGates, runJudgedScenario } from '../helpers/artillery.ts';
import {
  type ExampleLayout,
  type ExampleSwitches,
  exampleEnv,
  type RunningExample,
  startFastapiExample,
} from '../helpers/fastapi-example.ts';
import { probe, probeDirs, values } from '../helpers/probe.ts';

const EXACTLY_ONCE_GATE = 'webhook.executions == 1';
const BAND_GATE =
  'webhook.rate_limited > 0 and webhook.limit_allowed >= webhook.limit_band_min and webhook.limit_allowed <= webhook.limit_band_max';

const running = new Set<RunningExample>();
after(async () => {
  for (const example of running) await example.stop();
  for (const d of probeDirs) rmSync(d, { recursive: true, force: true });
});

async function start(switches: ExampleSwitches = {}, layout: ExampleLayout = {}): Promise<RunningExample> {
  const example = await startFastapiExample(switches, layout);
  running.add(example);
  return example;
}

async function stop(example: RunningExample): Promise<void> {
  running.delete(example);
  await example.stop();
  for (const pid of [...example.pids, example.redisPid]) {
    assert.throws(() => process.kill(pid, 0), `pid ${pid} is gone after stop`);
  }
}

/** A scenario against the example, the monitor following the uvicorn tree (or, behind nginx, nginx). */
function run(scenario: string, example: RunningExample, layout: ExampleLayout = {}): Promise<ArtilleryRun> {
  const monitor: Record<string, string> = layout.replicas ? {} : { SERVER_PID: String(example.pids[0]) };
  return runJudgedScenario(scenario, example.url, { ...exampleEnv(example.url), ...monitor });
}

const summary = (r: ArtilleryRun) =>
  `exit ${r.code}, failed ${JSON.stringify(failedGates(r))}\n${r.output.slice(-1500)}`;

describe('the FastAPI example receiver on Redis, uvicorn --workers 2', () => {
  // burst, idempotency and rate-limit on the healthy example are run from the probe's profile
  // (the probe's test below): here hft, with the settings typed as a user without a profile would.
  it('passes hft', async () => {
    const example = await start();
    for (const scenario of ['hft']) {
      const result = await run(scenario, example);
      assert.equal(result.verdict?.invalid, undefined, `${scenario} judged`);
      assert.deepEqual(failedGates(result), [], `${scenario}: ${summary(result)}`);
      assert.equal(result.code, 0, `${scenario}: ${summary(result)}`);
    }
    await stop(example);
  });

  it('IDEMPOTENCY=get-then-set: a burst races past the check, and only the exactly-once gate fails', async () => {
    const example = await start({ IDEMPOTENCY: 'get-then-set' });
    const result = await run('burst', example);
    assert.equal(result.verdict?.invalid, undefined, 'burst judged');
    assert.deepEqual(failedGates(result), [EXACTLY_ONCE_GATE], summary(result));
    assert.ok((result.counters['webhook.executions'] ?? 0) > 1, 'the server placed the order more than once');
    assert.equal(result.code, 1);
    await stop(example);
  });
});

describe('the FastAPI example receiver as two replicas behind nginx (round robin)', () => {
  it('the Redis limiter is shared by both: rate-limit passes', async () => {
    const layout = { replicas: true };
    const example = await start({}, layout);
    const result = await run('rate-limit', example, layout);
    assert.deepEqual(failedGates(result), [], summary(result));
    assert.equal(result.counters['webhook.limit_allowed'], 10);
    await stop(example);
  });

  it('RATE_LIMITER=per-worker lets each replica allow the limit: only the band gate fails', async () => {
    const layout = { replicas: true };
    const example = await start({ RATE_LIMITER: 'per-worker' }, layout);
    const result = await run('rate-limit', example, layout);
    assert.equal(result.verdict?.invalid, undefined, 'rate-limit judged');
    assert.deepEqual(failedGates(result), [BAND_GATE], summary(result));
    assert.ok((result.counters['webhook.limit_allowed'] ?? 0) > (result.counters['webhook.limit_band_max'] ?? 0));
    await stop(example);
  });
});

describe('npm run probe on the FastAPI example (form login, uvicorn --workers 2, Redis, Prometheus)', () => {
  it('finds its contract, and the profile alone gives burst, idempotency and rate-limit their right verdicts', async () => {
    const example = await start();
    const run = await probe(['--target', example.url]);
    assert.equal(run.code, 0, run.output);
    const v = values(run.profile);
    assert.equal(v.LOGIN_ENCODING, 'form', 'a JSON login refused, the form login taken');
    assert.equal(v.SIGNING_SCHEME, 'plain', run.output);
    assert.match(run.output, /^signing scheme +plain +\[sure\]$/m);
    assert.equal(v.PROCESSED_COUNT_METRIC, 'signals_processed_total', run.output);
    assert.equal(v.REPLAY_HEADER, 'idempotent-replayed');
    assert.match(v.REPLAY_EVIDENCE ?? '', /header/);
    assert.equal(v.RATE_LIMIT_PER_SECOND, '10', run.output);
    assert.ok(['1000', '1500'].includes(v.IDEMPOTENCY_TTL_MS ?? ''), `window of 1 s: ${v.IDEMPOTENCY_TTL_MS}`);
    assert.equal(v.DELETE_WEBHOOK_PATH, '/api/v1/webhooks/{token}');
    for (const scenario of ['burst', 'idempotency', 'rate-limit']) {
      const result = await runJudgedScenario(scenario, undefined, {
        WEBHOOK_STRESS_PROFILE: run.file,
        SERVER_PID: String(example.pids[0]),
      });
      assert.deepEqual(failedGates(result), [], `${scenario}: ${summary(result)}`);
    }
    await stop(example);
  });

  it('IDEMPOTENCY=get-then-set: the probe sees the same contract, and its profile makes burst fail exactly-once alone', async () => {
    // A sequential replay is caught by GET-then-SET too: only a burst shows the race.
    const example = await start({ IDEMPOTENCY: 'get-then-set' });
    const run = await probe(['--target', example.url, '--skip', 'window,limit']);
    assert.equal(run.code, 0, run.output);
    assert.equal(values(run.profile).PROCESSED_COUNT_METRIC, 'signals_processed_total', run.output);
    const burst = await runJudgedScenario('burst', undefined, {
      WEBHOOK_STRESS_PROFILE: run.file,
      SERVER_PID: String(example.pids[0]),
    });
    assert.deepEqual(failedGates(burst), [EXACTLY_ONCE_GATE], summary(burst));
    await stop(example);
  });
});
