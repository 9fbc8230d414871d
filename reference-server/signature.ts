// Verifies how a webhook request proves it knows the webhook's secret.
// The reference target accepts every scheme the pack can send (notes.md section 2),
// detected from the headers present, and compares in constant time.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export type Verdict = { ok: true; scheme: string } | { ok: false; reason: string };

const STRIPE_TOLERANCE_S = 300;

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function hmac(key: Buffer | string, data: Buffer | string, encoding: 'hex' | 'base64'): string {
  return createHmac('sha256', key).update(data).digest(encoding);
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * The spec and its library: standard base64 (padded or not) after an optional `whsec_` prefix,
 * decoding to 24-64 bytes; undefined otherwise. Strict as the official library's decoder, never
 * Node's lenient one, which stops at `=` and skips bad characters (`secret + "-forged"` would be
 * the same key).
 */
function standardWebhooksKey(secret: string): Buffer | undefined {
  const text = secret.startsWith('whsec_') ? secret.slice(6) : secret;
  const data = text.replace(/={1,2}$/, '');
  const padded = data.length !== text.length;
  if (!/^[A-Za-z0-9+/]+$/.test(data) || data.length % 4 === 1 || (padded && text.length % 4 !== 0)) return undefined;
  const key = Buffer.from(data, 'base64');
  return key.length >= 24 && key.length <= 64 ? key : undefined;
}

function withinTolerance(timestampS: string, nowMs: number, toleranceS: number): boolean {
  const t = Number(timestampS);
  return Number.isFinite(t) && Math.abs(nowMs / 1000 - t) <= toleranceS;
}

export interface VerifyOptions {
  /** Seconds a signed timestamp may differ from now; `--fault accept-stale` passes Infinity. */
  toleranceS?: number;
  /** JSON field of a secret sent in the body (TradingView style), default `secret`. */
  bodySecretField?: string;
}

function bodySecret(rawBody: Buffer, field: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(rawBody.toString('utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const value = (parsed as Record<string, unknown>)[field];
      return typeof value === 'string' ? value : undefined;
    }
  } catch {
    // Not JSON: no secret in it.
  }
  return undefined;
}

export function verifyRequest(
  secret: string,
  rawBody: Buffer,
  headers: IncomingHttpHeaders,
  query: URLSearchParams,
  nowMs: number,
  opts: VerifyOptions = {},
): Verdict {
  const toleranceS = opts.toleranceS ?? STRIPE_TOLERANCE_S;
  const querySecret = query.get('secret');
  if (querySecret !== null) {
    return sameText(querySecret, secret) ? { ok: true, scheme: 'query' } : { ok: false, reason: 'wrong secret' };
  }

  const github = header(headers, 'x-hub-signature-256');
  if (github !== undefined) {
    return sameText(github, `sha256=${hmac(secret, rawBody, 'hex')}`)
      ? { ok: true, scheme: 'github' }
      : { ok: false, reason: 'bad X-Hub-Signature-256' };
  }

  const stripe = header(headers, 'stripe-signature');
  if (stripe !== undefined) {
    const parts = new Map(stripe.split(',').map((kv) => kv.split('=', 2) as [string, string]));
    const t = parts.get('t') ?? '';
    const v1 = parts.get('v1') ?? '';
    if (!withinTolerance(t, nowMs, toleranceS))
      return { ok: false, reason: 'Stripe-Signature timestamp outside tolerance' };
    const expected = hmac(secret, Buffer.concat([Buffer.from(`${t}.`), rawBody]), 'hex');
    return sameText(v1, expected) ? { ok: true, scheme: 'stripe' } : { ok: false, reason: 'bad Stripe-Signature' };
  }

  const standard = header(headers, 'webhook-signature');
  if (standard !== undefined) {
    const id = header(headers, 'webhook-id') ?? '';
    const ts = header(headers, 'webhook-timestamp') ?? '';
    if (!withinTolerance(ts, nowMs, toleranceS)) return { ok: false, reason: 'webhook-timestamp outside tolerance' };
    const key = standardWebhooksKey(secret);
    if (!key) return { ok: false, reason: "the webhook's secret is not a Standard Webhooks key" };
    const signed = Buffer.concat([Buffer.from(`${id}.${ts}.`), rawBody]);
    const expected = `v1,${hmac(key, signed, 'base64')}`;
    const matches = standard.split(' ').some((candidate) => sameText(candidate, expected));
    return matches ? { ok: true, scheme: 'standard' } : { ok: false, reason: 'bad webhook-signature' };
  }

  const slack = header(headers, 'x-slack-signature');
  if (slack !== undefined) {
    const ts = header(headers, 'x-slack-request-timestamp') ?? '';
    if (!withinTolerance(ts, nowMs, toleranceS))
      return { ok: false, reason: 'X-Slack-Request-Timestamp outside tolerance' };
    const expected = `v0=${hmac(secret, Buffer.concat([Buffer.from(`v0:${ts}:`), rawBody]), 'hex')}`;
    return sameText(slack, expected) ? { ok: true, scheme: 'slack' } : { ok: false, reason: 'bad X-Slack-Signature' };
  }

  const shopify = header(headers, 'x-shopify-hmac-sha256');
  if (shopify !== undefined) {
    return sameText(shopify, hmac(secret, rawBody, 'base64'))
      ? { ok: true, scheme: 'shopify' }
      : { ok: false, reason: 'bad X-Shopify-Hmac-Sha256' };
  }

  const plain = header(headers, 'x-signature') ?? header(headers, 'x-webhook-signature');
  if (plain !== undefined) {
    const hex = plain.startsWith('sha256=') ? plain.slice(7) : plain;
    return sameText(hex, hmac(secret, rawBody, 'hex'))
      ? { ok: true, scheme: 'plain' }
      : { ok: false, reason: 'bad X-Signature' };
  }

  const inBody = bodySecret(rawBody, opts.bodySecretField ?? 'secret');
  if (inBody !== undefined) {
    return sameText(inBody, secret)
      ? { ok: true, scheme: 'body-secret' }
      : { ok: false, reason: 'wrong secret in body' };
  }

  return { ok: false, reason: 'no signature or secret' };
}
