import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileStamp, type HealthReport } from 'webhook-stress-common';
import { readMonitorConfig } from '../../plugins/server-monitor/config.ts';
import { createHealthFiles } from '../../plugins/server-monitor/health-report.ts';
import { chooseSource } from '../../plugins/server-monitor/monitor.ts';
import { processTree } from '../../plugins/server-monitor/proc.ts';
import { isLocalTarget, SelectorError, selectRootPid } from '../../plugins/server-monitor/select-process.ts';

const server = createServer((_req, res) => res.end());
let port = 0;
before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
after(() => server.close());

describe('choosing the process to monitor', () => {
  it('by the port a local target listens on (here: this test process)', () => {
    assert.equal(selectRootPid({}, `http://127.0.0.1:${port}`), process.pid);
    assert.equal(selectRootPid({ port }, undefined), process.pid);
  });

  it('by pid, pidfile and command pattern', () => {
    assert.equal(selectRootPid({ pid: process.pid }, undefined), process.pid);
    const pidfile = path.join(mkdtempSync(path.join(tmpdir(), 'pid-')), 'server.pid');
    writeFileSync(pidfile, `${process.pid}\n`);
    assert.equal(selectRootPid({ pidfile }, undefined), process.pid);
  });

  it('a selector matching nothing is an error naming it', () => {
    assert.throws(() => selectRootPid({ pid: 999_999_999 }, undefined), /no process with pid 999999999/);
    assert.throws(() => selectRootPid({ pidfile: '/nonexistent/x.pid' }, undefined), /cannot read pidfile/);
    assert.throws(() => selectRootPid({ command: 'no-such-program-xyz' }, undefined), SelectorError);
    assert.throws(() => selectRootPid({}, 'http://127.0.0.1:1'), /no process on this machine listens on port 1/);
  });

  it('a command pattern never picks the monitor itself or its ancestors (npm, sh, stress.ts)', () => {
    // A shell runs a node that selects by a token both carry in their arguments, as `npm run
    // stress -- --monitor-command X` and its children carry X; nothing else on the machine has it.
    const token = `ancestor-check-${process.pid}-${Date.now()}`;
    const module = path.resolve('plugins/server-monitor/select-process.ts');
    const script = `import(${JSON.stringify(module)}).then((m) => { try { console.log(m.selectRootPid({ command: process.argv[1] })); } catch (e) { console.log(e.message); } })`;
    const result = spawnSync('sh', ['-c', '"$0" -e "$1" "$2"; true', process.execPath, script, token], {
      encoding: 'utf8',
    });
    assert.equal(result.stdout.trim(), `no running process matches command pattern /${token}/`, result.stderr);
  });

  it('several unrelated matches: one line listing them by pid and program', async () => {
    const children: ChildProcess[] = [0, 1].map(() => spawn('sleep', ['31.4159'], { stdio: 'ignore' }));
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.throws(
        () => selectRootPid({ command: '^sleep 31\\.4159$' }, undefined),
        (err: Error) =>
          err instanceof SelectorError &&
          !err.message.includes('\n') &&
          // Named by pid and program, never by arguments (a command line may carry a password).
          err.message.includes(`${children[0]?.pid} (sleep)`) &&
          err.message.includes(`${children[1]?.pid} (sleep)`) &&
          !err.message.includes('31.4159') &&
          /matches 2 unrelated processes: .*; make the pattern narrower or set the server's pid$/.test(err.message),
      );
    } finally {
      for (const child of children) child.kill('SIGKILL');
    }
  });

  it('an invalid regular expression: one line naming it', () => {
    assert.throws(
      () => selectRootPid({ command: 'uvicorn(' }, undefined),
      (err: Error) =>
        err instanceof SelectorError &&
        err.message === 'command pattern /uvicorn(/ is not a valid regular expression; fix SERVER_COMMAND',
    );
  });

  it('follows the whole tree below the root', () => {
    assert.deepEqual(processTree(process.pid).slice(0, 1), [process.pid]);
    assert.deepEqual(processTree(999_999_999), []);
  });

  it('knows loopback targets from remote ones', () => {
    assert.equal(isLocalTarget('http://localhost:8000'), true);
    assert.equal(isLocalTarget('http://[::1]:8000'), true);
    assert.equal(isLocalTarget('https://api.example.com'), false);
  });
});

