import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readMonitorConfig } from '../../plugins/server-monitor/config.ts';
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

  it('rejects sampling faster than 100 ms', () => {
    assert.throws(() => readMonitorConfig({}, { MONITOR_INTERVAL_MS: '50' }), /below the 100 ms minimum/);
  });
});
