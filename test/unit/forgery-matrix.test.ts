// Every scheme x every secret shape it accepts x legitimate / forged / missing / stale: the
// requests the pack builds (signingKey, hostileRequest, signRequest) go to verifiers that share
// no code with it: the official libraries where they exist (standardwebhooks, stripe,
// @octokit/webhooks-methods), an HMAC computed here from the secret text otherwise, as a
// receiver of that scheme computes it. Legitimate requests must verify 100 %, the others be
// rejected 100 %, over many random secrets per shape. The matrix is printed as a table.
import assert from 'node:assert/strict';
import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { verify as verifyGithub } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { type HostileClass, hostileRequest, TIMESTAMPED_SCHEMES } from '../../processors/lib/hostile.ts';
import { readSettings, SettingsError } from '../../processors/lib/settings.ts';
import {
  forgedKey,
  SIGNING_SCHEMES,
  type SigningKey,
  type SigningScheme,
  secretProblem,
  signingKey,
  signRequest,
} from '../../processors/lib/signing.ts';

const SECRETS_PER_SHAPE = 20;
const TOLERANCE_S = 300;
const STALE_AGE_S = 600;

interface Shape {
  name: string;
  make(): string;
  /** Refused shapes: the official library throws on it too (it takes a key shorter than the spec's). */
  libraryThrows?: boolean;
}

const TEXT_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.!@#$%^&*() éß€';

function text(length: number): string {
  return Array.from({ length }, () => TEXT_CHARS[randomInt(TEXT_CHARS.length)]).join('');
}

/** A key length the spec allows (24-64 bytes) whose base64 needs padding, or not. */
function keyLength(padded: boolean): number {
  const lengths = Array.from({ length: 41 }, (_, i) => 24 + i).filter((n) => (n % 3 !== 0) === padded);
  return lengths[randomInt(lengths.length)] as number;
}

function base64Key(padded: boolean): string {
  return randomBytes(keyLength(padded)).toString('base64');
}

const STANDARD_SHAPES: Shape[] = [
  { name: 'whsec_ + base64, padded', make: () => `whsec_${base64Key(true)}` },
  { name: 'whsec_ + base64, padding dropped', make: () => `whsec_${base64Key(true).replace(/=+$/, '')}` },
  { name: 'whsec_ + base64, no padding needed', make: () => `whsec_${base64Key(false)}` },
  { name: 'bare base64, padded', make: () => base64Key(true) },
  { name: 'bare base64, padding dropped', make: () => base64Key(true).replace(/=+$/, '') },
];
/** URL-safe base64 of 33 bytes (44 characters, every one decoded) with at least one - or _. */
function urlSafeBase64(): string {
  const chars = [...randomBytes(33).toString('base64url')];
  chars[randomInt(chars.length)] = randomInt(2) === 0 ? '-' : '_';
  return `whsec_${chars.join('')}`;
}

/** Refused before any load: the official library decodes none of them to a key the spec allows. */
const STANDARD_REFUSED: Shape[] = [
  // Ends in '-' so that no draw is, by chance, base64 of 24 bytes or more; never 4n+1 characters
  // long, which the library takes by dropping the last one (the pack refuses that length too).
  { name: 'plain text', make: () => `${text(4 * randomInt(2, 10) + randomInt(1, 4))}-`, libraryThrows: true },
  { name: 'URL-safe base64', make: urlSafeBase64, libraryThrows: true },
  { name: 'base64 of < 24 bytes', make: () => `whsec_${randomBytes(randomInt(1, 24)).toString('base64')}` },
];
const TEXT_SHAPES: Shape[] = [
  { name: 'whsec_-prefixed (Stripe-like)', make: () => `whsec_${base64Key(true)}` },
  { name: 'base64-looking', make: () => base64Key(true) },
  { name: 'plain text', make: () => text(randomInt(8, 40)) },
  { name: 'long text (> 64 bytes: HMAC hashes it)', make: () => text(randomInt(65, 120)) },
];

function shapesOf(scheme: SigningScheme): Shape[] {
  return scheme === 'standard' ? STANDARD_SHAPES : TEXT_SHAPES;
}

interface Sent {
  url: URL;
  headers: Record<string, string>;
  body: string;
}

