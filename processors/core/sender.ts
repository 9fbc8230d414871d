// Sends a signal as the sender would: the exact bytes signed under the scheme, the delivery
// named as the scheme names deliveries (processors/lib/delivery.ts), the webhook addressed.
import { type Delivery, deliveryHeaders, newDeliveryId } from '../lib/delivery.ts';
import { type SignatureParts, type SigningKey, signingKey, signRequest } from '../lib/signing.ts';
import type { Context, Done, Events, SignalRequest } from './artillery.ts';
import { WEBHOOK } from './metrics.ts';
import { webhookUrl } from './pool.ts';
import { rt } from './runtime.ts';

export interface Sender {
  /** The key to sign with; undefined sends no signature at all. */
  key: SigningKey | undefined;
  token: string;
  nowMs: number;
  /** A signed timestamp other than now (a stale one). */
  nowS?: number;
  /** The delivery the flow holds (a copy, a retry); without one, a fresh delivery. */
  delivery?: Delivery;
}

/** The key this virtual user's webhook signs with (its secret was validated for the scheme at start). */
export function webhookKey(context: Context): SigningKey {
  return signingKey(rt().settings.scheme, String(context.vars.webhookSecret));
}

export function freshDelivery(providerRetry = false, atS?: number): Delivery {
  return { id: newDeliveryId(rt().settings.scheme), atS, attempt: 0, providerRetry };
}

/** Signs `body` and addresses the sender's webhook: url, headers, body and timeout of `params`. */
export function address(params: SignalRequest, context: Context, body: string, sender: Sender): void {
  const { settings } = rt();
  const delivery = sender.delivery ?? freshDelivery();
  const signed: SignatureParts =
    sender.key === undefined
      ? { headers: {}, query: {} }
      : signRequest(sender.key, Buffer.from(body, 'utf8'), {
          nowS: sender.nowS ?? delivery.atS ?? Math.floor(sender.nowMs / 1000),
          messageId: delivery.id,
          plainHeader: settings.plainHeader,
          bodySecretField: settings.sender.bodySecretField,
        });
  Object.assign(signed.headers, deliveryHeaders(settings.scheme, delivery));
  const url = new URL(webhookUrl(context, sender.token));
  for (const [k, v] of Object.entries(signed.query)) url.searchParams.set(k, v);
  params.url = url.toString();
  // Set here, not in each YAML, so SENDER_TIMEOUT_S is validated once and reaches every scenario.
  params.timeout = settings.senderTimeoutS;
  params.headers = { ...params.headers, 'content-type': settings.sender.contentType, ...signed.headers };
  params.json = undefined;
  params.body = signed.body?.toString('utf8') ?? body;
  params.signedAt = sender.nowMs;
}

/** beforeRequest: the held signal (or a new one), signed as the held delivery (or a fresh one), to this user's webhook. */
export function signSignal(params: SignalRequest, context: Context, events: Events, done: Done): void {
  const body = (context.vars.signalBody as string | undefined) ?? JSON.stringify(rt().signals.next(Date.now()));
  const delivery = context.vars.delivery as Delivery | undefined;
  address(params, context, body, {
    key: webhookKey(context),
    token: String(context.vars.webhookToken),
    nowMs: Date.now(),
    ...(delivery ? { delivery } : {}),
  });
  // A copy (a signed timestamp held) is the same attempt; a fresh signature is the event's next attempt.
  if (delivery && delivery.atS === undefined) delivery.attempt += 1;
  events.emit('counter', WEBHOOK.sent, 1);
  done();
}
