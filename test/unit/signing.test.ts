import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verify as verifyGithub } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import {
  SIGNING_SCHEMES,
  signGithub,
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
const nowS = Math.floor(Date.now() / 1000);

describe('signing: published test vectors', () => {
  it('GitHub docs: "It\'s a Secret to Everybody" / "Hello, World!"', () => {
    assert.equal(
      signGithub("It's a Secret to Everybody", Buffer.from('Hello, World!')),
      'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
    );
  });

  it('Slack docs: signing secret 8f74..., timestamp 1531420618', () => {
    const slackBody =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    assert.equal(
      signSlack('8f742231b10e8888abcd99yyyzzz85a5', Buffer.from(slackBody), 1531420618),
      'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    );
  });
});

describe('signing: independent verifiers accept our signatures', () => {
  it('GitHub, checked by @octokit/webhooks-methods', async () => {
    assert.equal(await verifyGithub(secret, body.toString(), signGithub(secret, body)), true);
    assert.equal(await verifyGithub('another-secret', body.toString(), signGithub(secret, body)), false);
  });

  it('Stripe, checked by the stripe package with its 300 s tolerance', () => {
    const header = signStripe(secret, body, nowS);
    assert.equal(Stripe.webhooks.signature?.verifyHeader(body.toString(), header, secret, 300), true);
    assert.throws(() => Stripe.webhooks.signature?.verifyHeader(body.toString(), header, 'wrong', 300));
  });

  it('Standard Webhooks, checked by the standardwebhooks package (whsec_ secret decoded)', () => {
    const whsec = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
    const headers = {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(nowS),
      'webhook-signature': signStandard(whsec, body, 'msg_1', nowS),
    };
    assert.deepEqual(new Webhook(whsec).verify(body.toString(), headers), JSON.parse(body.toString()));
  });

  it('Standard Webhooks, a secret without the whsec_ prefix is base64 too (the library agrees)', () => {
    const bare = Buffer.from('0123456789abcdef0123456789abcdef').toString('base64');
    const headers = {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(nowS),
      'webhook-signature': signStandard(bare, body, 'msg_1', nowS),
    };
    assert.deepEqual(new Webhook(bare).verify(body.toString(), headers), JSON.parse(body.toString()));
    assert.equal(signStandard(bare, body, 'msg_1', nowS), signStandard(`whsec_${bare}`, body, 'msg_1', nowS));
    const target = verifyRequest(bare, body, headers, new URLSearchParams(), nowS * 1000);
    assert.deepEqual(target, { ok: true, scheme: 'standard' });
  });

  it('Shopify is base64 of the HMAC over the body', () => {
    assert.match(signShopify(secret, body), /^[A-Za-z0-9+/]{43}=$/);
  });
});

describe('signing: the reference target verifies every scheme', () => {
  for (const scheme of SIGNING_SCHEMES) {
    it(`${scheme}: right secret passes, wrong secret and altered body fail`, () => {
      const opts = { nowS, messageId: 'msg_2', plainHeader: 'X-Signature' };
      const parts = signRequest(scheme, secret, body, opts);
      const headers = Object.fromEntries(Object.entries(parts.headers).map(([k, v]) => [k.toLowerCase(), v]));
      const query = new URLSearchParams(parts.query);
      const sent = parts.body ?? body;
      assert.deepEqual(verifyRequest(secret, sent, headers, query, nowS * 1000), { ok: true, scheme });
      assert.equal(verifyRequest('wrong-secret', sent, headers, query, nowS * 1000).ok, false);
      // A secret in the query or the body proves who sent it, not what: an altered body still passes.
      if (scheme !== 'query' && scheme !== 'body-secret') {
        const altered = Buffer.from(body.toString().replace('BUY', 'SELL'));
        assert.equal(verifyRequest(secret, altered, headers, query, nowS * 1000).ok, false);
      }
    });
  }

  it('rejects a timestamped signature older than the 300 s tolerance', () => {
    const stale = signRequest('stripe', secret, body, { nowS: nowS - 301, messageId: 'm', plainHeader: 'X-Signature' });
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
    const parts = signRequest('body-secret', secret, body, {
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
