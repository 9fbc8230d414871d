// Artillery engine `burst`: a scenario flow of processor functions, pauses and
// `burst` steps. A burst signs every request first, opens every connection, writes
// every request but its last byte, then the last bytes in one synchronous loop
// (dispatch.ts), and reports how far apart the final writes were
// (burst.dispatch_spread_ms) beside Artillery's usual http.* metrics.
import type tls from 'node:tls';
import createDebug from 'debug';
import { type PreparedRequest, type RequestResult, releaseBurst } from './dispatch.ts';
import { callHook, callHooks, hookNames, type Processor } from './hooks.ts';
import { compileRamp } from './ramp-step.ts';

export type { StepFigures } from './ramp-stats.ts';
export { RAMP_METRICS, type RampRecord } from './ramp-step.ts';

interface Events {
  emit(event: string, ...args: unknown[]): unknown;
}

interface Context {
  vars: Record<string, unknown>;
}

interface Script {
  config: {
    target?: string;
    processor?: Processor;
    timeout?: number | string;
    http?: { timeout?: number | string };
    tls?: tls.ConnectionOptions;
  };
}

interface Helpers {
  template(value: unknown, context: Context): unknown;
}

interface RequestParams {
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  json?: unknown;
  beforeRequest?: unknown;
  afterResponse?: unknown;
  /** Seconds; a beforeRequest hook may set it, as with Artillery's http engine. */
  timeout?: number;
  /** Set for afterResponse/onError hooks: epoch ms of the socket write, and ms after the burst's first write. */
  writtenAt?: number;
  dispatchOffsetMs?: number;
}

type FlowItem = Record<string, unknown>;

interface ScenarioSpec {
  flow: FlowItem[];
  beforeScenario?: unknown;
  afterScenario?: unknown;
  beforeRequest?: unknown;
  afterResponse?: unknown;
  onError?: unknown;
}

type Step = (context: Context) => Promise<void>;
type Callback = (err: Error | null, context: Context) => void;

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
type Method = (typeof METHODS)[number];

/** The metrics the engine adds beside Artillery's http.* ones. */
export const BURST_METRICS = {
  /** First socket write of a burst to its last, ms: the burst's validity gate. */
  dispatchSpread: 'burst.dispatch_spread_ms',
} as const;

/** What a later flow step reads of the last burst (context.vars.$burst); times are epoch ms. */
export interface BurstRecord {
  count: number;
  spreadMs: number;
  firstWriteAt: number;
  lastWriteAt: number;
  lastAnswerAt: number;
  connectMs: number;
  deferredWrites: number;
  answeredBeforeRelease: number;
  responses: { status: number | undefined; error: string | undefined }[];
}

// Errors already counted per request as errors.<code>: the virtual user fails without counting them again.
const debug = createDebug('engine:burst');

const counted = new WeakSet<Error>();

function errorCode(err: Error): string {
  return (err as NodeJS.ErrnoException).code ?? err.message;
}

export default class BurstEngine {
  private readonly script: Script;
  private readonly helpers: Helpers;

  constructor(script: Script, _ee: Events, helpers: Helpers) {
    this.script = script;
    this.helpers = helpers;
  }

  createScenario(spec: ScenarioSpec, ee: Events): (context: Context, callback: Callback) => void {
    const flow: FlowItem[] = [
      ...hookNames(spec.beforeScenario).map((name) => ({ function: name })),
      ...spec.flow,
      ...hookNames(spec.afterScenario).map((name) => ({ function: name })),
    ];
    const steps = flow.map((item) => this.compileStep(item, spec, ee));
    return (context, callback) => {
      ee.emit('started');
      const run = async () => {
        for (const step of steps) await step(context);
      };
      run().then(
        () => callback(null, context),
        (err: Error) => {
          if (!counted.has(err)) ee.emit('error', errorCode(err));
          callback(err, context);
        },
      );
    };
  }

  private get processor(): Processor | undefined {
    return this.script.config.processor;
  }

  private compileStep(item: FlowItem, spec: ScenarioSpec, ee: Events): Step {
    if (typeof item.function === 'string') {
      const name = item.function;
      return (context) => callHook(this.processor, name, [context, ee]);
    }
    if (item.think !== undefined) {
      const ms = Number(item.think) * 1000;
      return () => new Promise((resolve) => setTimeout(resolve, ms));
    }
    if (item.burst !== undefined) return this.compileBurst(item.burst as Record<string, unknown>, spec, ee);
    if (item.ramp !== undefined) {
      const ramp = item.ramp as Record<string, unknown>;
      const method = METHODS.find((m) => ramp[m] !== undefined);
      if (!method) throw new Error(`burst engine: a ramp step needs one of ${METHODS.join(', ')} with a url`);
      return compileRamp(
        ramp,
        method,
        hookNames(spec.beforeRequest),
        {
          processor: this.processor,
          template: (value, context) => this.helpers.template(value, context),
          prepare: (m, p) => this.prepare(m as Method, p),
          timeoutMs: (fromHook) => this.timeoutMs(fromHook),
          tls: this.script.config.tls as Record<string, unknown> | undefined,
        },
        ee,
      );
    }
    throw new Error(
      `burst engine: unknown flow step ${JSON.stringify(Object.keys(item))}; use function, think, burst or ramp`,
    );
  }

