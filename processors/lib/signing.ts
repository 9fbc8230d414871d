// Signs the exact bytes that are sent (never re-serialised JSON) with one of the
// schemes real receivers use (notes.md section 2). Pure: time and ids are inputs.
// A secret becomes the key a scheme really uses once (signingKey), and forgeries are
// derived from that key, never from the secret's text (see forgedKey).
import { createHmac } from 'node:crypto';

export const SIGNING_SCHEMES = [
  'plain',
  'github',
  'stripe',
  'standard',
  'slack',
  'shopify',
  'query',
  'body-secret',
] as const;
export type SigningScheme = (typeof SIGNING_SCHEMES)[number];

/** Schemes that send the secret itself (TradingView style): the receiver compares text, no HMAC. */
export type SecretSendingScheme = 'query' | 'body-secret';
export type HmacScheme = Exclude<SigningScheme, SecretSendingScheme>;

/** What a request proves it knows: the HMAC key bytes, or the secret's text for schemes that send it. */
export type SigningKey = { scheme: HmacScheme; bytes: Buffer } | { scheme: SecretSendingScheme; text: string };

/** A secret the scheme cannot use. The message says why and never contains the secret. */
export class SecretError extends Error {}

/** The spec's symmetric secret: "at least 24 bytes (192 bits, 512 maximum)". */
export const STANDARD_KEY_BYTES = { min: 24, max: 64 } as const;
const STANDARD_PREFIX = 'whsec_';

/**
 * Standard Webhooks key bytes as the official library (`standardwebhooks`, decoding with
 * `@stablelib/base64`) reads the secret: an optional `whsec_` prefix, then standard base64,
 * padded or not. Refused as the library refuses: characters outside A-Z a-z 0-9 + / (URL-safe
 * `-` and `_`, spaces), more than two `=`, fewer than 4 characters. Refused although the library
 * takes them: a length no base64 text has (4n+1, whose last character it silently drops) and `=`
 * that does not complete the last group, since both mean a damaged secret. Node's own
 * `Buffer.from(s, 'base64')` is no guide: it stops at the padding and skips bad characters, so
 * `secret + "-forged"` decodes to the very same key.
 */
function standardKeyBytes(secret: string): Buffer {
  const text = secret.startsWith(STANDARD_PREFIX) ? secret.slice(STANDARD_PREFIX.length) : secret;
  if (text === '') throw new SecretError('is empty after the optional whsec_ prefix');
  const padding = text.length - text.replace(/=+$/, '').length;
  const data = text.slice(0, text.length - padding);
  if (/[^A-Za-z0-9+/]/.test(data)) {
    throw new SecretError(
      'is not standard base64 after the optional whsec_ prefix: it has characters outside A-Z a-z 0-9 + / (URL-safe - and _, spaces and = inside are refused by the official library too)',
    );
  }
  if (text.length < 4 || padding > 2 || data.length % 4 === 1 || (padding > 0 && text.length % 4 !== 0)) {
    throw new SecretError(
      'is not standard base64 after the optional whsec_ prefix: its length or = padding is not that of base64 text (a character lost or added?)',
    );
  }
  const bytes = Buffer.from(data, 'base64');
  if (bytes.length < STANDARD_KEY_BYTES.min || bytes.length > STANDARD_KEY_BYTES.max) {
    throw new SecretError(
      `decodes to ${bytes.length} bytes; the Standard Webhooks spec wants ${STANDARD_KEY_BYTES.min} to ${STANDARD_KEY_BYTES.max}`,
    );
  }
  return bytes;
}

/**
 * The HMAC key bytes `scheme` uses for `secret`: Standard Webhooks decodes it (above); GitHub,
 * Stripe, Slack, Shopify and plain HMAC use the secret's UTF-8 bytes as their libraries do (a
 * Stripe `whsec_...` secret included: it is never decoded). Throws SecretError when unusable.
 */
export function keyBytes(scheme: HmacScheme, secret: string): Buffer {
  if (secret === '') throw new SecretError('is empty');
  return scheme === 'standard' ? standardKeyBytes(secret) : Buffer.from(secret, 'utf8');
}

function isSecretSending(scheme: SigningScheme): scheme is SecretSendingScheme {
  return scheme === 'query' || scheme === 'body-secret';
}

/** The key a request of `scheme` proves knowledge of. Throws SecretError when the scheme cannot use `secret`. */
export function signingKey(scheme: SigningScheme, secret: string): SigningKey {
  if (isSecretSending(scheme)) {
    if (secret === '') throw new SecretError('is empty');
    return { scheme, text: secret };
  }
  return { scheme, bytes: keyBytes(scheme, secret) };
}

/** Why `scheme` cannot use `secret` (a phrase without the secret), or undefined when it can. */
export function secretProblem(scheme: SigningScheme, secret: string): string | undefined {
  try {
    signingKey(scheme, secret);
    return undefined;
  } catch (err) {
    if (err instanceof SecretError) return err.message;
    throw err;
  }
}

