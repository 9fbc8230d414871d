// An open-model, stepped ramp: each step sends `rate` requests a second for its length, by
// intended send times fixed in advance (a slow answer never delays the next send: it waits
// for a free connection in a queue, and its latency counts from when it was meant to go).
// Requests are prepared (signed) a little ahead of their time, sent over a pool of
// keep-alive connections (undici), and every step is measured on its own (ramp-stats.ts).
// Between steps the previous step's answers are awaited, so each step is judged on all of them,
// and the caller names the next step's rate from the figures (a search for the knee).
import { Pool } from 'undici';
import { epochMs } from './clock.ts';
import { GENERATOR_LAG_MS, type StepFigures, StepRecorder } from './ramp-stats.ts';

export interface RampRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: string | Buffer | undefined;
  /** The sender's timeout for this request, ms (the pool takes the first request's). */
  timeoutMs: number;
}

export interface RampPlan {
  /** Requests per second of the first step; afterStep names each next one. */
  firstRate: number;
  stepMs: number;
  /** Quiet time between steps, so a step does not start on the last one's backlog. */
  pauseMs: number;
  /** At most this many requests in flight (connections of the pool). */
  connections: number;
  tls?: Record<string, unknown>;
}

export interface RampHooks {
  /** Builds (signs) the next request; called up to PREPARE_AHEAD_MS before its send time. */
  prepare(): Promise<RampRequest>;
  /** One request's outcome, for Artillery's metrics. */
  onAnswer(a: { status: number; sentAt: number; answeredAt: number; intendedAt: number }): void;
  onError(e: { code: string; sentAt: number; intendedAt: number }): void;
  /** A request that waited for a connection past the sender's timeout: never sent. */
  onUnsent(): void;
  /** After each step, with all its answers in: the next step's rate, or undefined to stop. */
  afterStep(figures: StepFigures): Promise<number | undefined>;
}

/** How far ahead of its send time a request is signed: its timestamp stays fresh. */
export const PREPARE_AHEAD_MS = 20;

interface Due {
  intendedAt: number;
  /** Signed ahead of its time, or when a connection frees for it. */
  request?: RampRequest;
  step: StepRecorder;
}

function errorCode(err: unknown): string {
  const e = err as { code?: string; name?: string; message?: string };
  if (e.code === 'UND_ERR_HEADERS_TIMEOUT' || e.code === 'UND_ERR_BODY_TIMEOUT') return 'ETIMEDOUT';
  if (e.code === 'UND_ERR_CONNECT_TIMEOUT') return 'ETIMEDOUT';
  if (e.code === 'UND_ERR_SOCKET') return 'ECONNRESET';
  return e.code ?? e.name ?? String(e.message);
}

