// Signals as the pack's scenarios send them (processors/lib: the same signing, the same delivery
// ids, the same bodies), to the one webhook the probe works on.
import { randomInt } from 'node:crypto';
import { targetUrl } from 'webhook-stress-common';
import { type Delivery, deliveryHeaders, newDeliveryId } from '../../../processors/lib/delivery.ts';
import type { Settings } from '../../../processors/lib/settings.ts';
import { createSignalGenerator, type SignalGenerator } from '../../../processors/lib/signals.ts';
import { type SigningKey, type SigningScheme, signRequest } from '../../../processors/lib/signing.ts';
import { type Answer, type Exchanges, sleep } from './exchange.ts';

export interface Webhook {
  token: string;
  secret: string;
}

export interface ProbeContext {
  target: string;
  settings: Settings;
  webhook: Webhook;
  exchanges: Exchanges;
  signals: SignalGenerator;
}

/** One signal as sent: its bytes, its delivery and how it was signed, so it can be sent again byte for byte. */
export interface Sent {
  body: string;
  delivery: Delivery;
  scheme: SigningScheme;
  key: SigningKey | undefined;
  nowS: number;
  plainHeader: string;
}

export function probeSignals(): SignalGenerator {
  return createSignalGenerator({
    seed: randomInt(2 ** 31),
    stream: `probe.${process.pid}.${Date.now()}`,
    tag: 'probe',
  });
}

/** A new signal, signed under `scheme` with `key` (undefined: unsigned), with a fresh delivery. */
export function freshSignal(
  ctx: ProbeContext,
  scheme: SigningScheme,
  key: SigningKey | undefined,
  plainHeader = ctx.settings.plainHeader,
): Sent {
  return {
    body: JSON.stringify(ctx.signals.next(Date.now())),
    delivery: { id: newDeliveryId(scheme), atS: undefined, attempt: 0, providerRetry: false },
    scheme,
    key,
    nowS: Math.floor(Date.now() / 1000),
    plainHeader,
  };
}

/** Sends `sent` (again: the same bytes, id, timestamp and signature) to the probe's webhook. */
export async function deliver(ctx: ProbeContext, label: string, sent: Sent): Promise<Answer | undefined> {
  const signed =
    sent.key === undefined
      ? { headers: {}, query: {} }
      : signRequest(sent.key, Buffer.from(sent.body, 'utf8'), {
          nowS: sent.nowS,
          messageId: sent.delivery.id,
          plainHeader: sent.plainHeader,
          bodySecretField: ctx.settings.sender.bodySecretField,
        });
  const url = targetUrl(ctx.target, ctx.settings.receivePath.replace('{token}', encodeURIComponent(ctx.webhook.token)));
  for (const [k, v] of Object.entries(signed.query)) url.searchParams.set(k, v);
  const headers = {
    'content-type': ctx.settings.sender.contentType,
    ...signed.headers,
    ...deliveryHeaders(sent.scheme, sent.delivery),
  };
  const body = 'body' in signed && signed.body ? signed.body.toString('utf8') : sent.body;
  return ctx.exchanges.send(label, url.toString(), { method: 'POST', headers, body });
}

/** Sends, and once more after the wait a 429 asks for (Retry-After, else 1.1 s): the probe is not a rate test here. */
export async function deliverPatiently(ctx: ProbeContext, label: string, sent: Sent): Promise<Answer | undefined> {
  const answer = await deliver(ctx, label, sent);
  if (answer?.status !== 429) return answer;
  const retryAfterS = Number(answer.headers['retry-after']);
  await sleep(Number.isFinite(retryAfterS) && retryAfterS > 0 ? Math.min(retryAfterS, 5) * 1000 + 100 : 1100);
  return deliver(ctx, `${label} (after its 429)`, sent);
}
