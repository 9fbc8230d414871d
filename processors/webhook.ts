// Artillery hooks named in scenarios/*.yml. Each one only wires Artillery's
// context to the typed functions in lib/: provision -> pick webhook -> build and
// sign the signal -> send -> classify the answer into webhook.* counters.
import { cpus } from 'node:os';
import { threadId } from 'node:worker_threads';
import { appendRequest } from '../request-record/index.ts';
import { createClassifier, OUTCOMES, type Outcome, outcomeOfStatus, outcomeOfTransportError } from './lib/classify.ts';
import { allowedBand } from './lib/limiter-model.ts';
import { fetchProcessedCount, ProcessedCountError } from './lib/processed-count.ts';
import { ProvisionError, provisionWebhooks, type WebhookCredentials } from './lib/provision.ts';
import { readSettings, resolveBaseUrl, type Settings, SettingsError } from './lib/settings.ts';
import { createSignalGenerator } from './lib/signals.ts';
import { signRequest } from './lib/signing.ts';
import { createWebhookPicker, localWorkerCount, workerSlot } from './lib/webhook-choice.ts';

interface Context {
  vars: Record<string, unknown>;
}
interface Events {
  emit(type: 'counter' | 'histogram', name: string, value: number): void;
}
interface RequestParams {
  url: string;
  /** Epoch ms: set when signed; the burst engine sets when written and how long after its burst's first write. */
  signedAt?: number;
  writtenAt?: number;
  dispatchOffsetMs?: number;
  /** Seconds; Artillery's http.timeout for this request. */
  timeout?: number;
  headers?: Record<string, string>;
  body?: string;
  json?: unknown;
}
interface Response {
  /** Artillery's http engine (got) and the burst engine: firstByte is http.response_time. */
  timings?: { start?: number; upload?: number; phases?: { firstByte?: number } };
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
}
type Done = (err?: Error) => void;

/** Fails the run with one line a person can act on, before any load is sent. */
function fatal(err: unknown): never {
  const message = err instanceof SettingsError || err instanceof ProvisionError ? err.message : String(err);
  console.error(`webhook-stress-pack: ${message}`);
  process.exit(2);
}

function loadSettings(): Settings {
  try {
    return readSettings(process.env);
  } catch (err) {
    fatal(err);
  }
}

const settings = loadSettings();
const signals = createSignalGenerator({
  seed: settings.seed + threadId,
  stream: `${process.pid}.${threadId}.${Date.now().toString(36)}`,
  symbols: settings.symbols,
});
const classifier = createClassifier(settings);
let vusersStarted = 0;
const workers = localWorkerCount(cpus().length);
const webhookPicker = createWebhookPicker(workerSlot(threadId, workers));

function baseUrlOf(context: Context): string {
  return resolveBaseUrl(context.vars.target as string | undefined, settings);
}

/** `before` flow: credentials from WEBHOOK_TOKEN/WEBHOOK_SECRET, or log in and create `webhookPool` webhooks. */
export async function provisionCredentials(context: Context): Promise<void> {
  const poolSize = Number(context.vars.webhookPool ?? 1);
  try {
    const pool = await provisionWebhooks(baseUrlOf(context), settings, poolSize);
    if (pool.length < poolSize) {
      console.log(
        `Warning: ${pool.length} webhook(s) given for a pool of ${poolSize}: each takes more load and may be rate-limited`,
      );
    }
    context.vars.webhooks = pool;
  } catch (err) {
    fatal(err);
  }
}

/** `before` flow: one signal that every virtual user sends, byte for byte (the burst test). */
export function prepareSharedSignal(context: Context, _events: Events, done: Done): void {
  context.vars.signalBody = JSON.stringify(signals.next(Date.now()));
  done();
}