export async function runRamp(plan: RampPlan, hooks: RampHooks): Promise<StepFigures[]> {
  let pool: Pool | undefined;
  // Requests holding a connection (or reserved one, while being signed).
  let inFlight = 0;
  // Due requests waiting, in order, for a free connection; signed when one frees.
  const queue: Due[] = [];
  let timeoutMs = 10_000;
  let settledAll: (() => void) | undefined;
  let failure: unknown;

  /** Sends a due, signed request on a connection already reserved for it. */
  const send = (due: Due & { request: RampRequest }, now: number, connectionFree: boolean) => {
    const { request, step, intendedAt } = due;
    timeoutMs = request.timeoutMs;
    pool ??= new Pool(request.url.origin, {
      connections: plan.connections,
      pipelining: 1,
      headersTimeout: request.timeoutMs,
      bodyTimeout: request.timeoutMs,
      connect: { timeout: request.timeoutMs, ...(plan.tls ?? {}) },
    });
    step.sent += 1;
    if (connectionFree && now - intendedAt > GENERATOR_LAG_MS) step.lateSends += 1;
    const sentAt = now;
    pool
      .request({
        method: request.method as 'POST',
        path: `${request.url.pathname}${request.url.search}`,
        headers: request.headers,
        body: request.body,
      })
      .then(
        async (res) => {
          const answeredAt = epochMs();
          await res.body.dump();
          step.answered(res.statusCode, intendedAt, sentAt, answeredAt);
          hooks.onAnswer({ status: res.statusCode, sentAt, answeredAt, intendedAt });
        },
        (err: unknown) => {
          const code = errorCode(err);
          if (code === 'ETIMEDOUT') step.timeouts += 1;
          else step.transportErrors += 1;
          hooks.onError({ code, sentAt, intendedAt });
        },
      )
      .finally(() => {
        inFlight -= 1;
        drain().catch((err: unknown) => {
          failure ??= err;
        });
      });
  };

  /** Hands freed connections to the queue, oldest first; a request that could not leave within the sender's timeout is a timeout, never sent. */
  const drain = async () => {
    while (inFlight < plan.connections && queue.length > 0) {
      const next = queue.shift() as Due;
      if (epochMs() - next.intendedAt > timeoutMs) {
        next.step.unsent += 1;
        hooks.onUnsent();
        continue;
      }
      inFlight += 1;
      next.request ??= await hooks.prepare();
      send(next as Due & { request: RampRequest }, epochMs(), false);
    }
    if (inFlight === 0 && queue.length === 0) settledAll?.();
  };

  const runStep = async (index: number, rate: number): Promise<StepFigures> => {
    const count = Math.max(1, Math.round((rate * plan.stepMs) / 1000));
    const gapMs = 1000 / rate;
    const startedAt = epochMs() + 5;
    const step = new StepRecorder(index + 1, rate, startedAt, plan.stepMs);
    const prepared: (Due & { request: RampRequest })[] = [];
    let next = 0;
    const intended = (i: number) => startedAt + i * gapMs;
    await new Promise<void>((resolve, reject) => {
      const pump = async () => {
        try {
          if (failure) throw failure;
          // Sign what is due soon (not while the pool is full: then a request is signed when a
          // connection frees, and one that never gets one costs nothing), then send what is due.
          while (queue.length === 0 && next < count && intended(next) <= epochMs() + PREPARE_AHEAD_MS) {
            prepared.push({ intendedAt: intended(next), request: await hooks.prepare(), step });
            next += 1;
          }
          let now = epochMs();
          while (prepared.length > 0 && (prepared[0] as Due).intendedAt <= now) {
            const due = prepared.shift() as Due & { request: RampRequest };
            if (inFlight < plan.connections && queue.length === 0) {
              inFlight += 1;
              send(due, now, true);
            } else queue.push(due);
          }
          while (prepared.length === 0 && next < count && intended(next) <= now) {
            const due: Due = { intendedAt: intended(next), step };
            next += 1;
            if (inFlight < plan.connections && queue.length === 0) {
              inFlight += 1;
              due.request = await hooks.prepare();
              now = epochMs();
              send(due as Due & { request: RampRequest }, now, true);
            } else queue.push(due);
          }
          if (next >= count && prepared.length === 0) return resolve();
          // Never a busy loop (a receiver on the same cores needs them): at most one pass a
          // millisecond, sending what fell due meanwhile together.
          const wait = (prepared[0]?.intendedAt ?? intended(next)) - epochMs();
          if (wait > 0) setTimeout(pump, Math.max(1, wait));
          else setImmediate(pump);
        } catch (err) {
          reject(err);
        }
      };
      pump();
    });
    if (inFlight > 0 || queue.length > 0) await new Promise<void>((resolve) => (settledAll = resolve));
    settledAll = undefined;
    if (failure) throw failure;
    return step.figures(epochMs());
  };

  const steps: StepFigures[] = [];
  try {
    let rate: number | undefined = plan.firstRate;
    for (let i = 0; rate !== undefined; i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, plan.pauseMs));
      const figures = await runStep(i, rate);
      steps.push(figures);
      rate = await hooks.afterStep(figures);
    }
  } finally {
    await pool?.close();
  }
  return steps;
}
