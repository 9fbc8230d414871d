// Out-of-order delivery: scenarios/out-of-order.yml. A new signal, then an older one of the same
// symbol (OUT_OF_ORDER_LAG_S earlier), five times; the older one answered as OUT_OF_ORDER_EXPECT says.

import type { Context, Done, Events, SignalRequest, SignalResponse } from './core/artillery.ts';
import { coreHooks } from './core/hooks.ts';
import { ownSettings } from './core/own-settings.ts';
import { rt } from './core/runtime.ts';
import { defineScenario } from './core/scenario.ts';
import { address, signSignal, webhookKey } from './core/sender.ts';
import { type Env, oneOf, positive } from './lib/read-env.ts';
import type { Signal } from './lib/signals.ts';

export const METRICS = {
  lateSent: 'order.late_sent',
  lateAccepted: 'order.late_accepted',
  lateRejected: 'order.late_rejected',
  lateAsExpected: 'order.late_as_expected',
} as const;

export const LATE_OUTCOMES = ['accepted', 'rejected', 'either'] as const;
export type LateOutcome = (typeof LATE_OUTCOMES)[number];

/** OUT_OF_ORDER_EXPECT (either: the receiver decides) and OUT_OF_ORDER_LAG_S (5). */
export function readOutOfOrderSettings(env: Env): { expect: LateOutcome; lagS: number } {
  return {
    expect: oneOf(env, 'OUT_OF_ORDER_EXPECT', LATE_OUTCOMES, 'either'),
    lagS: positive(env, 'OUT_OF_ORDER_LAG_S', 5),
  };
}

const own = ownSettings(readOutOfOrderSettings);

export const scenario = defineScenario({
  order: 90,
  title: 'Out-of-order delivery',
  counters: Object.values(METRICS),
  settings: ['OUT_OF_ORDER_EXPECT', 'OUT_OF_ORDER_LAG_S'],
  readSettings: own.read,
  columns: [
    {
      header: 'older signals',
      cell: ({ counters: c }) =>
        c[METRICS.lateSent]
          ? `${c[METRICS.lateAccepted] ?? 0} accepted, ${c[METRICS.lateRejected] ?? 0} rejected`
          : '-',
    },
  ],
});

export const { provisionCredentials, removeProvisionedWebhooks, pickWebhook, recordOutcome, recordTransportError } =
  coreHooks(scenario);

/** beforeRequest: a new signal, remembered as the newest of its symbol. */
export function sendNewerSignal(params: SignalRequest, context: Context, events: Events, done: Done): void {
  const signal = rt().signals.next(Date.now());
  context.vars.newestSignal = signal;
  context.vars.signalBody = JSON.stringify(signal);
  signSignal(params, context, events, done);
  context.vars.signalBody = undefined;
}

/** beforeRequest: an older signal (OUT_OF_ORDER_LAG_S before the newest) of the same symbol, delivered after it. */
export function sendOlderSignal(params: SignalRequest, context: Context, events: Events, done: Done): void {
  const { signals } = rt();
  const newest = context.vars.newestSignal as Signal;
  const older = signals.next(Date.parse(newest.timestamp) - own.get().lagS * 1000);
  address(params, context, JSON.stringify({ ...older, symbol: newest.symbol }), {
    key: webhookKey(context),
    token: String(context.vars.webhookToken),
    nowMs: Date.now(),
  });
  events.emit('counter', METRICS.lateSent, 1);
  done();
}

/** afterResponse of the older signal: accepted (2xx) or rejected (4xx but 429), judged against OUT_OF_ORDER_EXPECT. */
export function recordLate(_p: SignalRequest, response: SignalResponse, _context: Context, events: Events, done: Done) {
  const status = response.statusCode;
  const outcome =
    status >= 200 && status < 300
      ? 'accepted'
      : status >= 400 && status < 500 && status !== 429
        ? 'rejected'
        : undefined;
  if (outcome === 'accepted') events.emit('counter', METRICS.lateAccepted, 1);
  if (outcome === 'rejected') events.emit('counter', METRICS.lateRejected, 1);
  const wanted = own.get().expect;
  if (outcome !== undefined && (wanted === 'either' || wanted === outcome))
    events.emit('counter', METRICS.lateAsExpected, 1);
  if (status >= 500) events.emit('counter', 'webhook.server_error', 1);
  done();
}
