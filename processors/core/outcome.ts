// Turns each answer into one outcome: its webhook.* counter, whether the flow expected it
// (the scenario variable `expect`), and a line of the per-request record.
import { appendRequest, type Outcome } from 'webhook-stress-common';
import { outcomeOfTransportError } from '../lib/classify.ts';
import type { AfterResponse, Context, Done, Events, SignalRequest, SignalResponse } from './artillery.ts';
import { WEBHOOK } from './metrics.ts';
import { rt } from './runtime.ts';

/** The outcomes the flow counts as success (`variables.expect`, e.g. "accepted,duplicate"). */
export function expectedFrom(context: Context): string[] {
  return String(context.vars.expect ?? 'accepted')
    .split(',')
    .map((s) => s.trim());
}

export function record(outcome: Outcome, expected: readonly string[], context: Context, events: Events): void {
  events.emit('counter', `webhook.${outcome}`, 1);
  if (outcome === 'accepted') context.vars.acceptedAnswers = Number(context.vars.acceptedAnswers ?? 0) + 1;
  events.emit('counter', expected.includes(outcome) ? WEBHOOK.asExpected : WEBHOOK.notExpected, 1);
}

/** One line of the per-request record (webhook-stress-common request-record.ts): when, how fast, what came back, which webhook. */
export function recordRequest(
  params: SignalRequest,
  response: SignalResponse | undefined,
  outcome: Outcome,
  context: Context,
): void {
  const timings = response?.timings;
  appendRequest({
    sentAt: params.writtenAt ?? timings?.upload ?? timings?.start ?? params.signedAt ?? Date.now(),
    dispatchOffsetMs: params.dispatchOffsetMs,
    latencyMs: timings?.phases?.firstByte,
    status: response?.statusCode,
    outcome,
    webhook: Number(context.vars.webhookIndex ?? 0),
  });
}

export function classify(response: SignalResponse): Outcome {
  const body = typeof response.body === 'string' ? response.body : JSON.stringify(response.body ?? '');
  return rt().classifier.classify({ status: response.statusCode, headers: response.headers, body });
}

/** afterResponse: classify the answer against the outcomes the flow expects. */
export const recordOutcome: AfterResponse = (params, response, context, events, done) => {
  const outcome = classify(response);
  record(outcome, expectedFrom(context), context, events);
  recordRequest(params, response, outcome, context);
  done();
};

/** Scenario onError: a request that got no answer (past SENDER_TIMEOUT_S, reset, refused) is an outcome too. */
export function recordTransportError(
  err: Error & { code?: string },
  params: SignalRequest,
  context: Context,
  events: Events,
  done: Done,
): void {
  if (!params.transportErrorRecorded) {
    params.transportErrorRecorded = true;
    const outcome = outcomeOfTransportError(err);
    record(outcome, expectedFrom(context), context, events);
    recordRequest(params, undefined, outcome, context);
  }
  done();
}
