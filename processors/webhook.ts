// Artillery hooks named in scenarios/*.yml. Each one only wires Artillery's
// context to the typed functions in lib/: provision -> pick webhook -> build and
// sign the signal -> send -> classify the answer into webhook.* counters.
import { readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import { appendRequest, maskSecrets, OUTCOMES, type Outcome, resolveTarget, targetUrl } from 'webhook-stress-common';
import { createClassifier, outcomeOfStatus, outcomeOfTransportError } from './lib/classify.ts';
import { type CheckedRequest, failedExpectationLines } from './lib/expectation-report.ts';
import {
  appliesTo,
  HOSTILE_CLASSES,
  type HostileClass,
  hostileRequest,
  isRejection,
  TIMESTAMPED_SCHEMES,
} from './lib/hostile.ts';
import { allowedBand } from './lib/limiter-model.ts';
import { fetchProcessedCount, ProcessedCountError } from './lib/processed-count.ts';
import {
  deleteWebhooks,
  ProvisionError,
  type ProvisionedPool,
  provisionPool,
  type WebhookCredentials,
} from './lib/provision.ts';
import { parseRetrySchedule } from './lib/retry-schedule.ts';
import { readSettings, type Settings, SettingsError } from './lib/settings.ts';
import { createSignalGenerator, type Signal, sharedSignal } from './lib/signals.ts';
import { type SignatureParts, signRequest } from './lib/signing.ts';
import { createWebhookPicker, localWorkerCount, workerSlot } from './lib/webhook-choice.ts';

interface Context {
  vars: Record<string, unknown>;
  /** artillery-plugin-expect's results, one entry per request of this virtual user. */
  expectations?: CheckedRequest[];
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

// Every credential this thread knows: a line that may hold a URL or a server's answer is masked with them.
const knownSecrets = new Set<string>();

function knowCredentials(webhooks: readonly WebhookCredentials[], ...others: (string | undefined)[]): void {
  for (const value of [...webhooks.flatMap((w) => [w.token, w.secret]), ...others]) if (value) knownSecrets.add(value);
}

function sayMasked(stream: 'log' | 'error', line: string): void {
  console[stream](maskSecrets(line, knownSecrets));
}

/** Fails the run with one line a person can act on, before any load is sent. */
function fatal(err: unknown): never {
  const message = err instanceof SettingsError || err instanceof ProvisionError ? err.message : String(err);
  sayMasked('error', `webhook-stress-pack: ${message}`);
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
knowCredentials(settings.credentials, settings.login.password);
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
  return resolveTarget(context.vars.target as string | undefined, settings.baseUrl);
}

/** `before` flow: credentials from WEBHOOK_TOKEN/WEBHOOK_SECRET, or log in and create `webhookPool` webhooks. */
export async function provisionCredentials(context: Context): Promise<void> {
  const poolSize = Number(context.vars.webhookPool ?? 1);
  try {
    const pool = await provisionPool(baseUrlOf(context), settings, poolSize);
    knowCredentials(pool.webhooks, pool.accessToken);
    if (pool.webhooks.length < poolSize) {
      console.log(
        `Warning: ${pool.webhooks.length} webhook(s) given for a pool of ${poolSize}: each takes more load and may be rate-limited`,
      );
    }
    if (pool.accessToken && !settings.deleteWebhookPath) {
      console.log(
        `Created ${pool.webhooks.length} webhook(s) that stay on the server: set DELETE_WEBHOOK_PATH (e.g. /api/v1/webhooks/{token}) to delete them after the run`,
      );
    }
    context.vars.webhooks = pool.webhooks;
    context.vars.provisioned = pool;
  } catch (err) {
    fatal(err);
  }
}

/** `after` flow (main thread, once): delete the webhooks provisionCredentials created; a failure is one warning line. */
export async function removeProvisionedWebhooks(context: Context): Promise<void> {
  const pool = context.vars.provisioned as ProvisionedPool | undefined;
  if (!pool) return;
  const warning = await deleteWebhooks(baseUrlOf(context), settings, pool);
  if (warning) sayMasked('log', warning);
}

/**
 * `before` flow (after provisionCredentials): one signal that every virtual user sends, byte
 * for byte, to one webhook, the pool's first (the burst test). Both are the same in every
 * load generator of a run (SIGNAL_SEED, SHARED_SIGNAL_AT), so the server sees one signal.
 */
export function prepareSharedSignal(context: Context, _events: Events, done: Done): void {
  const signal = sharedSignal(settings.seed, settings.sharedSignalAtMs ?? Date.now(), settings.symbols);
  context.vars.signalBody = JSON.stringify(signal);
  const pool = context.vars.webhooks as WebhookCredentials[] | undefined;
  if (pool && pool.length > 1) context.vars.webhooks = pool.slice(0, 1);
  done();
}

/**
 * The noisy-neighbour test: webhook 0 of the pool floods ("noisy"), the others send under
 * their limit ("neighbours"), each virtual user tagged with its class for the class counters.
 */
const NEIGHBOURHOOD_COUNTERS = ['noisy.sent', 'noisy.rate_limited', 'neighbours.sent', 'neighbours.accepted'];

/** beforeScenario of the noisy flow: the first webhook of the pool. */
export function pickNoisyWebhook(context: Context, events: Events, done: Done): void {
  context.vars.neighbourhood = 'noisy';
  pickFrom(context, events, done, (pool) => pool.slice(0, 1));
}

/** beforeScenario of the neighbours' flow: the rest of the pool, round robin. */
export function pickNeighbourWebhook(context: Context, events: Events, done: Done): void {
  context.vars.neighbourhood = 'neighbours';
  pickFrom(context, events, done, (pool) => pool.slice(1));
}

/** beforeScenario: spread virtual users over the webhook pool, round robin interleaved across workers, and zero every counter. */
export function pickWebhook(context: Context, events: Events, done: Done): void {
  pickFrom(context, events, done, (pool) => pool);
}

function pickFrom(
  context: Context,
  events: Events,
  done: Done,
  share: (pool: WebhookCredentials[]) => WebhookCredentials[],
): void {
  const whole = (context.vars.webhooks as WebhookCredentials[] | undefined) ?? [];
  const pool = share(whole);
  const webhook = pool[webhookPicker.next(pool.length)];
  knowCredentials(whole);
  vusersStarted += 1;
  if (!webhook) {
    done(
      new Error(
        'no webhook credentials: provisionCredentials must run in the before section (the noisy-neighbour test needs webhookPool >= 2)',
      ),
    );
    return;
  }
  context.vars.webhookToken = webhook.token;
  context.vars.webhookSecret = webhook.secret;
  // For checks in the YAML (idempotency's expect on the replay header).
  context.vars.replayHeader = settings.replayHeader;
  // The per-request record names the webhook by its place in the pool, never by its token.
  context.vars.webhookIndex = whole.indexOf(webhook);
  // A counter never emitted is undefined in ensure and fails its gate: emit all of them.
  // Once per worker is enough: ensure judges the sum over the run.
  if (vusersStarted === 1) {
    for (const name of [...OUTCOMES, 'sent', 'as_expected', 'not_expected']) {
      events.emit('counter', `webhook.${name}`, 0);
    }
    if (context.vars.neighbourhood) for (const name of NEIGHBOURHOOD_COUNTERS) events.emit('counter', name, 0);
  }
  done();
}

function expectExecution(context: Context): void {
  context.vars.expectedExecutions = Number(context.vars.expectedExecutions ?? 0) + 1;
}

/** ifTrue of the idempotency repeat: the replay header marks every replay (REPLAY_EVIDENCE unset or naming `header`). */
export function replayHeaderIsEvidence(): boolean {
  return settings.replayHeaderMarks;
}

export function replayHeaderIsNotEvidence(): boolean {
  return !settings.replayHeaderMarks;
}

/** Flow step: this virtual user repeats one signal (the idempotency test); it must be processed once. */
export function holdSignal(context: Context, events: Events, done: Done): void {
  context.vars.signalBody = JSON.stringify(signals.next(Date.now()));
  expectExecution(context);
  // artillery-plugin-expect counts a failure only when one happens; its gate needs the 0 too.
  events.emit('counter', 'plugins.expect.failed', 0);
  done();
}

/**
 * Flow step: a new event that the sender will retry (provider retries): one signal, one event id
 * sent as `webhook-id` on every attempt, and the retry delays of the scenario variable
 * `retrySchedule` (seconds, e.g. "0,1,3": at once, after 1 s, after 3 s more).
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
  const signal = signals.next(Date.now());
  context.vars.signalBody = JSON.stringify(signal);
  context.vars.eventId = `evt_${signal.signal_id}`;
  context.vars.retryDelays = delays;
  expectExecution(context);
  done();
}

/** Bound of the fill loop: a limiter that has not answered 429 after this many signals has none to test. */
const MAX_FILL_SIGNALS = 100;

/** whileTrue of the fill loop: go on until a signal was answered 429 (bounded). */
export function notRateLimitedYet(context: Context, done: (more: boolean) => void): void {
  context.vars.fillSignals = Number(context.vars.fillSignals ?? 0) + 1;
  done(context.vars.limitedEvent === undefined && Number(context.vars.fillSignals) < MAX_FILL_SIGNALS);
}

/** afterResponse of the fill loop: the outcome, and the first event answered 429 with its Retry-After. */
export function recordRateLimitProbe(
  p: RequestParams,
  response: Response,
  context: Context,
  events: Events,
  done: Done,
): void {
  recordOutcome(p, response, context, events, () => {
    if (response.statusCode === 429 && context.vars.limitedEvent === undefined) {
      const header = response.headers['retry-after'];
      const seconds = Number(Array.isArray(header) ? header[0] : header);
      context.vars.limitedEvent = { eventId: context.vars.eventId, signalBody: context.vars.signalBody };
      // Retry-After in seconds (an HTTP date is not followed: 1 s, like a sender's first backoff).
      context.vars.retryAfterS = Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds, 60) : 1;
    }
    done();
  });
}

/** Flow step: the event answered 429 becomes the one to send again, after its Retry-After. */
export async function waitRetryAfter(context: Context, events: Events): Promise<void> {
  events.emit('counter', 'webhook.retried_after_429', 0);
  const limited = context.vars.limitedEvent as { eventId: string; signalBody: string } | undefined;
  if (!limited) return;
  context.vars.eventId = limited.eventId;
  context.vars.signalBody = limited.signalBody;
  await new Promise((resolve) => setTimeout(resolve, Number(context.vars.retryAfterS) * 1000));
}

/** afterResponse of the retry after a 429: it must be answered 2xx (then its processing is the executions gate's). */
export function recordRetryAfter429(
  p: RequestParams,
  response: Response,
  context: Context,
  events: Events,
  done: Done,
): void {
  recordOutcome(p, response, context, events, () => {
    const answered = response.statusCode >= 200 && response.statusCode < 300;
    if (context.vars.limitedEvent !== undefined && answered) events.emit('counter', 'webhook.retried_after_429', 1);
    done();
  });
}

/** Flow step inside `loop: over: retryDelays`: wait this attempt's delay. */
export async function waitRetryDelay(context: Context): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, Number(context.vars.$loopElement ?? 0) * 1000));
}

