// The burst's one signal and its release: every copy is one delivery (one id, one signed
// timestamp, one signature), the same in every load generator of a run (SIGNAL_SEED,
// SHARED_SIGNAL_AT), released together by all of them (SHARED_RELEASE_DIR's barrier).
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BurstRecord } from 'artillery-engine-burst';
import { type Delivery, sharedDeliveryId } from '../lib/delivery.ts';
import type { WebhookCredentials } from '../lib/provision.ts';
import { sharedSignal } from '../lib/signals.ts';
import type { Context, Done, Events } from './artillery.ts';
import { rt } from './runtime.ts';

/** The burst engine's record of the last burst (context.vars.$burst), as the engine declares it. */
export function lastBurst(context: Context): BurstRecord | undefined {
  return context.vars.$burst as BurstRecord | undefined;
}

/**
 * `before` flow (after provisionCredentials): one signal that every virtual user sends, byte
 * for byte, to one webhook, the pool's first (the burst test).
 */
export function prepareSharedSignal(context: Context, _events: Events, done: Done): void {
  const { settings } = rt();
  const atMs = settings.sharedSignalAtMs ?? Date.now();
  context.vars.signalBody = JSON.stringify(sharedSignal(settings.seed, atMs, settings.symbols));
  context.vars.delivery = {
    id: sharedDeliveryId(settings.scheme, settings.seed, atMs),
    atS: Math.floor(atMs / 1000),
    attempt: 0,
    providerRetry: false,
  } satisfies Delivery;
  const pool = context.vars.webhooks as WebhookCredentials[] | undefined;
  if (pool && pool.length > 1) context.vars.webhooks = pool.slice(0, 1);
  done();
}

/** A shared release further away than this is a mistake, not a plan: the flow fails with one line. */
const MAX_RELEASE_WAIT_MS = 60_000;
const BARRIER_POLL_MS = 2;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function releaseFailure(line: string): Error {
  console.error(`webhook-stress-pack: ${line}`);
  return new Error(line);
}

/**
 * Flow step before a burst, for N load generators: wait for the shared instant SHARED_SIGNAL_AT
 * and, locally (SHARED_RELEASE_DIR), until every generator is ready there, so all release their
 * bursts together, within the server's idempotency window. A no-op for one generator.
 */
export async function waitForSharedRelease(): Promise<void> {
  const { settings } = rt();
  const at = settings.sharedSignalAtMs;
  if (at !== undefined) {
    const waitMs = at - Date.now();
    if (waitMs > MAX_RELEASE_WAIT_MS)
      throw releaseFailure(
        `SHARED_SIGNAL_AT=${at} is ${Math.round(waitMs / 1000)} s ahead; give the run's start, e.g. $(date +%s000)`,
      );
    if (waitMs > 0) await sleep(waitMs);
  }
  const barrier = settings.releaseBarrier;
  if (!barrier) return;
  writeFileSync(path.join(barrier.dir, `ready-${settings.generatorIndex ?? process.pid}`), '');
  const deadline = Date.now() + MAX_RELEASE_WAIT_MS;
  while (readdirSync(barrier.dir).filter((f) => f.startsWith('ready-')).length < barrier.parties) {
    if (Date.now() > deadline)
      throw releaseFailure(
        `not all ${barrier.parties} generators were ready in ${barrier.dir} within ${MAX_RELEASE_WAIT_MS / 1000} s`,
      );
    await sleep(BARRIER_POLL_MS);
  }
}

/**
 * Flow step after a burst: burst.release_lag_ms, how long after the shared instant its first
 * request was written (0 without one). Merged over N generators, max - min is how far apart
 * their bursts left: the burst's validity gate across generators.
 */
export function recordReleaseLag(context: Context, events: Events, done: Done): void {
  const burst = lastBurst(context);
  const at = rt().settings.sharedSignalAtMs;
  if (burst) events.emit('histogram', 'burst.release_lag_ms', at === undefined ? 0 : burst.firstWriteAt - at);
  done();
}
