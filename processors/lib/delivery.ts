// A delivery as the sender gives it (notes.md "Delivery identity"): a copy of a signal (a
// burst's request, a repeat inside the idempotency window) is the same delivery, byte for
// byte: same id, same timestamp, same signature. A later attempt of the same event (the
// repeat after the window, a provider's retry) keeps the id and signs a fresh timestamp.
// Different signals are different deliveries with different ids. Pure: randomness is an input.
import { createHash, randomBytes } from 'node:crypto';
import type { SigningScheme } from './signing.ts';

/**
 * The header a scheme's senders name a delivery in. Standard Webhooks: `webhook-id` (also
 * signed); GitHub: `X-GitHub-Delivery` (a redelivery keeps it); Shopify: `X-Shopify-Webhook-Id`.
 * The other schemes carry no delivery id: the signal's own `signal_id` in the body is all a
 * receiver has, and the same signal repeats it.
 */
export const DELIVERY_ID_HEADERS: Partial<Record<SigningScheme, string>> = {
  standard: 'webhook-id',
  github: 'X-GitHub-Delivery',
  shopify: 'X-Shopify-Webhook-Id',
};

export function carriesDeliveryId(scheme: SigningScheme): boolean {
  return DELIVERY_ID_HEADERS[scheme] !== undefined;
}

/**
 * Whether a repeat after the idempotency window is expected to be processed again, unless the
 * user says otherwise (REPROCESS_AFTER_TTL): the guide's 1 s reprocessing for schemes without
 * delivery ids; a replay for schemes whose receivers keep ids (Standard Webhooks advises
 * remembering them far longer than any retry schedule; GitHub and Shopify redeliveries repeat theirs).
 */
export function reprocessAfterTtlByDefault(scheme: SigningScheme): boolean {
  return !carriesDeliveryId(scheme);
}

/** What a sender has decided about one delivery before it signs. */
export interface Delivery {
  id: string;
  /** Unix seconds signed into a byte-identical copy; undefined signs the moment of sending. */
  atS: number | undefined;
  /** 0 for the first attempt; a provider retry counts up (Slack sends it as X-Slack-Retry-Num). */
  attempt: number;
  /** A provider-style retry of an event (scenarios/retries.yml). */
  providerRetry: boolean;
}

function idFromBytes(scheme: SigningScheme, bytes: Buffer): string {
  if (scheme === 'standard') return `msg_${bytes.subarray(0, 16).toString('base64url')}`;
  // A version-4-shaped UUID, as GitHub and Shopify send.
  const hex = bytes.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A fresh delivery id in the scheme's own shape (`msg_...` for Standard Webhooks, else a UUID). */
export function newDeliveryId(scheme: SigningScheme, random: Buffer = randomBytes(16)): string {
  return idFromBytes(scheme, random);
}

/** The id of a delivery every load generator of a run must name alike (the burst's shared signal). */
export function sharedDeliveryId(scheme: SigningScheme, seed: number, atMs: number): string {
  return idFromBytes(scheme, createHash('sha256').update(`shared-delivery:${seed}:${atMs}`).digest());
}

/** Headers that name the delivery, beside the signature's own (Standard Webhooks signs `webhook-id` itself). */
export function deliveryHeaders(scheme: SigningScheme, delivery: Delivery): Record<string, string> {
  const headers: Record<string, string> = {};
  const named = DELIVERY_ID_HEADERS[scheme];
  if (named && scheme !== 'standard') headers[named] = delivery.id;
  // A provider retry names its event even where the scheme has no id header: in `webhook-id`, as Svix does.
  if (!named && delivery.providerRetry) headers['webhook-id'] = delivery.id;
  if (scheme === 'slack' && delivery.attempt > 0) {
    headers['X-Slack-Retry-Num'] = String(delivery.attempt);
    headers['X-Slack-Retry-Reason'] = 'http_timeout';
  }
  return headers;
}
