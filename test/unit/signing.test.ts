import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { verify as verifyGithub } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import {
  keyBytes,
  SIGNING_SCHEMES,
  secretProblem,
  signGithub,
  signingKey,
  signPlain,
  signRequest,
  signShopify,
  signSlack,
  signStandard,
  signStripe,
  withBodySecret,
} from '../../processors/lib/signing.ts';
import { verifyRequest } from '../../reference-server/signature.ts';

const body = Buffer.from('{"action":"BUY","symbol":"BTCUSDT","quantity":0.5}');
const secret = 'a-webhook-secret';
const key = Buffer.from(secret);
const nowS = Math.floor(Date.now() / 1000);
/** Signing secrets of a Standard Webhooks endpoint; the target issues this shape for every scheme. */
const whsec = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;

describe('signing: published test vectors', () => {
  it('GitHub docs: "It\'s a Secret to Everybody" / "Hello, World!"', () => {
    assert.equal(
      signGithub(Buffer.from("It's a Secret to Everybody"), Buffer.from('Hello, World!')),
      'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
    );
  });

  it('Slack docs: signing secret 8f74..., timestamp 1531420618', () => {
    const slackBody =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    assert.equal(
      signSlack(Buffer.from('8f742231b10e8888abcd99yyyzzz85a5'), Buffer.from(slackBody), 1531420618),
      'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    );
  });

  // RFC 4231 (HMAC-SHA256) test cases 2 and 6: plain is its hex digest, Shopify its base64.
  it('RFC 4231 case 2 ("Jefe"): plain (hex) and Shopify (base64)', () => {
    const data = Buffer.from('what do ya want for nothing?');
    const hex = '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843';
    assert.equal(signPlain(keyBytes('plain', 'Jefe'), data), hex);
    assert.equal(signShopify(keyBytes('shopify', 'Jefe'), data), Buffer.from(hex, 'hex').toString('base64'));
  });

  it('RFC 4231 case 6: a 131-byte key is hashed first, as HMAC requires', () => {
    assert.equal(
      signPlain(Buffer.alloc(131, 0xaa), Buffer.from('Test Using Larger Than Block-Size Key - Hash Key First')),
      '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    );
  });
});

describe('signing: key bytes per scheme', () => {
  it('the HMAC schemes take the secret text as UTF-8 (a Stripe whsec_ secret is never decoded)', () => {
    for (const scheme of ['plain', 'github', 'stripe', 'slack', 'shopify'] as const) {
      assert.deepEqual(keyBytes(scheme, whsec), Buffer.from(whsec, 'utf8'));
      assert.deepEqual(keyBytes(scheme, 'clé-€'), Buffer.from('clé-€', 'utf8'));
    }
  });

  it('Standard Webhooks decodes base64 after an optional whsec_ prefix, padded or not', () => {
    const bytes = Buffer.from('0123456789abcdef0123456789abcdef');
    for (const shape of [whsec, whsec.slice(6), whsec.replace(/=+$/, ''), whsec.slice(6).replace(/=+$/, '')]) {
      assert.deepEqual(keyBytes('standard', shape), bytes, shape);
    }
  });

  it('Standard Webhooks refuses what its official library refuses, and damaged base64, with a reason', () => {
    const b64 = whsec.slice(6);
    const refused: [string, RegExp][] = [
      ['plain-text-secret', /characters outside A-Z a-z 0-9 \+ \//],
      [`${b64}-forged`, /characters outside/],
      [b64.replace(/\+|\//g, '_').replace(/[A-Z]/, '-'), /characters outside/],
      [`whsec_ ${b64}`, /characters outside/],
      [`${b64.slice(0, 20)}=${b64.slice(21)}`, /characters outside/],
      [`${b64.replace(/=+$/, '')}A`.slice(0, 41), /length or = padding/],
      [`${b64.replace(/=+$/, '')}===`, /length or = padding/],
      [`${b64.slice(0, 40)}=`, /length or = padding/],
      [Buffer.alloc(23, 1).toString('base64'), /decodes to 23 bytes; the Standard Webhooks spec wants 24 to 64/],
      [`whsec_${Buffer.alloc(65, 1).toString('base64')}`, /decodes to 65 bytes/],
      ['whsec_', /is empty after the optional whsec_ prefix/],
    ];
    for (const [bad, reason] of refused) {
      const problem = secretProblem('standard', bad);
      assert.match(problem ?? 'accepted', reason, bad);
      if (bad !== 'whsec_') assert.ok(!problem?.includes(bad), 'the reason does not repeat the secret');
    }
    for (const limit of [24, 64])
      assert.equal(secretProblem('standard', Buffer.alloc(limit, 2).toString('base64')), undefined);
    // Stricter than the library here on purpose: it silently drops the last character of a 4n+1 text.
    const damaged = `${b64.replace(/=+$/, '')}AB`;
    assert.doesNotThrow(() => new Webhook(damaged));
    assert.match(secretProblem('standard', damaged) ?? 'accepted', /length or = padding/);
  });

  it('an empty secret is refused by every scheme', () => {
    for (const scheme of SIGNING_SCHEMES) assert.equal(secretProblem(scheme, ''), 'is empty', scheme);
  });
});

describe('signing: independent verifiers accept our signatures', () => {
  it('GitHub, checked by @octokit/webhooks-methods', async () => {
    assert.equal(await verifyGithub(secret, body.toString(), signGithub(key, body)), true);
    assert.equal(await verifyGithub('another-secret', body.toString(), signGithub(key, body)), false);
  });

  it('Stripe, checked by the stripe package with its 300 s tolerance', () => {
    const header = signStripe(key, body, nowS);
    assert.equal(Stripe.webhooks.signature?.verifyHeader(body.toString(), header, secret, 300), true);
    assert.throws(() => Stripe.webhooks.signature?.verifyHeader(body.toString(), header, 'wrong', 300));
  });

  it('Standard Webhooks, checked by the standardwebhooks package (whsec_ secret decoded)', () => {
    const headers = {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(nowS),
      'webhook-signature': signStandard(keyBytes('standard', whsec), body, 'msg_1', nowS),
    };
    assert.deepEqual(new Webhook(whsec).verify(body.toString(), headers), JSON.parse(body.toString()));
  });

  it('Standard Webhooks, a secret without the whsec_ prefix is base64 too (the library agrees)', () => {
    const bare = Buffer.from('0123456789abcdef0123456789abcdef').toString('base64');
    const headers = {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(nowS),
      'webhook-signature': signStandard(keyBytes('standard', bare), body, 'msg_1', nowS),
    };
    assert.deepEqual(new Webhook(bare).verify(body.toString(), headers), JSON.parse(body.toString()));
    assert.deepEqual(keyBytes('standard', bare), keyBytes('standard', `whsec_${bare}`));
    const target = verifyRequest(bare, body, headers, new URLSearchParams(), nowS * 1000);
    assert.deepEqual(target, { ok: true, scheme: 'standard' });
  });

  // No Shopify or plain library to ask: an HMAC computed here from the secret text, as their receivers do.
  it('Shopify is base64 of the HMAC over the body, plain its hex', () => {
    const digest = createHmac('sha256', secret).update(body).digest();
    assert.equal(signShopify(key, body), digest.toString('base64'));
    assert.equal(signPlain(key, body), digest.toString('hex'));
    const parts = signRequest(signingKey('plain', secret), body, {
      nowS,
      messageId: 'm',
      plainHeader: 'X-Webhook-Signature',
    });
    assert.deepEqual(parts.headers, { 'X-Webhook-Signature': digest.toString('hex') });
  });
});

describe('signing: the reference target verifies every scheme', () => {
  for (const scheme of SIGNING_SCHEMES) {
    it(`${scheme}: right secret passes, wrong secret and altered body fail`, () => {
      const opts = { nowS, messageId: 'msg_2', plainHeader: 'X-Signature' };
      const parts = signRequest(signingKey(scheme, whsec), body, opts);
      const headers = Object.fromEntries(Object.entries(parts.headers).map(([k, v]) => [k.toLowerCase(), v]));
      const query = new URLSearchParams(parts.query);
      const sent = parts.body ?? body;
      assert.deepEqual(verifyRequest(whsec, sent, headers, query, nowS * 1000), { ok: true, scheme });
      const wrong = `whsec_${Buffer.from('another key of thirty-two bytes!').toString('base64')}`;
      assert.equal(verifyRequest(wrong, sent, headers, query, nowS * 1000).ok, false);
      // A secret in the query or the body proves who sent it, not what: an altered body still passes.
      if (scheme !== 'query' && scheme !== 'body-secret') {
        const altered = Buffer.from(body.toString().replace('BUY', 'SELL'));
        assert.equal(verifyRequest(whsec, altered, headers, query, nowS * 1000).ok, false);
      }
    });
  }

  it('decodes a Standard Webhooks secret strictly: `secret + "-forged"` is no longer the same key', () => {
    const parts = signRequest(signingKey('standard', whsec), body, { nowS, messageId: 'm', plainHeader: 'X' });
    const headers = Object.fromEntries(Object.entries(parts.headers).map(([k, v]) => [k.toLowerCase(), v]));
    assert.deepEqual(verifyRequest(whsec.replace(/=+$/, ''), body, headers, new URLSearchParams(), nowS * 1000), {
      ok: true,
      scheme: 'standard',
    });
    assert.deepEqual(verifyRequest(`${whsec}-forged`, body, headers, new URLSearchParams(), nowS * 1000), {
      ok: false,
      reason: "the webhook's secret is not a Standard Webhooks key",
    });
  });

  it('rejects a timestamped signature older than the 300 s tolerance', () => {
    const stale = signRequest(signingKey('stripe', secret), body, {
      nowS: nowS - 301,
      messageId: 'm',
      plainHeader: 'X-Signature',
    });
    const headers = { 'stripe-signature': stale.headers['Stripe-Signature'] };
    assert.equal(verifyRequest(secret, body, headers, new URLSearchParams(), nowS * 1000).ok, false);
  });
});

describe('signing: body-secret (TradingView cannot set headers)', () => {
  it('puts the secret first in the JSON text, under the configured field, leaving the rest byte for byte', () => {
    const sent = withBodySecret(Buffer.from('{"action":"BUY","price":1.50}'), 'passphrase', 's3"cret');
    assert.equal(sent.toString(), '{"passphrase":"s3\\"cret","action":"BUY","price":1.50}');
    assert.equal(withBodySecret(Buffer.from('{}'), 'secret', 'x').toString(), '{"secret":"x"}');
    assert.equal(withBodySecret(Buffer.from('BUY BTCUSDT'), 'secret', 'x').toString(), 'BUY BTCUSDT');
  });

  it('the reference target reads the field it is told to read', () => {
    const parts = signRequest(signingKey('body-secret', secret), body, {
      nowS,
      messageId: 'm',
      plainHeader: 'X-Signature',
      bodySecretField: 'passphrase',
    });
    const sent = parts.body ?? body;
    const none = new URLSearchParams();
    assert.deepEqual(verifyRequest(secret, sent, {}, none, nowS * 1000, { bodySecretField: 'passphrase' }), {
      ok: true,
      scheme: 'body-secret',
    });
    assert.equal(verifyRequest(secret, sent, {}, none, nowS * 1000).ok, false);
  });
});