const ALPHANUMERIC_RUNS = ['abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', '0123456789'];

function rotated(char: string): string {
  for (const run of ALPHANUMERIC_RUNS) {
    const at = run.indexOf(char);
    if (at >= 0) return run[(at + 1) % run.length] as string;
  }
  return char;
}

/**
 * A key an attacker might hold: never equivalent to the real one. HMAC keys: every byte
 * inverted, the same length, because HMAC pads a key of up to 64 bytes with zero bytes (so a
 * key and the same key with zeros appended sign alike) and hashes a longer one first; two
 * different keys of one length are never equivalent either way. Sent secrets: a different text
 * of the same length (every letter and digit rotated), so a receiver must compare all of it.
 */
export function forgedKey(key: SigningKey): SigningKey {
  if ('bytes' in key) return { scheme: key.scheme, bytes: Buffer.from(key.bytes.map((b) => b ^ 0xff)) };
  const text = [...key.text].map(rotated).join('');
  // No letter or digit to rotate: as many x as the secret has bytes (it has no x).
  return { scheme: key.scheme, text: text !== key.text ? text : 'x'.repeat(Buffer.byteLength(key.text)) };
}

export interface SignatureParts {
  headers: Record<string, string>;
  query: Record<string, string>;
  /** The body to send instead, when the scheme carries the secret in it (body-secret). */
  body?: Buffer;
}

export interface SignOptions {
  /** Unix seconds, for schemes that sign a timestamp. */
  nowS: number;
  /** Message id, for Standard Webhooks. */
  messageId: string;
  /** Header name of the plain scheme. */
  plainHeader: string;
  /** JSON field of the body-secret scheme (BODY_SECRET_FIELD), default `secret`. */
  bodySecretField?: string;
}

function hmac(key: Buffer, data: Buffer, encoding: 'hex' | 'base64'): string {
  return createHmac('sha256', key).update(data).digest(encoding);
}

function prefixed(prefix: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(prefix, 'utf8'), body]);
}

export function signPlain(key: Buffer, body: Buffer): string {
  return hmac(key, body, 'hex');
}

export function signGithub(key: Buffer, body: Buffer): string {
  return `sha256=${hmac(key, body, 'hex')}`;
}

export function signStripe(key: Buffer, body: Buffer, nowS: number): string {
  return `t=${nowS},v1=${hmac(key, prefixed(`${nowS}.`, body), 'hex')}`;
}

export function signStandard(key: Buffer, body: Buffer, messageId: string, nowS: number): string {
  return `v1,${hmac(key, prefixed(`${messageId}.${nowS}.`, body), 'base64')}`;
}

export function signSlack(key: Buffer, body: Buffer, nowS: number): string {
  return `v0=${hmac(key, prefixed(`v0:${nowS}:`, body), 'hex')}`;
}

export function signShopify(key: Buffer, body: Buffer): string {
  return hmac(key, body, 'base64');
}

/**
 * TradingView style: senders that cannot set headers put the secret in the message.
 * Inserted as the first field of the JSON text, so the rest of the bytes stay as built.
 */
export function withBodySecret(body: Buffer, field: string, secret: string): Buffer {
  const text = body.toString('utf8');
  const entry = `${JSON.stringify(field)}:${JSON.stringify(secret)}`;
  if (!text.startsWith('{')) return body;
  const rest = text.slice(1).trimStart();
  return Buffer.from(`{${entry}${rest.startsWith('}') ? '' : ','}${rest}`, 'utf8');
}

function hmacHeaders(scheme: HmacScheme, key: Buffer, body: Buffer, opts: SignOptions): Record<string, string> {
  const { nowS, messageId, plainHeader } = opts;
  switch (scheme) {
    case 'plain':
      return { [plainHeader]: signPlain(key, body) };
    case 'github':
      return { 'X-Hub-Signature-256': signGithub(key, body) };
    case 'stripe':
      return { 'Stripe-Signature': signStripe(key, body, nowS) };
    case 'standard':
      return {
        'webhook-id': messageId,
        'webhook-timestamp': String(nowS),
        'webhook-signature': signStandard(key, body, messageId, nowS),
      };
    case 'slack':
      return { 'X-Slack-Request-Timestamp': String(nowS), 'X-Slack-Signature': signSlack(key, body, nowS) };
    case 'shopify':
      return { 'X-Shopify-Hmac-Sha256': signShopify(key, body) };
  }
}

export function signRequest(key: SigningKey, body: Buffer, opts: SignOptions): SignatureParts {
  if ('bytes' in key) return { headers: hmacHeaders(key.scheme, key.bytes, body, opts), query: {} };
  if (key.scheme === 'query') return { headers: {}, query: { secret: key.text } };
  return { headers: {}, query: {}, body: withBodySecret(body, opts.bodySecretField ?? 'secret', key.text) };
}