/** As processors/core/sender.ts addresses a request: signed with the key, or no signature without one. */
function build(key: SigningKey | undefined, body: string, nowS: number, messageId: string): Sent {
  const signed =
    key === undefined
      ? { headers: {}, query: {} }
      : signRequest(key, Buffer.from(body), { nowS, messageId, plainHeader: 'X-Signature' });
  const url = new URL('http://127.0.0.1:8000/webhooks/tok');
  for (const [k, v] of Object.entries(signed.query)) url.searchParams.set(k, v);
  const headers = Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { url, headers, body: 'body' in signed && signed.body ? signed.body.toString('utf8') : body };
}

function sameText(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function hmacOf(secret: string, data: string, encoding: 'hex' | 'base64'): string {
  return createHmac('sha256', secret).update(data).digest(encoding);
}

/** Does a receiver of `scheme`, configured with `secret`, accept the request? Never the pack's code. */
async function accepts(scheme: SigningScheme, secret: string, sent: Sent, nowS: number): Promise<boolean> {
  const { headers, body, url } = sent;
  try {
    switch (scheme) {
      case 'standard':
        new Webhook(secret).verify(body, headers);
        return true;
      case 'stripe':
        Stripe.webhooks.constructEvent(body, headers['stripe-signature'] ?? '', secret, TOLERANCE_S);
        return true;
      case 'github':
        return await verifyGithub(secret, body, headers['x-hub-signature-256'] ?? '');
      case 'plain':
        return sameText(headers['x-signature'], hmacOf(secret, body, 'hex'));
      case 'shopify':
        return sameText(headers['x-shopify-hmac-sha256'], hmacOf(secret, body, 'base64'));
      case 'slack': {
        // Slack's docs: refuse a request timestamp more than five minutes from now.
        const ts = headers['x-slack-request-timestamp'] ?? '';
        if (!(Math.abs(nowS - Number(ts)) <= TOLERANCE_S)) return false;
        return sameText(headers['x-slack-signature'], `v0=${hmacOf(secret, `v0:${ts}:${body}`, 'hex')}`);
      }
      case 'query':
        return sameText(url.searchParams.get('secret') ?? undefined, secret);
      case 'body-secret': {
        const field = (JSON.parse(body) as Record<string, unknown>).secret;
        return typeof field === 'string' && sameText(field, secret);
      }
    }
  } catch {
    // Every library answers a bad request by throwing.
    return false;
  }
}

type Row = {
  scheme: SigningScheme;
  shape: string;
  legit: number;
  forged: number;
  missing: number;
  stale: number | undefined;
  refused?: number;
};
const rows: Row[] = [];

function cell(count: number | undefined): string {
  return count === undefined ? 'n/a' : `${count}/${SECRETS_PER_SHAPE}`;
}

after(() => {
  const lines = [
    '| scheme | secret shape | legit verified | forged rejected | missing rejected | stale rejected |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) =>
      r.refused !== undefined
        ? `| ${r.scheme} | ${r.shape} | refused before load (exit 2): ${cell(r.refused)} | | | |`
        : `| ${r.scheme} | ${r.shape} | ${cell(r.legit)} | ${cell(r.forged)} | ${cell(r.missing)} | ${cell(r.stale)} |`,
    ),
  ];
  console.log(
    `\nForgery matrix (independent verifiers, ${SECRETS_PER_SHAPE} random secrets per shape)\n${lines.join('\n')}`,
  );
});

const CLASSES: { name: 'forged' | 'missing' | 'stale'; hostile: HostileClass }[] = [
  { name: 'forged', hostile: 'forged_sig' },
  { name: 'missing', hostile: 'missing_sig' },
  { name: 'stale', hostile: 'stale_ts' },
];