/** beforeScenario: spread virtual users over the webhook pool, round robin interleaved across workers, and zero every counter. */
export function pickWebhook(context: Context, events: Events, done: Done): void {
  const pool = context.vars.webhooks as WebhookCredentials[] | undefined;
  const index = pool ? webhookPicker.next(pool.length) : 0;
  const webhook = pool?.[index];
  vusersStarted += 1;
  if (!webhook) {
    done(new Error('no webhook credentials: provisionCredentials must run in the before section'));
    return;
  }
  context.vars.webhookToken = webhook.token;
  context.vars.webhookSecret = webhook.secret;
  context.vars.webhookIndex = index;
  // A counter never emitted is undefined in ensure and fails its gate: emit all of them.
  // Once per worker is enough: ensure judges the sum over the run.
  if (vusersStarted === 1) {
    for (const name of [...OUTCOMES, 'sent', 'as_expected', 'not_expected']) {
      events.emit('counter', `webhook.${name}`, 0);
    }
  }
  done();
}

/** Flow step: this virtual user repeats one signal (the idempotency test). */
export function holdSignal(context: Context, _events: Events, done: Done): void {
  context.vars.signalBody = JSON.stringify(signals.next(Date.now()));
  done();
}

/** beforeRequest: build the signal, sign the exact bytes sent, address the webhook. */
export function signSignal(params: RequestParams, context: Context, events: Events, done: Done): void {
  const body = (context.vars.signalBody as string | undefined) ?? JSON.stringify(signals.next(Date.now()));
  const secret = String(context.vars.webhookSecret);
  const nowMs = Date.now();
  const signed = signRequest(settings.scheme, secret, Buffer.from(body, 'utf8'), {
    nowS: Math.floor(nowMs / 1000),
    messageId: `msg_${nowMs.toString(36)}${Math.random().toString(36).slice(2, 10)}`,
    plainHeader: settings.plainHeader,
  });
  const url = new URL(
    settings.receivePath.replace('{token}', String(context.vars.webhookToken)),
    `${baseUrlOf(context)}/`,
  );
  for (const [k, v] of Object.entries(signed.query)) url.searchParams.set(k, v);
  params.url = url.toString();
  // Set here, not in each YAML, so SENDER_TIMEOUT_S is validated once and reaches every scenario.
  params.timeout = settings.senderTimeoutS;
  params.headers = { ...params.headers, 'content-type': 'application/json', ...signed.headers };
  params.json = undefined;
  params.body = body;
  params.signedAt = nowMs;
  events.emit('counter', 'webhook.sent', 1);
  done();
}

function record(outcome: Outcome, expected: readonly string[], context: Context, events: Events): void {
  events.emit('counter', `webhook.${outcome}`, 1);
  if (outcome === 'accepted') context.vars.acceptedAnswers = Number(context.vars.acceptedAnswers ?? 0) + 1;
  events.emit('counter', expected.includes(outcome) ? 'webhook.as_expected' : 'webhook.not_expected', 1);
}

