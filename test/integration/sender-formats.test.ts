// Sender formats and contracts with the real CLI: the preflight (artillery-plugin-expect,
// gated on its counters), out-of-order delivery with its expected outcome configurable,
// and TradingView's body secret posted as text/plain, on the reference target and on a
// receiver written here that shares no code with the pack.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, it } from 'node:test';
import { listeningUrl, ROOT, startTarget } from '../../reference-server/launch.ts';
import { failedGates, runJudgedScenario, runScenario } from '../helpers/artillery.ts';

const EXPECT_GATE = 'plugins.expect.failed == 0 and plugins.expect.ok > 0';
const LATE_GATE = 'order.late_sent > 0 and order.late_as_expected == order.late_sent';

/** TradingView-style receiver: the secret is the body's `passphrase`; optionally refuses a signal older than its symbol's newest (409). */
function tradingViewReceiver(opts: { rejectOlder: boolean }): { server: Server; contentTypes: Set<string> } {
  const newest = new Map<string, number>();
  const contentTypes = new Set<string>();
  const server = createServer(async (req, res) => {
    let raw = '';
    for await (const chunk of req) raw += String(chunk);
    contentTypes.add(String(req.headers['content-type']));
    const answer = (status: number) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: status < 300 ? 'ok' : 'refused' }));
    };
    let signal: { passphrase?: string; symbol?: string; timestamp?: string };
    try {
      signal = JSON.parse(raw) as typeof signal;
    } catch {
      return answer(400);
    }
    if (signal.passphrase !== 'tv-secret') return answer(401);
    const at = Date.parse(signal.timestamp ?? '');
    const symbol = String(signal.symbol);
    if (opts.rejectOlder && at < (newest.get(symbol) ?? 0)) return answer(409);
    newest.set(symbol, Math.max(at, newest.get(symbol) ?? 0));
    answer(200);
  });
  return { server, contentTypes };
}

const TRADINGVIEW = {
  WEBHOOK_TOKEN: 'tv',
  WEBHOOK_SECRET: 'tv-secret',
  WEBHOOK_PATH: '/tv/{token}',
  SIGNING_SCHEME: 'body-secret',
  BODY_SECRET_FIELD: 'passphrase',
  SIGNAL_CONTENT_TYPE: 'text/plain',
};

describe('out-of-order delivery', () => {
  it('reference target (no ordering), default OUT_OF_ORDER_EXPECT=either: passes, showing what it did', async () => {
    const target = await startTarget();
    try {
      const run = await runScenario('out-of-order', target.url);
      assert.deepEqual(failedGates(run), [], run.output);
      assert.equal(run.code, 0, run.output);
      assert.equal(run.counters['order.late_accepted'], 5, run.output);
    } finally {
      await target.stop();
    }
  });

  it('reference target, OUT_OF_ORDER_EXPECT=rejected: fails exactly the late gate', async () => {
    const target = await startTarget();
    try {
      const run = await runScenario('out-of-order', target.url, { OUT_OF_ORDER_EXPECT: 'rejected' });
      assert.deepEqual(failedGates(run), [LATE_GATE], run.output);
      assert.equal(run.code, 1, run.output);
    } finally {
      await target.stop();
    }
  });

  for (const { wanted, fails } of [
    { wanted: 'rejected', fails: [] },
    { wanted: 'accepted', fails: [LATE_GATE] },
  ]) {
    it(`independent receiver refusing older signals, body secret as text/plain, expecting ${wanted}`, async () => {
      const { server, contentTypes } = tradingViewReceiver({ rejectOlder: true });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      try {
        const run = await runScenario('out-of-order', url, { ...TRADINGVIEW, OUT_OF_ORDER_EXPECT: wanted });
        assert.deepEqual(failedGates(run), fails, run.output);
        assert.equal(run.code, fails.length > 0 ? 1 : 0, run.output);
        assert.equal(run.counters['order.late_rejected'], 5, run.output);
        assert.deepEqual([...contentTypes], ['text/plain']);
      } finally {
        server.closeAllConnections();
        server.close();
      }
    });
  }
});

describe('body-secret and text/plain on the reference target', () => {
  it('hft passes when the target reads the configured field', async () => {
    const target = await startTarget(['--body-secret-field', 'passphrase']);
    try {
      const env = { SIGNING_SCHEME: 'body-secret', BODY_SECRET_FIELD: 'passphrase', SIGNAL_CONTENT_TYPE: 'text/plain' };
      // 25 signals over 3 s at hft's 8.3/s: the format is what is tested, not the length.
      const overrides = JSON.stringify({ config: { phases: [{ name: 'hft', arrivalCount: 25, duration: 3 }] } });
      const run = await runJudgedScenario('hft', target.url, env, { overrides });
      assert.deepEqual(failedGates(run), [], run.output);
      assert.equal(run.counters['webhook.accepted'], 25, run.output);
    } finally {
      await target.stop();
    }
  });
});

describe('preflight (artillery-plugin-expect)', () => {
  it('reference target: status, content type and the id field hold; exit 0', async () => {
    const target = await startTarget();
    try {
      const run = await runScenario('preflight', target.url, { RESPONSE_ID_FIELD: 'order_id' });
      assert.deepEqual(failedGates(run), [], run.output);
      assert.equal(run.code, 0, run.output);
      assert.equal(run.counters['plugins.expect.ok'], 3, run.output);
      assert.equal(run.counters['webhook.sent'], 1, run.output);
    } finally {
      await target.stop();
    }
  });

  it('independent receiver with a constant body: no id field, the expect gate fails, exit 1 not 21', async () => {
    const child = spawn(process.execPath, [path.join(ROOT, 'test/fixtures/receiver.ts')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await listeningUrl(child, 'receiver');
      const env = { WEBHOOK_TOKEN: 'trader1', WEBHOOK_SECRET: 'unused', WEBHOOK_PATH: '/hook/{token}' };
      const passing = await runScenario('preflight', url, env);
      assert.deepEqual(failedGates(passing), [], passing.output);
      const run = await runScenario('preflight', url, { ...env, RESPONSE_ID_FIELD: 'order_id' });
      assert.deepEqual(failedGates(run), [EXPECT_GATE], run.output);
      assert.equal(run.code, 1, run.output);
      assert.equal(run.counters['plugins.expect.failed'], 1, run.output);
      assert.match(
        run.output,
        /FAIL: plugins\.expect\.failed == 0 and plugins\.expect\.ok > 0 {2}\[plugins\.expect\.failed = 1/,
      );
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });
});