/** Signs `body` (no signature when `secret` is undefined) and addresses `token`'s webhook. */
function address(
  params: RequestParams,
  context: Context,
  body: string,
  sender: { secret: string | undefined; token: string; nowMs: number; nowS?: number; eventId?: string },
): void {
  const { nowMs, eventId } = sender;
  const signed: SignatureParts =
    sender.secret === undefined
      ? { headers: {}, query: {} }
      : signRequest(settings.scheme, sender.secret, Buffer.from(body, 'utf8'), {
          nowS: sender.nowS ?? Math.floor(nowMs / 1000),
          messageId: eventId ?? `msg_${nowMs.toString(36)}${Math.random().toString(36).slice(2, 10)}`,
          plainHeader: settings.plainHeader,
          bodySecretField: settings.sender.bodySecretField,
        });
  // A provider retry names its event in `webhook-id` whatever the signing scheme (Svix does).
  if (eventId !== undefined) signed.headers['webhook-id'] = eventId;
  const url = targetUrl(baseUrlOf(context), settings.receivePath.replace('{token}', sender.token));
  for (const [k, v] of Object.entries(signed.query)) url.searchParams.set(k, v);
  params.url = url.toString();
  // Set here, not in each YAML, so SENDER_TIMEOUT_S is validated once and reaches every scenario.
  params.timeout = settings.senderTimeoutS;
  params.headers = { ...params.headers, 'content-type': settings.sender.contentType, ...signed.headers };
  params.json = undefined;
  params.body = signed.body?.toString('utf8') ?? body;
  params.signedAt = nowMs;
}

