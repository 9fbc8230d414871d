import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { SIGNING_SCHEMES, secretProblem } from '../../processors/lib/signing.ts';
import { createCredentialAuthority } from '../../reference-server/credentials.ts';
import { createAtomicStore, createRacyStore } from '../../reference-server/idempotency-store.ts';
import { parseTargetArgs } from '../../reference-server/options.ts';
import { createSlidingWindowLimiter } from '../../reference-server/rate-limiter.ts';

describe('sliding-window limiter', () => {
  it('lets exactly 10 of a 20-burst through, then frees slots as the window slides', () => {
    const limiter = createSlidingWindowLimiter(10, 1000);
    const burst = Array.from({ length: 20 }, (_, i) => limiter.take('k', 1000 + i).allowed);
    assert.equal(burst.filter(Boolean).length, 10);
    assert.equal(limiter.take('k', 1500).allowed, false);
    assert.equal(limiter.take('k', 2000).allowed, true);
    assert.equal(limiter.take('other', 1500).allowed, true);
  });
});

describe('idempotency store', () => {
  const processOnce = () => {
    let calls = 0;
    return { calls: () => calls, process: async () => ({ status: 200, body: `order-${++calls}` }) };
  };

  it('atomic: simultaneous duplicates are processed once and replay the first answer', async () => {
    const store = createAtomicStore(1000);
    const p = processOnce();
    const claims = await Promise.all(Array.from({ length: 10 }, () => store.claim('k', 0, p.process)));
    assert.equal(p.calls(), 1);
    assert.equal(claims.filter((c) => c.replayed).length, 9);
    assert.deepEqual(new Set(await Promise.all(claims.map((c) => c.response))).size, 1);
  });

  it('atomic: the same key after the TTL is processed again, and expired keys are dropped', async () => {
    const store = createAtomicStore(1000);
    const p = processOnce();
    await store.claim('k', 0, p.process);
    await store.claim('k', 999, p.process);
    await store.claim('k', 1000, p.process);
    assert.equal(p.calls(), 2);
    await store.claim('other', 5000, p.process);
    assert.equal(store.size(), 1);
  });

  it('racy (the race fault): simultaneous duplicates are all processed', async () => {
    const store = createRacyStore(1000, 5);
    const p = processOnce();
    await Promise.all(Array.from({ length: 10 }, () => store.claim('k', 0, p.process)));
    assert.equal(p.calls(), 10);
  });
});

describe('target options', () => {
  it('combines faults and refuses unknown ones and non-loopback hosts', () => {
    const o = parseTargetArgs(['--fault', 'race,slow', '--fault', 'errors', '--port', '0']);
    assert.deepEqual([...o.faults].sort(), ['errors', 'race', 'slow']);
    assert.throws(() => parseTargetArgs(['--fault', 'explode']), /unknown --fault "explode"/);
    assert.throws(() => parseTargetArgs(['--host', '0.0.0.0']), /not a loopback address/);
  });
});

describe('credential authority', () => {
  it('issues secrets every scheme can use: whsec_ and base64 of 32 bytes, as the official library decodes them', () => {
    const authority = createCredentialAuthority('server-key');
    for (let i = 0; i < 20; i++) {
      const { token, secret } = authority.issueWebhook();
      assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
      assert.equal(authority.secretFor(token), secret);
      for (const scheme of SIGNING_SCHEMES) assert.equal(secretProblem(scheme, secret), undefined, scheme);
      assert.doesNotThrow(() => new Webhook(secret));
    }
    assert.equal(authority.secretFor('0'.repeat(32)), undefined);
  });
});
