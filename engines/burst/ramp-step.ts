// The `ramp` flow step: a stepped, open-model ramp (ramp.ts) whose requests the scenario's
// beforeRequest hooks build and sign, with Artillery's http.* metrics per answer beside
// latency from the intended send time and the schedule's lag, and an afterStep hook that
// sees each step's figures and names the next step's rate (context.vars.$rampNextRate; unset
// stops the ramp).
import { callHooks, hookNames, type Processor } from './hooks.ts';
import { type RampRequest, runRamp } from './ramp.ts';
import type { StepFigures } from './ramp-stats.ts';

/** The metrics a ramp adds beside Artillery's http.* ones. */
export const RAMP_METRICS = {
  /** From the request's intended send time to its answer, ms: no coordinated omission. */
  correctedResponseTime: 'ramp.response_time_corrected',
  /** From the intended send time to the actual one, ms (a full pool's queue included). */
  scheduleLag: 'ramp.schedule_lag_ms',
} as const;

/** What a later flow step reads of the ramp (context.vars.$ramp). */
export interface RampRecord {
  steps: StepFigures[];
  connections: number;
  stepSeconds: number;
}

interface Events {
  emit(event: string, ...args: unknown[]): unknown;
}

export interface RampParams {
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  json?: unknown;
  timeout?: number;
}

export interface RampDeps {
  processor: Processor | undefined;
  template(value: unknown, context: { vars: Record<string, unknown> }): unknown;
  prepare(method: string, p: RampParams): { method: string; url: URL; headers: Record<string, string>; body?: Buffer };
  timeoutMs(fromHook: number | undefined): number;
  tls: Record<string, unknown> | undefined;
}

function positive(name: string, value: unknown): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new Error(`burst engine: ramp ${name}=${String(value)} is not a positive number`);
  return n;
}

export function compileRamp(
  ramp: Record<string, unknown>,
  method: string,
  before: string[],
  deps: RampDeps,
  ee: Events,
): (context: { vars: Record<string, unknown> }) => Promise<void> {
  const request = ramp[method] as RampParams & { beforeRequest?: unknown };
  const hooks = [...before, ...hookNames(request.beforeRequest)];
  const afterStep = hookNames(ramp.afterStep);
  return async (context) => {
    const firstRate = positive('rate', deps.template(ramp.rate, context));
    const stepSeconds = positive('stepSeconds', deps.template(ramp.stepSeconds, context));
    const pauseSeconds = Number(deps.template(ramp.pauseSeconds ?? 1, context));
    const connections = Math.round(positive('connections', deps.template(ramp.connections ?? 128, context)));
    const steps = await runRamp(
      { firstRate, stepMs: stepSeconds * 1000, pauseMs: Math.max(0, pauseSeconds) * 1000, connections, tls: deps.tls },
      {
        async prepare(): Promise<RampRequest> {
          const p: RampParams = {
            ...request,
            headers: { ...request.headers },
            url: String(deps.template(request.url, context)),
          };
          await callHooks(deps.processor, hooks, [p, context, ee]);
          return { ...deps.prepare(method, p), timeoutMs: deps.timeoutMs(p.timeout) } as RampRequest;
        },
        onAnswer({ status, sentAt, answeredAt, intendedAt }) {
          ee.emit('counter', 'http.requests', 1);
          ee.emit('counter', `http.codes.${status}`, 1);
          ee.emit('counter', 'http.responses', 1);
          ee.emit('histogram', 'http.response_time', answeredAt - sentAt);
          ee.emit('histogram', RAMP_METRICS.correctedResponseTime, answeredAt - intendedAt);
          ee.emit('histogram', RAMP_METRICS.scheduleLag, sentAt - intendedAt);
        },
        onError({ code, sentAt, intendedAt }) {
          ee.emit('counter', 'http.requests', 1);
          ee.emit('counter', `errors.${code}`, 1);
          ee.emit('histogram', RAMP_METRICS.scheduleLag, sentAt - intendedAt);
        },
        onUnsent() {
          ee.emit('counter', 'errors.ETIMEDOUT', 1);
        },
        async afterStep(figures) {
          context.vars.$rampNextRate = undefined;
          await callHooks(deps.processor, afterStep, [figures, context, ee]);
          const next = context.vars.$rampNextRate;
          return typeof next === 'number' && next > 0 ? next : undefined;
        },
      },
    );
    context.vars.$ramp = { steps, connections, stepSeconds } satisfies RampRecord;
  };
}
