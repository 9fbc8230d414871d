// The guide's 1-second idempotency TTL: scenarios/idempotency.yml. Three signals, each repeated
// at once (the same delivery, byte for byte) and again after the window (the same event, its id
// kept, signed afresh); exactly-once on the server's own count.

import type { Context, Done, Events } from './core/artillery.ts';
import { PROCESSED_COLUMN } from './core/columns.ts';
import { reportFailedExpectations } from './core/expectations.ts';
import { coreHooks } from './core/hooks.ts';
import { countProcessed, expectExecution, readProcessedCount } from './core/oracle.ts';
import { ownSettings } from './core/own-settings.ts';
import { rt } from './core/runtime.ts';
import { defineScenario } from './core/scenario.ts';
import { freshDelivery } from './core/sender.ts';
import { type Delivery, reprocessAfterTtlByDefault } from './lib/delivery.ts';
import { type Env, flag, list, number, oneOf } from './lib/read-env.ts';
import { SIGNING_SCHEMES } from './lib/signing.ts';

export interface IdempotencySettings {
  ttlMs: number;
  /** The repeat after the window is processed again (processors/lib/delivery.ts says the default per scheme). */
  reprocessAfterTtl: boolean;
  /** The replay header marks every replay: only when REPLAY_EVIDENCE names `header` (the guide asks for no header). */
  replayHeaderMarks: boolean;
}

/** IDEMPOTENCY_TTL_MS (1000), REPROCESS_AFTER_TTL (by scheme), and whether REPLAY_EVIDENCE names the header. */
export function readIdempotencySettings(env: Env): IdempotencySettings {
  const scheme = oneOf(env, 'SIGNING_SCHEME', SIGNING_SCHEMES, 'plain');
  return {
    ttlMs: number(env, 'IDEMPOTENCY_TTL_MS', 1000),
    reprocessAfterTtl: flag(env, 'REPROCESS_AFTER_TTL', reprocessAfterTtlByDefault(scheme)),
    replayHeaderMarks: list(env.REPLAY_EVIDENCE).includes('header'),
  };
}

const own = ownSettings(readIdempotencySettings);

export const scenario = defineScenario({
  order: 70,
  title: "The guide's 1-second idempotency TTL",
  // artillery-plugin-expect counts a failure only when one happens; its gate needs the 0 too.
  counters: ['plugins.expect.ok', 'plugins.expect.failed'],
  settings: ['IDEMPOTENCY_TTL_MS', 'REPROCESS_AFTER_TTL'],
  readSettings: own.read,
  columns: [PROCESSED_COLUMN],
});

export const {
  provisionCredentials,
  removeProvisionedWebhooks,
  pickWebhook,
  signSignal,
  recordOutcome,
  recordTransportError,
} = coreHooks(scenario);
export { countProcessed, readProcessedCount, reportFailedExpectations };

/** ifTrue of the in-window repeat: the replay header is evidence only when REPLAY_EVIDENCE names it. */
export function replayHeaderIsEvidence(): boolean {
  return own.get().replayHeaderMarks;
}

export function replayHeaderIsNotEvidence(): boolean {
  return !own.get().replayHeaderMarks;
}

/** Flow step: this virtual user holds one signal and one delivery of it; it must be processed once. */
export function holdSignal(context: Context, _events: Events, done: Done): void {
  const nowMs = Date.now();
  context.vars.signalBody = JSON.stringify(rt().signals.next(nowMs));
  context.vars.delivery = freshDelivery(false, Math.floor(nowMs / 1000));
  expectExecution(context);
  done();
}

/**
 * Flow step: wait until the idempotency window of the held signal has closed (TTL + 500 ms).
 * The repeat after it is the same event sent again: its id kept, a fresh timestamp and signature.
 */
export async function waitPastIdempotencyWindow(context: Context): Promise<void> {
  const settings = own.get();
  await new Promise((resolve) => setTimeout(resolve, settings.ttlMs + 500));
  const held = context.vars.delivery as Delivery | undefined;
  if (held) context.vars.delivery = { ...held, atS: undefined, attempt: held.attempt + 1 } satisfies Delivery;
  if (settings.reprocessAfterTtl) expectExecution(context);
}
