// The capacity scenario's validity gate: a generator whose CPU is taken on purpose (it and three
// busy loops pinned to one core, the receiver on the other) breaks a step the receiver would
// hold, and the run is INVALID, not a knee; the same setup without the busy loops, at a rate the
// generator keeps, is judged and passes. In test/serial/: it takes a core from everything else.
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpus } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { listeningUrl, ROOT } from '../../reference-server/launch.ts';
import { failedGates, runScenario } from '../helpers/artillery.ts';
import { requireInstalled } from '../helpers/installed.ts';

const CREDENTIALS = { WEBHOOK_TOKEN: 'trader1', WEBHOOK_SECRET: 'capacity-secret', WEBHOOK_PATH: '/hook/{token}' };
const HOG_SECONDS = 30;
let receiver: ChildProcess | undefined;
let url = '';

/** This process's CPUs: what the artillery runs it starts inherit. */
function pinSelf(cpuList: string): void {
  execFileSync('/usr/bin/taskset', ['-p', '-c', cpuList, String(process.pid)], { stdio: 'ignore' });
}

function startHogs(n: number): ChildProcess[] {
  const loop = `const end = Date.now() + ${HOG_SECONDS * 1000}; while (Date.now() < end) {}`;
  return Array.from({ length: n }, () =>
    spawn('/usr/bin/taskset', ['-c', '0', process.execPath, '-e', loop], { stdio: 'ignore' }),
  );
}

async function stop(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(async (c) => {
      if (c.exitCode !== null || c.signalCode !== null) return;
      c.kill('SIGTERM');
      await once(c, 'exit');
    }),
  );
}

describe('capacity: a starved generator', () => {
  before(async () => {
    requireInstalled('/usr/bin/taskset', 'util-linux (taskset)');
    assert.ok(cpus().length >= 2, 'this test needs 2 CPUs: the generator on one, the receiver on the other');
    receiver = spawn(
      '/usr/bin/taskset',
      ['-c', '1', process.execPath, path.join(ROOT, 'test/fixtures/capacity-receiver.ts'), '--answer-ms', '0'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    url = await listeningUrl(receiver, 'capacity receiver');
    pinSelf('0');
  });
  after(async () => {
    pinSelf(
      cpus()
        .map((_, i) => i)
        .join(','),
    );
    if (receiver) await stop([receiver]);
  });

  it('control: the generator alone on its core keeps 2,000/s and the run is judged: PASS', async () => {
    const run = await runScenario('capacity', url, {
      ...CREDENTIALS,
      CAPACITY_START_RPS: '2000',
      CAPACITY_MAX_STEPS: '1',
    });
    assert.deepEqual(failedGates(run), [], run.output);
    assert.equal(run.code, 0);
    assert.equal(run.counters['capacity.knee_rps'], 2000);
    assert.equal(run.counters['capacity.generator_bound'], 0);
  });

  it('three busy loops on its core: the step at 16,000/s breaks with the generator starved: INVALID', async () => {
    const hogs = startHogs(3);
    try {
      const run = await runScenario('capacity', url, {
        ...CREDENTIALS,
        CAPACITY_START_RPS: '16000',
        CAPACITY_MAX_STEPS: '1',
      });
      assert.equal(run.counters['capacity.generator_bound'], 1, run.output);
      assert.ok(run.verdict?.invalid, run.output);
      assert.notEqual(run.code, 0);
      assert.match(run.output, /INVALID: capacity\.generator_bound == 0/);
      assert.doesNotMatch(run.output, /^\s*FAIL: capacity\.knee_rps/m, 'not judged as a receiver that broke');
    } finally {
      await stop(hogs);
    }
  });
});
