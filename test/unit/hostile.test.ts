import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { appliesTo, hostileRequest, isRejection, parseHostileStatuses } from '../../processors/lib/hostile.ts';

const legit = {
  body: JSON.stringify({ signal_id: 's-1', action: 'BUY', symbol: 'BTCUSDT', quantity: 1, price: 100 }),
  secret: 'whsec-secret',
  token: 'tok123',
  nowS: 1_800_000_000,
};
const opts = { staleAgeS: 600, oversizedBytes: 70_000 };

describe('hostile requests', () => {
  it('changes only what its class attacks', () => {
    assert.equal(hostileRequest('forged_sig', legit, opts).secret, 'whsec-secret-forged');
    assert.equal(hostileRequest('missing_sig', legit, opts).secret, undefined);
    assert.equal(hostileRequest('stale_ts', legit, opts).nowS, legit.nowS - 600);
    const oversized = hostileRequest('oversized', legit, opts);
    assert.equal(Buffer.byteLength(oversized.body), 70_000);
    assert.equal((JSON.parse(oversized.body) as { action: string }).action, 'BUY');
    assert.throws(() => JSON.parse(hostileRequest('malformed', legit, opts).body));
    assert.equal((JSON.parse(hostileRequest('unknown_action', legit, opts).body) as { action: string }).action, 'HOLD');
    const unknown = hostileRequest('unknown_token', legit, opts);
    assert.notEqual(unknown.token, legit.token);
    assert.match(unknown.token, /^[A-Za-z0-9_-]+$/);
    for (const hostile of ['forged_sig', 'oversized', 'malformed', 'unknown_action', 'unknown_token'] as const) {
      assert.equal(hostileRequest(hostile, legit, opts).nowS, legit.nowS);
    }
  });

  it('sends a stale timestamp only where the scheme signs one', () => {
    for (const scheme of ['stripe', 'standard', 'slack'] as const) assert.equal(appliesTo('stale_ts', scheme), true);
    for (const scheme of ['plain', 'github', 'shopify', 'query'] as const)
      assert.equal(appliesTo('stale_ts', scheme), false);
    assert.equal(appliesTo('forged_sig', 'query'), true);
  });

  it('counts any 4xx but 429 as a rejection, or exactly the configured codes', () => {
    assert.equal(isRejection('forged_sig', 403, {}), true);
    assert.equal(isRejection('forged_sig', 429, {}), false);
    assert.equal(isRejection('forged_sig', 200, {}), false);
    assert.equal(isRejection('malformed', 500, {}), false);
    const statuses = parseHostileStatuses('forged_sig=401|403, oversized=413');
    assert.deepEqual(statuses, { forged_sig: [401, 403], oversized: [413] });
    assert.equal(isRejection('oversized', 400, statuses), false);
    assert.equal(isRejection('oversized', 413, statuses), true);
    assert.throws(() => parseHostileStatuses('forged=401'), /HOSTILE_STATUS entry "forged=401"/);
    assert.throws(() => parseHostileStatuses('malformed=500'), /every status must be a 4xx/);
  });
});
