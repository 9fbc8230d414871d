// Hostile traffic under load (scenarios/hostile.yml): each receiver bug a hostile class
// exposes fails exactly its gates, on the reference target (faults), on an independent
// receiver written here (Slack-style signatures, its own checks and processed counter), and
// on a receiver built on the official Standard Webhooks library (test/fixtures).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, it } from 'node:test';
import { listeningUrl, processedCountEnv, ROOT, startTarget } from '../../reference-server/launch.ts';
import { failedGates, runJudgedScenario, runScenario } from '../helpers/artillery.ts';

const PROCESSED = 'webhook.processed == webhook.accepted';
const FORGED = 'hostile.forged_sig.sent > 0 and hostile.forged_sig.rejected == hostile.forged_sig.sent';
const MISSING = 'hostile.missing_sig.sent > 0 and hostile.missing_sig.rejected == hostile.missing_sig.sent';
const STALE =
  '(hostile.stale_ts.sent > 0 and hostile.stale_ts.rejected == hostile.stale_ts.sent) or hostile.stale_ts.not_applicable > 0';
const MALFORMED = 'hostile.malformed.sent > 0 and hostile.malformed.rejected == hostile.malformed.sent';
const NO_5XX = 'webhook.server_error == 0 and hostile.server_error == 0';

interface Case {
  faults: string[];
  scheme: string;
  fails: string[];
}

const matrix: Case[] = [
  { faults: [], scheme: 'plain', fails: [] },
  { faults: [], scheme: 'stripe', fails: [] },
  { faults: ['skip-signature'], scheme: 'plain', fails: [PROCESSED, FORGED, MISSING] },
  { faults: ['accept-stale'], scheme: 'stripe', fails: [PROCESSED, STALE] },
  { faults: ['accept-stale'], scheme: 'plain', fails: [] },
  { faults: ['malformed-500'], scheme: 'plain', fails: [MALFORMED, NO_5XX] },
];

describe('hostile traffic: reference target', () => {
  for (const { faults, scheme, fails } of matrix) {
    const fault = faults.length > 0 ? `--fault ${faults.join(',')}` : 'no fault';
    it(`${fault}, SIGNING_SCHEME=${scheme}: ${fails.length > 0 ? `fails ${fails.length} gate(s)` : 'passes'}`, async () => {
      const target = await startTarget(faults.flatMap((f) => ['--fault', f]));
      try {
        const env = { ...processedCountEnv(target.url), SIGNING_SCHEME: scheme };
        const run = await runScenario('hostile', target.url, env);
        assert.deepEqual(failedGates(run), fails, run.output);
        assert.equal(run.code, fails.length > 0 ? 1 : 0, run.output);
        if (scheme === 'plain') assert.match(run.output, /hostile stale_ts: not applicable to SIGNING_SCHEME=plain/);
        else assert.equal(run.counters['hostile.stale_ts.sent'], 5, run.output);
      } finally {
        await target.stop();
      }
    });
  }
});

/** A receiver sharing no code with the pack: Slack-style v0 signatures, 256 KiB limit, its own processed counter. */
function independentReceiver(opts: { checkTimestamp: boolean }): Server {
  const secret = 'independent-secret';
  let processed = 0;
  const reply = (res: import('node:http').ServerResponse, status: number, extra: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...extra });
    res.end(JSON.stringify({ ok: status < 300 }));
  };
  return createServer(async (req, res) => {
    if (req.method === 'GET' && req.url === '/stats') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ processed }));
      return;
    }
    if (req.url?.split('?')[0] !== '/hooks/alpha') {
      req.resume();
      return reply(res, 404);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > 256 * 1024) return reply(res, 413, { connection: 'close' });
      chunks.push(chunk as Buffer);
    }
    const raw = Buffer.concat(chunks);
    const ts = String(req.headers['x-slack-request-timestamp'] ?? '');
    const given = Buffer.from(String(req.headers['x-slack-signature'] ?? ''));
    const wanted = Buffer.from(`v0=${createHmac('sha256', secret).update(`v0:${ts}:`).update(raw).digest('hex')}`);
    if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) return reply(res, 403);
    if (opts.checkTimestamp && Math.abs(Date.now() / 1000 - Number(ts)) > 300) return reply(res, 403);
    let signal: { action?: unknown };
    try {
      signal = JSON.parse(raw.toString('utf8')) as { action?: unknown };
    } catch {
      return reply(res, 400);
    }
    if (signal.action !== 'BUY' && signal.action !== 'SELL') return reply(res, 422);
    processed += 1;
    reply(res, 202);
  });
}