/** One line of the per-request record (request-record/): when, how fast, what came back, which webhook. */
function recordRequest(
  params: RequestParams,
  response: Response | undefined,
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

function facts(response: Response) {
  const body = typeof response.body === 'string' ? response.body : JSON.stringify(response.body ?? '');
  return { status: response.statusCode, headers: response.headers, body };
}

function expectedFrom(context: Context): string[] {
  return String(context.vars.expect ?? 'accepted')
    .split(',')
    .map((s) => s.trim());
}

type AfterResponse = (p: RequestParams, response: Response, context: Context, events: Events, done: Done) => void;

function outcomeHook(expected: (context: Context) => readonly string[]): AfterResponse {
  return (params, response, context, events, done) => {
    const outcome = classifier.classify(facts(response));
    record(outcome, expected(context), context, events);
    recordRequest(params, response, outcome, context);
    done();
  };
}

/** afterResponse: classify the answer; the scenario variable `expect` lists the outcomes that count as success. */
export const recordOutcome = outcomeHook(expectedFrom);

/** Scenario onError: a request that got no answer (past SENDER_TIMEOUT_S, reset, refused) is an outcome too. */
export function recordTransportError(
  err: Error & { code?: string },
  params: RequestParams & { transportErrorRecorded?: boolean },
  context: Context,
  events: Events,
  done: Done,
): void {
  // Artillery may call onError twice for one failed request (got's error event and its promise).
  if (!params.transportErrorRecorded) {
    params.transportErrorRecorded = true;
    const outcome = outcomeOfTransportError(err);
    record(outcome, expectedFrom(context), context, events);
    recordRequest(params, undefined, outcome, context);
  }
  done();
}

const NOT_MEASURED_HINT =
  'exactly-once not measured (webhook.executions): set PROCESSED_COUNT_URL and PROCESSED_COUNT_METRIC (or PROCESSED_COUNT_JSON_PATH) to your server\'s processed counter, or REPLAY_EVIDENCE to how it marks every replay; README "Making exactly-once measurable"';

async function readOracle(): Promise<number | undefined> {
  if (!settings.processedCount) return undefined;
  try {
    return await fetchProcessedCount(settings.processedCount, settings.requestTimeoutMs);
  } catch (err) {
    // One line for the person; the thrown error fails this virtual user (vusers.failed).
    console.error(`webhook-stress-pack: ${err instanceof ProcessedCountError ? err.message : String(err)}`);
    throw err;
  }
}

/** Flow step before the load: the server's processed count, or the one line saying how to make it measurable. */
export async function readProcessedCount(context: Context): Promise<void> {
  if (!settings.processedCount && !settings.replayEvidence.declared) console.log(NOT_MEASURED_HINT);
  context.vars.acceptedAnswers = 0;
  context.vars.processedBefore = await readOracle();
}

/**
 * Flow step after the load: webhook.processed (the oracle's delta, after PROCESSED_SETTLE_MS for
 * background work) and webhook.executions, the exactly-once figure: the oracle's delta, else the
 * acceptances when REPLAY_EVIDENCE declares how every replay is marked, else not emitted (not measured).
 */
export async function countProcessed(context: Context, events: Events): Promise<void> {
  const before = context.vars.processedBefore;
  if (settings.processedCount && typeof before === 'number') {
    await new Promise((resolve) => setTimeout(resolve, settings.processedSettleMs));
    const processed = ((await readOracle()) ?? before) - before;
    events.emit('counter', 'webhook.processed', processed);
    events.emit('counter', 'webhook.executions', processed);
  } else if (settings.replayEvidence.declared) {
    events.emit('counter', 'webhook.executions', Number(context.vars.acceptedAnswers ?? 0));
  }
}

/** What the burst engine leaves in context.vars.$burst that the rate-limit judgement reads (epoch ms). */
interface BurstRecord {
  count: number;
  firstWriteAt: number;
  lastAnswerAt: number;
  responses: { status: number | undefined }[];
}

/**
 * Flow step after a burst: how many requests the limiter let through, beside the band
 * a correct limiter of the named model (RATE_LIMIT_MODEL) allows within the measured
 * span. Without a burst record nothing is emitted, so the band gate fails as not measured.
 */
export function judgeRateLimit(context: Context, events: Events, done: Done): void {
  const burst = context.vars.$burst as BurstRecord | undefined;
  if (burst) {
    const allowed = burst.responses.filter((r) => {
      const outcome = r.status === undefined ? undefined : outcomeOfStatus(r.status);
      return outcome === 'accepted' || outcome === 'duplicate';
    }).length;
    const band = allowedBand(
      settings.rateLimitModel,
      { perWindow: settings.rateLimitPerSecond, capacity: settings.rateLimitBurst },
      burst.count,
      burst.lastAnswerAt - burst.firstWriteAt,
    );
    events.emit('counter', 'webhook.limit_allowed', allowed);
    events.emit('counter', 'webhook.limit_band_min', band.min);
    events.emit('counter', 'webhook.limit_band_max', band.max);
  }
  done();
}

/** Flow step: wait until the idempotency window of the held signal has closed (TTL + 500 ms). */
export async function waitPastIdempotencyWindow(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, settings.idempotencyTtlMs + 500));
}
