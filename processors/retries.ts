// Provider-style retries (Svix, Standard Webhooks): scenarios/retries.yml. Events sent again on
// a backoff schedule with their id kept; then one answered 429 sent again after its Retry-After.

import type { Context, Done, Events, SignalRequest, SignalResponse } from './core/artillery.ts';
import { PROCESSED_COLUMN } from './core/columns.ts';
import { coreHooks } from './core/hooks.ts';
import { countProcessed, expectExecution, readProcessedCount } from './core/oracle.ts';
import { recordOutcome } from './core/outcome.ts';
import { rt } from './core/runtime.ts';
import { defineScenario } from './core/scenario.ts';
import { freshDelivery } from './core/sender.ts';
import type { Delivery } from './lib/delivery.ts';
import { parseRetrySchedule } from './lib/retry-schedule.ts';

export const METRICS = {
  /** 1 when the event answered 429 was answered 2xx on its retry; absent when no 429 came (not measured). */
  retriedAfter429: 'webhook.retried_after_429',
} as const;

/** Bound of the fill loop: a limiter that has not answered 429 after this many signals has none to test. */
export const MAX_FILL_SIGNALS = 100;

export const scenario = defineScenario({
  order: 80,
  title: 'Provider-style retries (Svix, Standard Webhooks)',
  counters: [],
  evidence: [METRICS.retriedAfter429],
  columns: [PROCESSED_COLUMN],
});

export const { provisionCredentials, removeProvisionedWebhooks, pickWebhook, signSignal, recordTransportError } =
  coreHooks(scenario);
export { countProcessed, readProcessedCount, recordOutcome };

/**
 * Flow step: a new event that the sender will retry: one signal, one delivery id on every
 * attempt, and the delays of the scenario variable `retrySchedule` (seconds, e.g. "0,1,3").
 */
export function holdEvent(context: Context, _events: Events, done: Done): void {
  let delays: number[];
  try {
    delays = parseRetrySchedule(String(context.vars.retrySchedule ?? '0'));
  } catch (err) {
    console.error(`webhook-stress-pack: ${(err as Error).message}`);
    done(err as Error);
    return;
  }
  context.vars.signalBody = JSON.stringify(rt().signals.next(Date.now()));
  // Every attempt keeps the event's id and signs a fresh timestamp, as Svix and Standard Webhooks senders do.
  context.vars.delivery = freshDelivery(true);
  context.vars.retryDelays = delays;
  expectExecution(context);
  done();
}

/** Flow step inside `loop: over: retryDelays`: wait this attempt's delay. */
export async function waitRetryDelay(context: Context): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, Number(context.vars.$loopElement ?? 0) * 1000));
}

/** whileTrue of the fill loop: go on until a signal was answered 429 (bounded). */
export function notRateLimitedYet(context: Context, done: (more: boolean) => void): void {
  context.vars.fillSignals = Number(context.vars.fillSignals ?? 0) + 1;
  done(context.vars.limitedEvent === undefined && Number(context.vars.fillSignals) < MAX_FILL_SIGNALS);
}

/** afterResponse of the fill loop: the outcome, and the first event answered 429 with its Retry-After. */
export function recordRateLimitProbe(
  p: SignalRequest,
  response: SignalResponse,
  context: Context,
  events: Events,
  done: Done,
): void {
  recordOutcome(p, response, context, events, () => {
    if (response.statusCode === 429 && context.vars.limitedEvent === undefined) {
      const header = response.headers['retry-after'];
      const seconds = Number(Array.isArray(header) ? header[0] : header);
      context.vars.limitedEvent = { delivery: context.vars.delivery, signalBody: context.vars.signalBody };
      // Retry-After in seconds (an HTTP date is not followed: 1 s, like a sender's first backoff).
      context.vars.retryAfterS = Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds, 60) : 1;
    }
    done();
  });
}

/**
 * Flow step: the event answered 429 becomes the one to send again, after its Retry-After. With
 * no 429 in the probe there is nothing to retry: webhook.retried_after_429 stays not measured, with one line.
 */
export async function waitRetryAfter(context: Context, events: Events): Promise<void> {
  const limited = context.vars.limitedEvent as { delivery: Delivery; signalBody: string } | undefined;
  if (!limited) {
    console.log(
      `retries: the retry after a 429 is not measured (${METRICS.retriedAfter429}): no 429 in ${MAX_FILL_SIGNALS} signals; the receiver has no rate limit for this webhook (scenarios/rate-limit.yml tests it)`,
    );
    return;
  }
  events.emit('counter', METRICS.retriedAfter429, 0);
  context.vars.delivery = limited.delivery;
  context.vars.signalBody = limited.signalBody;
  await new Promise((resolve) => setTimeout(resolve, Number(context.vars.retryAfterS) * 1000));
}

/** afterResponse of the retry after a 429: it must be answered 2xx (its processing is the executions gate's). */
export function recordRetryAfter429(
  p: SignalRequest,
  response: SignalResponse,
  context: Context,
  events: Events,
  done: Done,
): void {
  recordOutcome(p, response, context, events, () => {
    const answered = response.statusCode >= 200 && response.statusCode < 300;
    if (context.vars.limitedEvent !== undefined && answered) events.emit('counter', METRICS.retriedAfter429, 1);
    done();
  });
}