/** beforeRequest: build the signal, sign the exact bytes sent, address the webhook. */
export function signSignal(params: RequestParams, context: Context, events: Events, done: Done): void {
  const body = (context.vars.signalBody as string | undefined) ?? JSON.stringify(signals.next(Date.now()));
  address(params, context, body, {
    secret: String(context.vars.webhookSecret),
    token: String(context.vars.webhookToken),
    nowMs: Date.now(),
    eventId: context.vars.eventId as string | undefined,
  });
  events.emit('counter', 'webhook.sent', 1);
  done();
}

function record(outcome: Outcome, expected: readonly string[], context: Context, events: Events): void {
  events.emit('counter', `webhook.${outcome}`, 1);
  if (outcome === 'accepted') context.vars.acceptedAnswers = Number(context.vars.acceptedAnswers ?? 0) + 1;
  events.emit('counter', expected.includes(outcome) ? 'webhook.as_expected' : 'webhook.not_expected', 1);
}

/** One line of the per-request record (webhook-stress-common request-record.ts): when, how fast, what came back, which webhook. */
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

/** afterResponse of the noisy-neighbour test: the outcome, plus its class's figures (the neighbours' own p95). */
export function recordNeighbourhoodOutcome(
  _p: RequestParams,
  response: Response & { timings?: { phases?: { firstByte?: number } } },
  context: Context,
  events: Events,
  done: Done,
): void {
  const outcome = classifier.classify(facts(response));
  record(outcome, expectedFrom(context), context, events);
  if (context.vars.neighbourhood === 'noisy') {
    events.emit('counter', 'noisy.sent', 1);
    if (outcome === 'rate_limited') events.emit('counter', 'noisy.rate_limited', 1);
  } else {
    events.emit('counter', 'neighbours.sent', 1);
    if (outcome === 'accepted') events.emit('counter', 'neighbours.accepted', 1);
    const firstByte = response.timings?.phases?.firstByte;
    if (firstByte !== undefined) events.emit('histogram', 'neighbours.response_time', firstByte);
  }
  done();
}

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
    // One line for the person; the thrown error fails this virtual user (vusers.failed). Masked,
    // since it may quote the counter's answer: Artillery names an error counter after it too.
    const message = maskSecrets(err instanceof ProcessedCountError ? err.message : String(err), knownSecrets);
    console.error(`webhook-stress-pack: ${message}`);
    throw new ProcessedCountError(message);
  }
}