describe('forgery matrix: independent verifiers', () => {
  for (const scheme of SIGNING_SCHEMES) {
    for (const shape of shapesOf(scheme)) {
      it(`${scheme}, ${shape.name}: legitimate verified, forged, missing and stale rejected`, async () => {
        const timestamped = TIMESTAMPED_SCHEMES.includes(scheme);
        const row: Row = {
          scheme,
          shape: shape.name,
          legit: 0,
          forged: 0,
          missing: 0,
          stale: timestamped ? 0 : undefined,
        };
        for (let i = 0; i < SECRETS_PER_SHAPE; i++) {
          const secret = shape.make();
          const nowS = Math.floor(Date.now() / 1000);
          const messageId = `msg_${randomBytes(8).toString('hex')}`;
          const body = JSON.stringify({ signal_id: messageId, action: 'BUY', symbol: 'BTCUSDT', quantity: 0.5 });
          assert.equal(secretProblem(scheme, secret), undefined, `${scheme} accepts this ${shape.name} secret`);
          const legit = { body, key: signingKey(scheme, secret), token: 'tok', nowS };
          if (await accepts(scheme, secret, build(legit.key, body, nowS, messageId), nowS)) row.legit += 1;
          for (const { name, hostile } of CLASSES) {
            if (name === 'stale' && !timestamped) continue;
            const sent = hostileRequest(hostile, legit, { staleAgeS: STALE_AGE_S, oversizedBytes: 0 });
            const request = build(sent.key, sent.body, sent.nowS, messageId);
            if (!(await accepts(scheme, secret, request, nowS))) row[name] = (row[name] ?? 0) + 1;
          }
        }
        rows.push(row);
        const all = SECRETS_PER_SHAPE;
        assert.deepEqual(row, {
          scheme,
          shape: shape.name,
          legit: all,
          forged: all,
          missing: all,
          stale: timestamped ? all : undefined,
        });
      });
    }
  }

  for (const shape of STANDARD_REFUSED) {
    it(`standard, ${shape.name}: refused before any load, in one line that does not show the secret`, () => {
      let refused = 0;
      for (let i = 0; i < SECRETS_PER_SHAPE; i++) {
        const secret = shape.make();
        if (shape.libraryThrows) assert.throws(() => new Webhook(secret), 'the official library refuses it too');
        const env = { WEBHOOK_TOKEN: 'tok', WEBHOOK_SECRET: secret, SIGNING_SCHEME: 'standard' };
        try {
          readSettings(env);
        } catch (err) {
          assert.ok(err instanceof SettingsError, String(err));
          assert.match(
            err.message,
            /^WEBHOOK_SECRET cannot be used with SIGNING_SCHEME=standard: it .+ \(the secret is not shown\)$/,
          );
          assert.ok(!err.message.includes(secret) && !err.message.includes('\n'));
          refused += 1;
        }
      }
      rows.push({ scheme: 'standard', shape: shape.name, legit: 0, forged: 0, missing: 0, stale: 0, refused });
      assert.equal(refused, SECRETS_PER_SHAPE);
    });
  }
});

describe('forgery matrix: why forgeries come from the key bytes', () => {
  it('the old forgery, secret + "-forged", is the real key to the official library for a padded whsec_ secret', () => {
    for (let i = 0; i < SECRETS_PER_SHAPE; i++) {
      const secret = `whsec_${base64Key(true)}`;
      const nowS = Math.floor(Date.now() / 1000);
      // What the pack used to send: the lenient decoder stops at `=`, so this is the real key.
      const lenient = Buffer.from(`${secret.slice(6)}-forged`, 'base64');
      const headers = build({ scheme: 'standard', bytes: lenient }, '{}', nowS, 'msg_1').headers;
      assert.doesNotThrow(() => new Webhook(secret).verify('{}', headers), 'the library accepts the old forgery');
    }
  });

  it('a forged key signs differently for every key length, across the 64-byte HMAC block (zero padding, hashing)', () => {
    const data = Buffer.from('payload');
    for (let length = 1; length <= 200; length++) {
      const real = randomBytes(length);
      const forged = forgedKey({ scheme: 'plain', bytes: real });
      assert.ok('bytes' in forged && forged.bytes.length === length);
      const sign = (key: Buffer) => createHmac('sha256', key).update(data).digest('hex');
      assert.notEqual(sign(forged.bytes), sign(real), `length ${length}`);
      // The trap a shorter or longer forgery would fall into: trailing zero bytes sign alike.
      if (length < 64) assert.equal(sign(Buffer.concat([real, Buffer.alloc(64 - length)])), sign(real));
    }
  });
});
