// rate-limit.yml against limiters the pack did not build: Debian's nginx `limit_req`
// (a token bucket: rate=10r/s burst=9 nodelay lets 10 through at once), the same nginx
// with no limiter, and a fixed-window limiter written here whose window edge falls
// inside the burst. Each control passes; each fault fails the band gate alone.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { before, describe, it } from 'node:test';
import { failedGates, runJudgedScenario, runScenario } from '../helpers/artillery.ts';
import { requireInstalled } from '../helpers/installed.ts';
import { NGINX, startNginx } from '../helpers/nginx.ts';
import { rerunWhileInvalid } from '../helpers/rerun-invalid.ts';

const BAND_GATE =
  'webhook.rate_limited > 0 and webhook.limit_allowed >= webhook.limit_band_min and webhook.limit_allowed <= webhook.limit_band_max';
const CREDENTIALS = { WEBHOOK_TOKEN: 'limiter-test', WEBHOOK_SECRET: 'limiter-secret' };
const TOKEN_BUCKET = { ...CREDENTIALS, RATE_LIMIT_MODEL: 'token-bucket', RATE_LIMIT_BURST: '10' };
const REPEATS = 3;

describe('rate-limit against real nginx limit_req', () => {
  before(() => requireInstalled(NGINX, 'nginx-light'));
  it(`token-bucket model, limit_req rate=10r/s burst=9 nodelay: passes ${REPEATS} of ${REPEATS}`, async () => {
    const nginx = await startNginx({ rate: 10, burst: 9 });
    try {
      for (let i = 0; i < REPEATS; i++) {
        // The bucket refills in 1 s; an artillery start takes longer, so every run meets a full bucket.
        const run = await runJudgedScenario('rate-limit', nginx.url, TOKEN_BUCKET);
        assert.deepEqual(failedGates(run), [], run.output);
        assert.equal(run.code, 0, run.output);
        assert.equal(run.counters['webhook.limit_allowed'], 10);
        assert.equal(run.counters['webhook.rate_limited'], 10);
        assert.equal(run.counters['http.codes.429'], 10);
      }
    } finally {
      await nginx.stop();
    }
  });

  it('the same nginx with the limiter off fails only the band gate', async () => {
    const nginx = await startNginx({});
    try {
      const run = await runJudgedScenario('rate-limit', nginx.url, TOKEN_BUCKET);
      assert.deepEqual(failedGates(run), [BAND_GATE], run.output);
      assert.equal(run.code, 1, run.output);
      assert.equal(run.counters['webhook.limit_allowed'], 20);
    } finally {
      await nginx.stop();
    }
  });
});

/** 10 per fixed window, its edge placed just after the 5th request of the burst: the worst case. */
async function startFixedWindowLimiter(): Promise<{ url: string; server: Server }> {
  const allowedPerWindow = new Map<number, number>();
  let arrivals = 0;
  let edgeAt = Number.POSITIVE_INFINITY;
  const server = createServer((req, res) => {
    const now = performance.now();
    arrivals += 1;
    if (arrivals === 5) edgeAt = now + 0.001;
    const window = now < edgeAt ? 0 : 1 + Math.floor((now - edgeAt) / 1000);
    const allowed = (allowedPerWindow.get(window) ?? 0) < 10;
    if (allowed) allowedPerWindow.set(window, (allowedPerWindow.get(window) ?? 0) + 1);
    const id = arrivals;
    req.resume();
    req.on('end', () => {
      if (allowed) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ order_id: id }));
      else res.writeHead(429, { 'content-type': 'application/json' }).end('{"detail":"rate limited"}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, server };
}

describe('rate-limit against a fixed-window limiter whose edge falls inside the burst', () => {
  for (const [model, fails] of [
    ['fixed-window', []],
    ['sliding-window', [BAND_GATE]],
  ] as const) {
    it(`RATE_LIMIT_MODEL=${model}: ${fails.length ? 'fails only the band gate' : 'passes'} (15 of 20 allowed)`, async () => {
      // A fresh limiter per attempt: its window edge is placed in the burst it sees first.
      const run = await rerunWhileInvalid(
        'rate-limit',
        async () => {
          const { url, server } = await startFixedWindowLimiter();
          return runScenario('rate-limit', url, { ...CREDENTIALS, RATE_LIMIT_MODEL: model }).finally(() =>
            server.close(),
          );
        },
        (r) => r.verdict?.invalid,
      );
      assert.equal(run.counters['webhook.limit_allowed'], 15, run.output);
      assert.deepEqual(failedGates(run), fails, run.output);
    });
  }
});
