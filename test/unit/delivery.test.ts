// A delivery's identity as the sender gives it, checked where it is decided (processors/lib/delivery.ts)
// and against the official Standard Webhooks verifier for the copies a burst sends.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { readIdempotencySettings } from '../../processors/idempotency.ts';
import {
  carriesDeliveryId,
  type Delivery,
  deliveryHeaders,
  newDeliveryId,
  reprocessAfterTtlByDefault,
  sharedDeliveryId,
} from '../../processors/lib/delivery.ts';
import { createSignalGenerator, streamSeed } from '../../processors/lib/signals.ts';
import { SIGNING_SCHEMES, signingKey, signRequest } from '../../processors/lib/signing.ts';

const first: Delivery = { id: 'd1', atS: undefined, attempt: 0, providerRetry: false };

describe('delivery identity', () => {
  it('names a delivery in the header of the schemes that have one, and nowhere for the others', () => {
    assert.deepEqual(deliveryHeaders('github', first), { 'X-GitHub-Delivery': 'd1' });
    assert.deepEqual(deliveryHeaders('shopify', first), { 'X-Shopify-Webhook-Id': 'd1' });
    // Standard Webhooks' webhook-id is the signature's own header (signRequest sets and signs it).
    assert.deepEqual(deliveryHeaders('standard', first), {});
    for (const scheme of ['plain', 'stripe', 'slack', 'query', 'body-secret'] as const) {
      assert.deepEqual(deliveryHeaders(scheme, first), {}, scheme);
      assert.equal(carriesDeliveryId(scheme), false, scheme);
    }
  });

  it('names a provider retry in webhook-id where the scheme has no id header, and counts Slack retries', () => {
    const retry = { ...first, providerRetry: true, attempt: 2 };
    assert.deepEqual(deliveryHeaders('plain', retry), { 'webhook-id': 'd1' });
    assert.deepEqual(deliveryHeaders('github', retry), { 'X-GitHub-Delivery': 'd1' });
    assert.deepEqual(deliveryHeaders('slack', retry), {
      'webhook-id': 'd1',
      'X-Slack-Retry-Num': '2',
      'X-Slack-Retry-Reason': 'http_timeout',
    });
  });

  it('gives ids in the shape of the scheme, fresh each time, and the shared one alike in every generator', () => {
    assert.match(newDeliveryId('standard'), /^msg_[A-Za-z0-9_-]{22}$/);
    assert.match(newDeliveryId('github'), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    const ids = new Set(Array.from({ length: 1000 }, () => newDeliveryId('standard')));
    assert.equal(ids.size, 1000);
    assert.equal(sharedDeliveryId('standard', 1, 1700000000000), sharedDeliveryId('standard', 1, 1700000000000));
    assert.notEqual(sharedDeliveryId('standard', 1, 1700000000000), sharedDeliveryId('standard', 1, 1700000001000));
    assert.notEqual(sharedDeliveryId('standard', 1, 1700000000000), sharedDeliveryId('standard', 2, 1700000000000));
  });

  it('signs every copy of a delivery byte for byte alike, and the official verifier accepts each', () => {
    const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    const body = Buffer.from('{"action":"BUY"}');
    const atS = Math.floor(Date.now() / 1000);
    const copies = Array.from({ length: 3 }, () =>
      signRequest(signingKey('standard', secret), body, {
        nowS: atS,
        messageId: 'msg_same',
        plainHeader: 'X-Signature',
      }),
    );
    assert.deepEqual(copies[1], copies[0]);
    assert.deepEqual(copies[2], copies[0]);
    assert.deepEqual(new Webhook(secret).verify(body.toString(), copies[0]?.headers ?? {}), { action: 'BUY' });
  });

  it('expects a repeat after the window to be a replay for schemes with ids, processed again for the others', () => {
    for (const scheme of SIGNING_SCHEMES) {
      assert.equal(reprocessAfterTtlByDefault(scheme), !['standard', 'github', 'shopify'].includes(scheme), scheme);
    }
    assert.equal(readIdempotencySettings({ SIGNING_SCHEME: 'standard' }).reprocessAfterTtl, false);
    assert.equal(readIdempotencySettings({ SIGNING_SCHEME: 'plain' }).reprocessAfterTtl, true);
    assert.equal(
      readIdempotencySettings({ SIGNING_SCHEME: 'standard', REPROCESS_AFTER_TTL: 'true' }).reprocessAfterTtl,
      true,
    );
  });

  it('checks the replay header only when REPLAY_EVIDENCE names it (the guide asks for none)', () => {
    assert.equal(readIdempotencySettings({}).replayHeaderMarks, false);
    assert.equal(readIdempotencySettings({ REPLAY_EVIDENCE: 'status' }).replayHeaderMarks, false);
    assert.equal(readIdempotencySettings({ REPLAY_EVIDENCE: 'header,status' }).replayHeaderMarks, true);
  });
});

describe('streams of several load generators', () => {
  const content = (s: { action: string; symbol: string; quantity: number; price: number; comment: string }) =>
    JSON.stringify([s.action, s.symbol, s.quantity, s.price, s.comment]);

  it('never send one signal content twice across generators and threads', () => {
    const now = Date.parse('2026-12-02T10:00:00Z');
    const seen = new Set<string>();
    let sent = 0;
    for (let generator = 0; generator < 4; generator++) {
      for (const thread of [1, 2]) {
        const g = createSignalGenerator({
          seed: streamSeed(1, generator, thread),
          stream: `g${generator}t${thread}`,
          tag: `g${generator}t${thread}`,
        });
        for (let i = 0; i < 500; i++) {
          seen.add(content(g.next(now)));
          sent += 1;
        }
      }
    }
    assert.equal(seen.size, sent);
  });

  it('derive a different seed for each generator and thread, the same for the same ones', () => {
    assert.equal(streamSeed(1, 0, 1), streamSeed(1, 0, 1));
    const seeds = new Set([0, 1, 2, 3].flatMap((g) => [1, 2, 3].map((t) => streamSeed(1, g, t))));
    assert.equal(seeds.size, 12);
  });
});
