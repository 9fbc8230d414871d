// Signs the exact bytes that are sent (never re-serialised JSON) with one of the
// schemes real receivers use (notes.md section 2). Pure: time and ids are inputs.
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

function hmac(key: Buffer | string, data: Buffer, encoding: 'hex' | 'base64'): string {
  return createHmac('sha256', key).update(data).digest(encoding);
}

function prefixed(prefix: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(prefix, 'utf8'), body]);
}

export function signPlain(secret: string, body: Buffer): string {
  return hmac(secret, body, 'hex');
}

export function signGithub(secret: string, body: Buffer): string {
  return `sha256=${hmac(secret, body, 'hex')}`;
}

export function signStripe(secret: string, body: Buffer, nowS: number): string {
  return `t=${nowS},v1=${hmac(secret, prefixed(`${nowS}.`, body), 'hex')}`;
}

/** Standard Webhooks key bytes: the secret is base64 after an optional `whsec_` prefix (the spec and its library). */
export function standardWebhooksKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
}

export function signStandard(secret: string, body: Buffer, messageId: string, nowS: number): string {
  const key = standardWebhooksKey(secret);
  return `v1,${hmac(key, prefixed(`${messageId}.${nowS}.`, body), 'base64')}`;
}

export function signSlack(secret: string, body: Buffer, nowS: number): string {
  return `v0=${hmac(secret, prefixed(`v0:${nowS}:`, body), 'hex')}`;
}

export function signShopify(secret: string, body: Buffer): string {
  return hmac(secret, body, 'base64');
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

export function signRequest(scheme: SigningScheme, secret: string, body: Buffer, opts: SignOptions): SignatureParts {
  const { nowS, messageId, plainHeader } = opts;
  switch (scheme) {
    case 'plain':
      return { headers: { [plainHeader]: signPlain(secret, body) }, query: {} };
    case 'github':
      return { headers: { 'X-Hub-Signature-256': signGithub(secret, body) }, query: {} };
    case 'stripe':
      return { headers: { 'Stripe-Signature': signStripe(secret, body, nowS) }, query: {} };
    case 'standard':
      return {
        headers: {
          'webhook-id': messageId,
          'webhook-timestamp': String(nowS),
          'webhook-signature': signStandard(secret, body, messageId, nowS),
        },
        query: {},
      };
    case 'slack':
      return {
        headers: { 'X-Slack-Request-Timestamp': String(nowS), 'X-Slack-Signature': signSlack(secret, body, nowS) },
        query: {},
      };
    case 'shopify':
      return { headers: { 'X-Shopify-Hmac-Sha256': signShopify(secret, body) }, query: {} };
    case 'query':
      return { headers: {}, query: { secret } };
    case 'body-secret':
      return { headers: {}, query: {}, body: withBodySecret(body, opts.bodySecretField ?? 'secret', secret) };
  }
}
