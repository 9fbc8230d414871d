// The reference target's HTTP contract, spoken to over loopback.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { provisionWebhooks } from '../../processors/lib/provision.ts';
import { readSettings } from '../../processors/lib/settings.ts';
import { signPlain } from '../../processors/lib/signing.ts';
import { type RunningTarget, startTarget } from '../../reference-server/launch.ts';
import { metricValue } from '../helpers/installed.ts';

let target: RunningTarget;
before(async () => {
  target = await startTarget(['--rate-limit', '3']);
});
after(async () => target.stop());

async function provision(): Promise<{ token: string; secret: string }> {
  const login = await fetch(`${target.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'trader@example.com', password: 'stress-test-password' }),
  });
  const { access_token } = (await login.json()) as { access_token: string };
  const created = await fetch(`${target.url}/api/v1/webhooks/`, {
    method: 'POST',
    headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'test', details: 'x' }),
  });
  assert.equal(created.status, 201);
  return (await created.json()) as { token: string; secret: string };
}

function send(token: string, secret: string, body: string) {
  return fetch(`${target.url}/api/v1/webhooks/${token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-signature': signPlain(Buffer.from(secret), Buffer.from(body)) },
    body,
  });
}

describe('reference target over HTTP', () => {
  it('serves /health and Prometheus /metrics', async () => {
    assert.equal(((await (await fetch(`${target.url}/health`)).json()) as { status: string }).status, 'ok');
    const metrics = await (await fetch(`${target.url}/metrics`)).text();
    assert.match(metrics, /^process_resident_memory_bytes \d+$/m);
    assert.match(metrics, /^process_cpu_seconds_total [\d.]+$/m);
  });

  it('logs in with OAuth2 form encoding too, and refuses a wrong password', async () => {
    const form = await fetch(`${target.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'username=trader%40example.com&password=stress-test-password',
    });
    assert.equal(form.status, 200);
    assert.equal(((await form.json()) as { token_type: string }).token_type, 'bearer');
    const wrong = await fetch(`${target.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'trader@example.com', password: 'nope' }),
    });
    assert.equal(wrong.status, 401);
  });

  it('refuses webhook creation without a bearer token', async () => {
    const res = await fetch(`${target.url}/api/v1/webhooks/`, { method: 'POST', body: '{}' });
    assert.equal(res.status, 401);
  });

  it('answers 404, 401, 422 for unknown token, bad signature, bad body', async () => {
    const { token, secret } = await provision();
    assert.equal((await send('nope', secret, '{"action":"BUY"}')).status, 404);
    assert.equal((await send(token, 'wrong', '{"action":"BUY"}')).status, 401);
    assert.equal((await send(token, secret, '{"action":"HOLD"}')).status, 422);
    assert.equal((await send(token, secret, 'not json')).status, 422);
  });

  it('replays a duplicate inside the window as HTTP 200 with the first body', async () => {
    const { token, secret } = await provision();
    const body = '{"action":"BUY","signal_id":"dup-1"}';
    const first = await send(token, secret, body);
    const second = await send(token, secret, body);
    assert.equal(second.status, 200);
    assert.equal(second.headers.get('idempotent-replayed'), 'true');
    assert.equal(await second.text(), await first.text());
  });

  it('limits each webhook (here to 3 per second) with 429 and Retry-After', async () => {
    const { token, secret } = await provision();
    const answers = await Promise.all(
      Array.from({ length: 5 }, (_, i) => send(token, secret, `{"action":"SELL","signal_id":"rl-${i}"}`)),
    );
    const limited = answers.filter((a) => a.status === 429);
    assert.equal(limited.length, 2);
    assert.equal(limited[0]?.headers.get('retry-after'), '1');
  });
});

/** One request on a fresh connection, so a cluster's workers share the requests. */
function request(url: string, init: { method: string; headers?: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = httpRequest(url, { method: init.method, headers: init.headers, agent: false }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => {
        text += c.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

async function processedTotal(url: string): Promise<number> {
  const { text } = await request(`${url}/metrics`, { method: 'GET' });
  return metricValue(text, 'webhook_orders_processed_total');
}

describe('processed counter (the exactly-once oracle)', () => {
  for (const workers of [0, 3]) {
    it(`counts processed signals, not replays${workers ? `, summed over ${workers} cluster workers` : ''}`, async () => {
      const server = await startTarget(['--rate-limit', '1000', ...(workers ? ['--workers', String(workers)] : [])]);
      try {
        const credentials = await provisionWebhooks(server.url, readSettings({}), 1);
        const { token, secret } = credentials[0] ?? { token: '', secret: '' };
        const before = await processedTotal(server.url);
        for (let i = 0; i < 12; i++) {
          const body = `{"action":"BUY","signal_id":"count-${i}"}`;
          const headers = {
            'content-type': 'application/json',
            'x-signature': signPlain(Buffer.from(secret), Buffer.from(body)),
          };
          const url = `${server.url}/api/v1/webhooks/${token}`;
          assert.equal((await request(url, { method: 'POST', headers, body })).status, 200);
          // A replay on the same worker is not counted (duplicates across workers are, as in any unshared store).
          if (!workers) assert.equal((await request(url, { method: 'POST', headers, body })).status, 200);
        }
        await sleep(200);
        // Every worker answers the same total, whichever one the connection reaches.
        for (let i = 0; i < 6; i++) assert.equal((await processedTotal(server.url)) - before, 12);
      } finally {
        await server.stop();
      }
    });
  }
});
