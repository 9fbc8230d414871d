// The reference target's HTTP contract, spoken to over loopback.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { signPlain } from '../../processors/lib/signing.ts';
import { type RunningTarget, startTarget } from '../../target/launch.ts';

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
    headers: { 'content-type': 'application/json', 'x-signature': signPlain(secret, Buffer.from(body)) },
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