  private compileBurst(burst: Record<string, unknown>, spec: ScenarioSpec, ee: Events): Step {
    const method = METHODS.find((m) => burst[m] !== undefined);
    if (!method) throw new Error(`burst engine: a burst step needs one of ${METHODS.join(', ')} with a url`);
    const request = burst[method] as RequestParams;
    const before = [...hookNames(spec.beforeRequest), ...hookNames(request.beforeRequest)];
    const after = [...hookNames(spec.afterResponse), ...hookNames(request.afterResponse)];
    const onError = hookNames(spec.onError);
    return async (context) => {
      const count = Number(this.helpers.template(burst.count, context));
      if (!Number.isInteger(count) || count < 1) {
        throw new Error(`burst engine: count=${String(burst.count)} is not a positive whole number`);
      }
      debug('burst of %d: signing every request', count);
      // Every request is built and signed before any connection is opened.
      const params: RequestParams[] = [];
      for (let i = 0; i < count; i++) {
        const p: RequestParams = {
          ...request,
          headers: { ...request.headers },
          url: String(this.helpers.template(request.url, context)),
        };
        await callHooks(this.processor, before, [p, context, ee]);
        params.push(p);
      }
      const outcome = await releaseBurst(
        params.map((p) => this.prepare(method, p)),
        { timeoutMs: this.timeoutMs(params[0]?.timeout), tls: this.script.config.tls ?? {} },
      );
      debug('burst of %d released: spread %s ms', count, outcome.timing?.spreadMs);
      if (outcome.timing) {
        ee.emit('histogram', BURST_METRICS.dispatchSpread, outcome.timing.spreadMs);
        const record: BurstRecord = {
          count,
          ...outcome.timing,
          responses: outcome.results.map((r) => ({
            status: r.answer?.statusCode,
            error: r.error && errorCode(r.error),
          })),
        };
        context.vars.$burst = record;
      }
      let failure: Error | undefined;
      for (const [i, result] of outcome.results.entries()) {
        const p = params[i] as RequestParams;
        if (result.writtenAt !== undefined && outcome.timing) {
          p.writtenAt = result.writtenAt;
          p.dispatchOffsetMs = result.writtenAt - outcome.timing.firstWriteAt;
        }
        emitHttpMetrics(result, ee);
        if (result.answer) {
          const { statusCode, headers, body } = result.answer;
          // `timings` as Artillery's http engine gives it: its bundled metrics-by-endpoint hook reads it.
          const firstByte = Math.max(0, (result.answeredAt ?? 0) - (result.writtenAt ?? result.answeredAt ?? 0));
          const response = { statusCode, headers, body, timings: { start: result.writtenAt, phases: { firstByte } } };
          await callHooks(this.processor, after, [p, response, context, ee]);
        } else if (result.error) {
          ee.emit('error', errorCode(result.error));
          await callHooks(this.processor, onError, [result.error, p, context, ee]);
          failure ??= result.error;
        }
      }
      if (failure) {
        counted.add(failure);
        throw failure;
      }
    };
  }

  /** Seconds, as Artillery's http engine reads them (set by beforeRequest, else config.timeout, else config.http.timeout, else 10). */
  private timeoutMs(fromHook: number | undefined): number {
    const seconds = Number(fromHook ?? this.script.config.timeout ?? this.script.config.http?.timeout ?? 10);
    return (Number.isFinite(seconds) && seconds > 0 ? seconds : 10) * 1000;
  }

  private prepare(method: Method, p: Pick<RequestParams, 'url' | 'headers' | 'body' | 'json'>): PreparedRequest {
    // Like Artillery's http engine: a path starting with / is appended to the target as written.
    const url = new URL(p.url.startsWith('/') ? `${this.script.config.target ?? ''}${p.url}` : p.url);
    const headers: Record<string, string> = { ...p.headers };
    let body: Buffer | undefined;
    if (p.json !== undefined) {
      body = Buffer.from(JSON.stringify(p.json), 'utf8');
      headers['content-type'] ??= 'application/json';
    } else if (p.body !== undefined) {
      body = typeof p.body === 'string' ? Buffer.from(p.body, 'utf8') : p.body;
    }
    return { method: method.toUpperCase(), url, headers, body };
  }
}

function emitHttpMetrics(result: RequestResult, ee: Events): void {
  if (result.writtenAt === undefined) return;
  ee.emit('counter', 'http.requests', 1);
  ee.emit('rate', 'http.request_rate');
  if (!result.answer || result.answeredAt === undefined) return;
  ee.emit('counter', `http.codes.${result.answer.statusCode}`, 1);
  ee.emit('counter', 'http.responses', 1);
  ee.emit('histogram', 'http.response_time', Math.max(0, result.answeredAt - result.writtenAt));
  ee.emit('counter', 'http.downloaded_bytes', result.answer.bytes);
}