/** Flow step before the load: the server's processed count, or the one line saying how to make it measurable. */
export async function readProcessedCount(context: Context, events: Events): Promise<void> {
  // Emitted first, so a flow that fails before countProcessed never compares undefined with undefined (which passes).
  events.emit('counter', 'webhook.expected_executions', 0);
  // One of several generators: the orchestrator reads the server's count around all of them.
  if (!settings.processedCount && !settings.replayEvidence.declared && settings.generatorIndex === undefined)
    console.log(NOT_MEASURED_HINT);
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
  // What exactly-once means for this flow: one per held signal or event, plus one per
  // repeat after the idempotency window when REPROCESS_AFTER_TTL is true.
  events.emit('counter', 'webhook.expected_executions', Number(context.vars.expectedExecutions ?? 0));
}

/** What the burst engine leaves in context.vars.$burst that the rate-limit judgement reads (epoch ms). */
interface BurstRecord {
  count: number;
  firstWriteAt: number;
  lastAnswerAt: number;
  responses: { status: number | undefined }[];
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
  const burst = context.vars.$burst as BurstRecord | undefined;
  const at = settings.sharedSignalAtMs;
  if (burst) events.emit('histogram', 'burst.release_lag_ms', at === undefined ? 0 : burst.firstWriteAt - at);
  done();
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
export async function waitPastIdempotencyWindow(context: Context): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, settings.idempotencyTtlMs + 500));
  if (settings.reprocessAfterTtl) expectExecution(context);
}

