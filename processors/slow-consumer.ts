// Slow consumer: scenarios/slow-consumer.yml. The receiver answers at once but acts later (a
// queue, a background task): every signal it acknowledged within the sender's deadline must be
// executed within SLOW_CONSUMER_DEADLINE_S, by the server's own processed count. A 2xx says the
// signal was taken; only the count says the order was placed in time.

import type { Context, Events } from './core/artillery.ts';
import { coreHooks } from './core/hooks.ts';
import { readProcessedCount } from './core/oracle.ts';
import { ownSettings } from './core/own-settings.ts';
import { rt } from './core/runtime.ts';
import { say } from './core/say.ts';
import { defineScenario } from './core/scenario.ts';
import { fetchProcessedCount } from './lib/processed-count.ts';
import { type Env, positive } from './lib/read-env.ts';

export const METRICS = {
  /** Signals answered 2xx: the receiver took them. */
  acknowledged: 'consumer.acknowledged',
  /** Of them, how many the server's count shows executed by the deadline (absent without a count: not measured). */
  executedInTime: 'consumer.executed_in_time',
  /** From the last acknowledgement until the count reached the acknowledged (absent if it never did). */
  catchUpMs: 'consumer.catch_up_ms',
} as const;

/** SLOW_CONSUMER_DEADLINE_S (10): how long after the last acknowledgement every signal must have been executed. */
export function readSlowConsumerSettings(env: Env): { deadlineS: number } {
  return { deadlineS: positive(env, 'SLOW_CONSUMER_DEADLINE_S', 10) };
}

const own = ownSettings(readSlowConsumerSettings);
const POLL_MS = 200;

export const scenario = defineScenario({
  order: 95,
  title: 'Slow consumer: acknowledged at once, executed in time',
  counters: [METRICS.acknowledged],
  histograms: [METRICS.catchUpMs],
  evidence: [METRICS.executedInTime],
  settings: ['SLOW_CONSUMER_DEADLINE_S'],
  readSettings: own.read,
  columns: [
    {
      header: 'executed in time',
      cell: ({ counters: c }) =>
        c[METRICS.executedInTime] === undefined
          ? '-'
          : `${c[METRICS.executedInTime]} of ${c[METRICS.acknowledged] ?? 0}`,
    },
  ],
});

const core = coreHooks(scenario);
export const { provisionCredentials, removeProvisionedWebhooks, pickWebhook, signSignal, recordTransportError } = core;
export { readProcessedCount };

/** afterResponse: the outcome, and an acknowledgement counted when the answer is a 2xx. */
export const recordAcknowledgement: typeof core.recordOutcome = (params, response, context, events, done) => {
  if (response.statusCode >= 200 && response.statusCode < 300) {
    events.emit('counter', METRICS.acknowledged, 1);
    context.vars.acknowledged = Number(context.vars.acknowledged ?? 0) + 1;
  }
  core.recordOutcome(params, response, context, events, done);
};

/**
 * Flow step after the signals: polls the server's processed count until it shows every
 * acknowledged signal executed, or the deadline passes. Without a count, nothing is emitted and
 * the gate is not measured (one line at the start says what to configure).
 */
export async function awaitExecution(context: Context, events: Events): Promise<void> {
  const { settings } = rt();
  const before = context.vars.processedBefore;
  if (!settings.processedCount || typeof before !== 'number') return;
  const acknowledged = Number(context.vars.acknowledged ?? 0);
  const lastAckAt = Date.now();
  const deadline = lastAckAt + own.get().deadlineS * 1000;
  let executed = 0;
  for (;;) {
    executed = (await fetchProcessedCount(settings.processedCount, settings.requestTimeoutMs)) - before;
    if (executed >= acknowledged) {
      events.emit('histogram', METRICS.catchUpMs, Date.now() - lastAckAt);
      break;
    }
    if (Date.now() >= deadline) {
      say(
        'log',
        `slow-consumer: ${executed} of ${acknowledged} acknowledged signals executed ${own.get().deadlineS} s after the last acknowledgement`,
      );
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  events.emit('counter', METRICS.executedInTime, Math.min(executed, acknowledged));
}
