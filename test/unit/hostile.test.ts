import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { appliesTo, hostileRequest, isRejection, parseHostileStatuses } from '../../processors/lib/hostile.ts';
import { forgedKey, signingKey } from '../../processors/lib/signing.ts';

// A Standard Webhooks secret whose text plus "-forged" a lenient base64 decoder reads as the same key.
const whsec = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const legit = {
  body: JSON.stringify({ signal_id: 's-1', action: 'BUY', symbol: 'BTCUSDT', quantity: 1, price: 100 }),
  key: signingKey('standard', whsec),
  token: 'tok123',
  nowS: 1_800_000_000,
};
const opts = { staleAgeS: 600, oversizedBytes: 70_000 };

describe('hostile requests', () => {
  it('changes only what its class attacks', () => {
    assert.deepEqual(hostileRequest('forged_sig', legit, opts).key, forgedKey(legit.key));
    assert.equal(hostileRequest('missing_sig', legit, opts).key, undefined);
    for (const hostile of ['stale_ts', 'oversized', 'malformed', 'unknown_action', 'unknown_token'] as const) {
      assert.equal(hostileRequest(hostile, legit, opts).key, legit.key, hostile);
    }
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

  it('forges from the key bytes: a key of the same length that no HMAC receiver can confuse with the real one', () => {
    assert.equal(Buffer.from(`${whsec.slice(6)}-forged`, 'base64').equals(Buffer.alloc(32, 7)), true, 'the old trap');
    const forged = hostileRequest('forged_sig', legit, opts).key;
    assert.ok(forged && 'bytes' in forged && 'bytes' in legit.key);
    assert.equal(forged.bytes.length, legit.key.bytes.length);
    assert.ok(forged.bytes.every((b, i) => b !== (legit.key as { bytes: Buffer }).bytes[i]));
    const sent = forgedKey(signingKey('query', 'tv-Secret-9'));
    assert.deepEqual(sent, { scheme: 'query', text: 'uw-Tfdsfu-0' });
    assert.deepEqual(forgedKey(signingKey('body-secret', '+/=-')), { scheme: 'body-secret', text: 'xxxx' });
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