/** Flow step before the hostile scenario's loop: every hostile.* counter at 0, and a line for a class that cannot apply. */
export function startHostileTraffic(_context: Context, events: Events, done: Done): void {
  for (const hostile of HOSTILE_CLASSES) {
    for (const figure of ['sent', 'rejected', 'not_applicable'])
      events.emit('counter', `hostile.${hostile}.${figure}`, 0);
    if (!appliesTo(hostile, settings.scheme)) {
      events.emit('counter', `hostile.${hostile}.not_applicable`, 1);
      console.log(
        `hostile ${hostile}: not applicable to SIGNING_SCHEME=${settings.scheme} (no signed timestamp; only ${TIMESTAMPED_SCHEMES.join(', ')} sign one): not sent, its gate reads not_applicable`,
      );
    }
  }
  events.emit('counter', 'hostile.server_error', 0);
  done();
}

/** ifTrue of the stale-timestamp step: only schemes that sign a timestamp can reject a stale one. */
export function timestampSigned(): boolean {
  return appliesTo('stale_ts', settings.scheme);
}

function hostileHook(hostile: HostileClass) {
  return (params: RequestParams, context: Context, events: Events, done: Done): void => {
    const nowMs = Date.now();
    const request = hostileRequest(
      hostile,
      {
        body: JSON.stringify(signals.next(nowMs)),
        secret: String(context.vars.webhookSecret),
        token: String(context.vars.webhookToken),
        nowS: Math.floor(nowMs / 1000),
      },
      settings.hostile,
    );
    address(params, context, request.body, { ...request, nowMs });
    context.vars.hostileClass = hostile;
    events.emit('counter', `hostile.${hostile}.sent`, 1);
    done();
  };
}

/** beforeRequest hooks of the hostile classes (processors/lib/hostile.ts says what each sends). */
export const sendForgedSignature = hostileHook('forged_sig');
export const sendMissingSignature = hostileHook('missing_sig');
export const sendStaleTimestamp = hostileHook('stale_ts');
export const sendOversizedBody = hostileHook('oversized');
export const sendMalformedJson = hostileHook('malformed');
export const sendUnknownAction = hostileHook('unknown_action');
export const sendUnknownToken = hostileHook('unknown_token');

/** afterResponse of a hostile request: a rejection as HOSTILE_STATUS defines it (default any 4xx but 429), or a 5xx. */
export function recordHostile(_p: RequestParams, response: Response, context: Context, events: Events, done: Done) {
  const hostile = context.vars.hostileClass as HostileClass;
  if (isRejection(hostile, response.statusCode, settings.hostile.statuses)) {
    events.emit('counter', `hostile.${hostile}.rejected`, 1);
  }
  if (response.statusCode >= 500) events.emit('counter', 'hostile.server_error', 1);
  done();
}