describe('hostile traffic: independent receiver', () => {
  for (const { checkTimestamp, fails } of [
    { checkTimestamp: true, fails: [] },
    { checkTimestamp: false, fails: [PROCESSED, STALE] },
  ]) {
    it(`timestamp check ${checkTimestamp ? 'on: passes' : 'off: fails the stale and processed gates'}`, async () => {
      const server = independentReceiver({ checkTimestamp });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      try {
        const run = await runScenario('hostile', url, {
          WEBHOOK_TOKEN: 'alpha',
          WEBHOOK_SECRET: 'independent-secret',
          WEBHOOK_PATH: '/hooks/{token}',
          SIGNING_SCHEME: 'slack',
          HOSTILE_BODY_BYTES: String(300 * 1024),
          PROCESSED_COUNT_URL: `${url}/stats`,
          PROCESSED_COUNT_JSON_PATH: 'processed',
        });
        assert.deepEqual(failedGates(run), fails, run.output);
        assert.equal(run.code, fails.length > 0 ? 1 : 0, run.output);
        assert.equal(run.counters['hostile.forged_sig.rejected'], 5, run.output);
      } finally {
        server.closeAllConnections();
        server.close();
      }
    });
  }
});

describe('hostile faults: a control scenario under the same fault still passes', () => {
  for (const { fault, scheme } of [
    { fault: 'skip-signature', scheme: 'plain' },
    { fault: 'accept-stale', scheme: 'stripe' },
    { fault: 'malformed-500', scheme: 'plain' },
  ]) {
    // idempotency, not hft: hft runs at 8.3/s against a 10/s limit and may see a 429 on a loaded machine.
    it(`--fault ${fault}: idempotency passes`, async () => {
      const target = await startTarget(['--fault', fault]);
      try {
        const run = await runScenario('idempotency', target.url, {
          ...processedCountEnv(target.url),
          SIGNING_SCHEME: scheme,
        });
        assert.deepEqual(failedGates(run), [], run.output);
        assert.equal(run.code, 0, run.output);
      } finally {
        await target.stop();
      }
    });
  }
});

describe('hostile traffic: a receiver on the official standardwebhooks library', () => {
  // Padded, so `secret + "-forged"` is this very key to a lenient base64 decoder: the forgery the pack once sent.
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  for (const { verify, fails } of [
    { verify: 'library', fails: [] },
    { verify: 'none', fails: [PROCESSED, FORGED, MISSING, STALE] },
  ]) {
    it(`--verify ${verify}: ${fails.length > 0 ? 'fails the processed, forged, missing and stale gates' : 'every forgery rejected, the verdict passes'}`, async () => {
      const child = spawn(
        process.execPath,
        [
          path.join(ROOT, 'test/fixtures/standard-webhooks-receiver.ts'),
          '--secret',
          secret,
          '--token',
          'alpha',
          '--verify',
          verify,
          '--max-body-bytes',
          String(64 * 1024),
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      try {
        const url = await listeningUrl(child, 'standard-webhooks receiver');
        const run = await runJudgedScenario('hostile', url, {
          WEBHOOK_TOKEN: 'alpha',
          WEBHOOK_SECRET: secret,
          WEBHOOK_PATH: '/webhooks/{token}',
          SIGNING_SCHEME: 'standard',
          HOSTILE_BODY_BYTES: String(128 * 1024),
          PROCESSED_COUNT_URL: `${url}/metrics`,
          PROCESSED_COUNT_METRIC: 'webhook_events_executed_total',
        });
        assert.deepEqual(failedGates(run), fails, run.output);
        assert.equal(run.code, fails.length > 0 ? 1 : 0, run.output);
        for (const hostile of ['forged_sig', 'missing_sig', 'stale_ts']) {
          assert.equal(run.counters[`hostile.${hostile}.sent`], 5, run.output);
          assert.equal(run.counters[`hostile.${hostile}.rejected`] ?? 0, verify === 'library' ? 5 : 0, hostile);
        }
        assert.equal(run.counters['hostile.oversized.rejected'], 5, run.output);
        assert.ok(!run.output.includes(secret), 'the secret is not in the output');
      } finally {
        child.kill('SIGTERM');
        if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
      }
    });
  }
});