describe('the monitor source', () => {
  it('a remote target without a metrics endpoint is unmeasured, not zero', () => {
    const source = chooseSource(readMonitorConfig({}, {}), 'https://api.example.com');
    assert.equal(source.kind, 'unmeasured');
  });

  it('a metrics URL selects the remote source; SERVER_MONITOR=off turns it off', () => {
    const env = { SERVER_METRICS_URL: 'http://127.0.0.1:9/metrics' };
    assert.equal(chooseSource(readMonitorConfig({}, env), 'https://api.example.com').kind, 'remote');
    assert.equal(chooseSource(readMonitorConfig({}, { SERVER_MONITOR: 'off' }), 'http://127.0.0.1:1').kind, 'off');
  });

  it('validates every option with one line: name, wrong value, what is allowed', () => {
    const cases: [Parameters<typeof readMonitorConfig>[0], Record<string, string>, string][] = [
      [{}, { MONITOR_INTERVAL_MS: '50' }, 'MONITOR_INTERVAL_MS="50" is not a sampling period of at least 100 ms'],
      [{ warmupFraction: 1 }, {}, 'warmupFraction=1 is not a share of the run in [0, 1)'],
      [{ warmupFraction: -0.1 }, {}, 'warmupFraction=-0.1 is not a share of the run in [0, 1)'],
      [{}, { MONITOR_WORKER_MIN_AGE_MS: 'soon' }, 'MONITOR_WORKER_MIN_AGE_MS="soon" is not a non-negative number'],
      [{ leakMinKibPerRequest: -1 }, {}, 'leakMinKibPerRequest=-1 is not a non-negative number'],
      [{}, { SERVER_PID: '12.5' }, 'SERVER_PID="12.5" is not a process id (a positive integer)'],
      [{}, { SERVER_PORT: '70000' }, 'SERVER_PORT="70000" is not a TCP port (1-65535)'],
    ];
    for (const [options, env, message] of cases) {
      assert.throws(() => readMonitorConfig(options, env), { message });
    }
    assert.equal(readMonitorConfig({}, {}).workerMinAgeMs, 5000);
    assert.equal(readMonitorConfig({ workerMinAgeMs: 2000 }, { MONITOR_WORKER_MIN_AGE_MS: '800' }).workerMinAgeMs, 800);
  });
});

describe("the run's files", () => {
  const report = { started_at: '2026-11-29T06:00:00.000Z' } as HealthReport;

  it("log and report are named with the scenario and the run's start stamp; lines wait for the stamp", () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'files-'));
    let startedAt: Date | undefined;
    const files = createHealthFiles(dir, 'memory-leak', () => startedAt);
    files.log('before the run started');
    assert.deepEqual(readdirSync(dir), []);
    startedAt = new Date('2026-11-29T06:30:15.123Z');
    files.log('second');
    files.writeReport(report);
    assert.equal(fileStamp(startedAt), '2026-11-29T06-30-15');
    assert.deepEqual(readdirSync(dir).sort(), [
      'monitor_memory-leak-2026-11-29T06-30-15.log',
      'server_health_report_memory-leak-2026-11-29T06-30-15.json',
    ]);
    assert.equal(
      readFileSync(path.join(dir, 'monitor_memory-leak-2026-11-29T06-30-15.log'), 'utf8'),
      'before the run started\nsecond\n',
    );
  });

  it('discarded (a configuration error): no file is left', () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'files-')), 'reports');
    const files = createHealthFiles(dir, 'burst', () => new Date());
    files.log('a line');
    files.discard();
    files.log('after');
    assert.deepEqual(existsSync(dir) ? readdirSync(dir) : [], []);
  });
});