/** afterResponse of the legitimate stream among hostile traffic: its own latency (http.response_time mixes both). */
export function recordLegitimate(p: RequestParams, response: Response, context: Context, events: Events, done: Done) {
  const firstByte = response.timings?.phases?.firstByte;
  if (firstByte !== undefined) events.emit('histogram', 'webhook.legit_ms', firstByte);
  recordOutcome(p, response, context, events, done);
}

/** Flow step of the preflight: what expect compares the answer with, and its counters at 0 (ensure meets no undefined). */
export function startContractChecks(context: Context, events: Events, done: Done): void {
  context.vars.contractContentType = settings.contract.contentType;
  context.vars.contractIdField = settings.contract.idField ?? '';
  events.emit('counter', 'plugins.expect.ok', 0);
  events.emit('counter', 'plugins.expect.failed', 0);
  done();
}

/** afterResponse after artillery-plugin-expect's checks of this request (it runs silent): each failed check, one masked line. */
export function reportFailedExpectations(
  _p: RequestParams,
  _response: Response,
  context: Context,
  _events: Events,
  done: Done,
): void {
  for (const line of failedExpectationLines(context.expectations?.at(-1))) sayMasked('log', line);
  done();
}

/** ifTrue of the preflight steps: the id field is checked only when RESPONSE_ID_FIELD names it. */
export function responseIdFieldSet(): boolean {
  return settings.contract.idField !== undefined;
}
export function responseIdFieldUnset(): boolean {
  return settings.contract.idField === undefined;
}

/** beforeRequest of the out-of-order scenario: a new signal, remembered as the newest of its symbol. */
export function sendNewerSignal(params: RequestParams, context: Context, events: Events, done: Done): void {
  const signal = signals.next(Date.now());
  context.vars.newestSignal = signal;
  context.vars.signalBody = JSON.stringify(signal);
  signSignal(params, context, events, done);
  context.vars.signalBody = undefined;
}

/** beforeRequest: an older signal (OUT_OF_ORDER_LAG_S before the newest) of the same symbol, delivered after it. */
export function sendOlderSignal(params: RequestParams, context: Context, events: Events, done: Done): void {
  const newest = context.vars.newestSignal as Signal;
  const older = signals.next(Date.parse(newest.timestamp) - settings.outOfOrder.lagS * 1000);
  const nowMs = Date.now();
  address(params, context, JSON.stringify({ ...older, symbol: newest.symbol }), {
    secret: String(context.vars.webhookSecret),
    token: String(context.vars.webhookToken),
    nowMs,
  });
  events.emit('counter', 'order.late_sent', 1);
  done();
}

/** Flow step: the out-of-order counters at 0. */
export function startOutOfOrder(_context: Context, events: Events, done: Done): void {
  for (const name of ['late_sent', 'late_accepted', 'late_rejected', 'late_as_expected']) {
    events.emit('counter', `order.${name}`, 0);
  }
  done();
}

/** afterResponse of the older signal: accepted (2xx) or rejected (4xx but 429), judged against OUT_OF_ORDER_EXPECT. */
export function recordLate(_p: RequestParams, response: Response, _context: Context, events: Events, done: Done) {
  const status = response.statusCode;
  const outcome =
    status >= 200 && status < 300
      ? 'accepted'
      : status >= 400 && status < 500 && status !== 429
        ? 'rejected'
        : undefined;
  if (outcome) events.emit('counter', `order.late_${outcome}`, 1);
  const wanted = settings.outOfOrder.expect;
  if (outcome !== undefined && (wanted === 'either' || wanted === outcome))
    events.emit('counter', 'order.late_as_expected', 1);
  if (status >= 500) events.emit('counter', 'webhook.server_error', 1);
  done();
}
