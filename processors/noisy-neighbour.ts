// Noisy neighbour: scenarios/noisy-neighbour.yml. Webhook 0 of the pool floods ("noisy") at 10x
// its limit while the others send under theirs ("neighbours"); each side counted apart.
import type { Context, Done, Events, SignalRequest, SignalResponse } from './core/artillery.ts';
import { coreHooks } from './core/hooks.ts';
import { classify, expectedFrom, record } from './core/outcome.ts';
import { defineScenario } from './core/scenario.ts';

export const METRICS = {
  noisySent: 'noisy.sent',
  noisyLimited: 'noisy.rate_limited',
  neighboursSent: 'neighbours.sent',
  neighboursAccepted: 'neighbours.accepted',
  neighboursMs: 'neighbours.response_time',
} as const;

export const scenario = defineScenario({
  order: 110,
  title: 'Noisy neighbour',
  counters: [METRICS.noisySent, METRICS.noisyLimited, METRICS.neighboursSent, METRICS.neighboursAccepted],
  histograms: [METRICS.neighboursMs],
  columns: [
    {
      header: 'neighbours ok',
      cell: ({ counters: c }) =>
        c[METRICS.neighboursSent]
          ? `${((100 * (c[METRICS.neighboursAccepted] ?? 0)) / (c[METRICS.neighboursSent] ?? 1)).toFixed(1)} %`
          : '-',
    },
  ],
});

const core = coreHooks(scenario);
export const { provisionCredentials, removeProvisionedWebhooks, signSignal, recordTransportError } = core;

/** beforeScenario of the noisy flow: the first webhook of the pool. */
export function pickNoisyWebhook(context: Context, events: Events, done: Done): void {
  context.vars.neighbourhood = 'noisy';
  core.pickFrom(context, events, done, (pool) => pool.slice(0, 1));
}

/** beforeScenario of the neighbours' flow: the rest of the pool, round robin. */
export function pickNeighbourWebhook(context: Context, events: Events, done: Done): void {
  context.vars.neighbourhood = 'neighbours';
  core.pickFrom(context, events, done, (pool) => pool.slice(1));
}

/** afterResponse: the outcome, plus its class's figures (the neighbours' own p95). */
export function recordNeighbourhoodOutcome(
  _p: SignalRequest,
  response: SignalResponse,
  context: Context,
  events: Events,
  done: Done,
): void {
  const outcome = classify(response);
  record(outcome, expectedFrom(context), context, events);
  if (context.vars.neighbourhood === 'noisy') {
    events.emit('counter', METRICS.noisySent, 1);
    if (outcome === 'rate_limited') events.emit('counter', METRICS.noisyLimited, 1);
  } else {
    events.emit('counter', METRICS.neighboursSent, 1);
    if (outcome === 'accepted') events.emit('counter', METRICS.neighboursAccepted, 1);
    const firstByte = response.timings?.phases?.firstByte;
    if (firstByte !== undefined) events.emit('histogram', METRICS.neighboursMs, firstByte);
  }
  done();
}
