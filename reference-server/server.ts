// The reference webhook receiver: the guide's contract (login, create webhook,
// receive signed BUY/SELL signals, 10 req/s limit, 1 s idempotency) in one small server.
import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { createCredentialAuthority } from './credentials.ts';
import { createAtomicStore, createRacyStore, type IdempotencyStore, type StoredResponse } from './idempotency-store.ts';
import type { TargetOptions } from './options.ts';
import { createLocalCounter, type ProcessedCounter } from './processed-counter.ts';
import { createSlidingWindowLimiter, type RateLimiter, unlimited } from './rate-limiter.ts';
import { verifyRequest } from './signature.ts';

const MAX_BODY_BYTES = 64 * 1024;
const WEBHOOK_PATH = /^\/api\/v1\/webhooks\/([A-Za-z0-9_-]+)$/;

export interface TargetState {
  /** Signals really processed (not replayed): the oracle PROCESSED_COUNT_URL reads. */
  ordersProcessed: ProcessedCounter;
  webhookRequests: number;
  retained: Buffer[];
  /** Webhooks created and not deleted by this process (what a run must not leave behind). */
  liveWebhooks: Set<string>;
}

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, detail: string) {
    super(detail);
    this.status = status;
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HttpError(422, 'body is not valid JSON');
  }
}

function readCredentials(req: IncomingMessage, raw: Buffer): { email: string; password: string } {
  if ((req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) {
    const form = new URLSearchParams(raw.toString('utf8'));
    return { email: form.get('username') ?? form.get('email') ?? '', password: form.get('password') ?? '' };
  }
  const body = parseJson(raw) as Record<string, unknown>;
  return { email: String(body?.email ?? body?.username ?? ''), password: String(body?.password ?? '') };
}

function validateSignal(raw: Buffer, malformedStatus: number): Record<string, unknown> {
  let body: unknown;
  try {
    body = parseJson(raw);
  } catch {
    throw new HttpError(malformedStatus, 'body is not valid JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(422, 'body must be a JSON object');
  }
  const signal = body as Record<string, unknown>;
  if (signal.action !== 'BUY' && signal.action !== 'SELL') throw new HttpError(422, 'action must be BUY or SELL');
  for (const field of ['quantity', 'price']) {
    const v = signal[field];
    if (v !== undefined && (typeof v !== 'number' || !(v > 0))) {
      throw new HttpError(422, `${field} must be a positive number`);
    }
  }
  return signal;
}

/** `key` signs sessions and webhook tokens; worker processes of one target share it. */
export function createTargetServer(
  options: TargetOptions,
  key: string,
  ordersProcessed: ProcessedCounter = createLocalCounter(),
): { server: Server; state: TargetState } {
  const state: TargetState = { ordersProcessed, webhookRequests: 0, retained: [], liveWebhooks: new Set() };
  // Tokens are stateless (signed), so a deleted one is remembered to be refused.
  const deleted = new Set<string>();
  const credentials = createCredentialAuthority(key);
  // One appended line per credential: workers of --workers append to the same file whole.
  const recordIssued = (issued: Record<string, string>) => {
    if (options.recordIssued) appendFileSync(options.recordIssued, `${JSON.stringify(issued)}\n`);
  };
  const limiter: RateLimiter = options.faults.has('no-rate-limit')
    ? unlimited
    : createSlidingWindowLimiter(options.rateLimitPerSecond, 1000);
  const idempotency: IdempotencyStore = options.faults.has('race')
    ? createRacyStore(options.idempotencyTtlMs, options.raceRoundTripMs)
    : createAtomicStore(options.idempotencyTtlMs);
  // Provider retries (Svix, Standard Webhooks) repeat one `webhook-id` for minutes to hours.
  const events: IdempotencyStore = createAtomicStore(options.eventRetentionMs);
  // The dedupe-before-limit fault: event ids recorded on arrival, before the limiter.
  const arrived = new Set<string>();

  async function placeOrder(signal: Record<string, unknown>): Promise<StoredResponse> {
    state.ordersProcessed.increment();
    if (options.faults.has('leak')) state.retained.push(Buffer.alloc(options.leakKb * 1024, 1));
    const orderId = `ord_${state.ordersProcessed.total()}_${randomBytes(4).toString('hex')}`;
    const body = JSON.stringify({
      status: 'accepted',
      order_id: orderId,
      signal_id: signal.signal_id ?? null,
      action: signal.action,
      received_at: new Date().toISOString(),
    });
    return { status: 200, body };
  }

  function login(req: IncomingMessage, raw: Buffer, res: ServerResponse): void {
    const { email, password } = readCredentials(req, raw);
    if (email !== options.email || password !== options.password) throw new HttpError(401, 'invalid credentials');
    const session = credentials.issueSession();
    recordIssued({ session });
    send(res, 200, { access_token: session, token_type: 'bearer' });
  }

  function requireSession(req: IncomingMessage): void {
    const bearer = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
    if (!credentials.isSession(bearer)) throw new HttpError(401, 'missing or invalid bearer token');
  }

  function createWebhook(req: IncomingMessage, raw: Buffer, res: ServerResponse): void {
    requireSession(req);
    const body = raw.length > 0 ? (parseJson(raw) as Record<string, unknown>) : {};
    const { token, secret } = credentials.issueWebhook();
    recordIssued({ token, secret });
    state.liveWebhooks.add(token);
    const host = req.headers.host ?? `${options.host}:${options.port}`;
    send(res, 201, {
      name: String(body.name ?? 'webhook'),
      token,
      secret,
      url: `http://${host}/api/v1/webhooks/${token}`,
    });
  }

  function deleteWebhook(req: IncomingMessage, token: string, res: ServerResponse): void {
    requireSession(req);
    if (!credentials.secretFor(token) || deleted.has(token)) throw new HttpError(404, 'unknown webhook');
    deleted.add(token);
    state.liveWebhooks.delete(token);
    res.writeHead(204).end();
  }

  async function receive(req: IncomingMessage, url: URL, token: string, raw: Buffer, res: ServerResponse) {
    state.webhookRequests += 1;
    if (options.faults.has('crash') && state.webhookRequests >= options.crashAfter) {
      // What the OOM killer does to a worker: no cleanup, no answer.
      process.kill(process.pid, 'SIGKILL');
    }
    const secret = deleted.has(token) ? undefined : credentials.secretFor(token);
    if (!secret) throw new HttpError(404, 'unknown webhook');
    const verdict = verifyRequest(secret, raw, req.headers, url.searchParams, Date.now(), {
      toleranceS: options.faults.has('accept-stale') ? Number.POSITIVE_INFINITY : undefined,
      bodySecretField: options.bodySecretField,
    });
    if (!verdict.ok && !options.faults.has('skip-signature')) throw new HttpError(401, verdict.reason);
    const signal = validateSignal(raw, options.faults.has('malformed-500') ? 500 : 422);
    if (options.faults.has('errors') && state.webhookRequests % options.errorEvery === 0) {
      throw new HttpError(500, 'internal error');
    }
    const arrivedId = req.headers['webhook-id'];
    if (options.faults.has('dedupe-before-limit') && typeof arrivedId === 'string') {
      if (arrived.has(`${token}|${arrivedId}`)) {
        send(res, 200, { status: 'accepted', detail: 'already received' }, { 'idempotent-replayed': 'true' });
        return;
      }
      arrived.add(`${token}|${arrivedId}`);
    }
    // The starve fault: one limiter for all webhooks, so one webhook's flood uses up everyone's share.
    const rateKey = options.faults.has('starve') ? 'all' : `${token}|${req.socket.remoteAddress ?? ''}`;
    const rate = limiter.take(rateKey, Date.now());
    if (!rate.allowed) {
      const retryAfter = String(Math.max(1, Math.ceil(rate.retryAfterMs / 1000)));
      send(res, 429, { detail: 'rate limit exceeded' }, { 'retry-after': retryAfter });
      return;
    }
    const eventId = options.faults.has('reprocess-retries') ? undefined : deliveryId(req);
    const { replayed, stored } = await processOnce(token, raw, eventId ?? '', signal);
    if (options.faults.has('slow')) await sleep(options.slowMs);
    const marked = replayed && !options.faults.has('no-replay-header');
    send(res, stored.status, stored.body, marked ? { 'idempotent-replayed': 'true' } : {});
  }

  /**
   * The id a sender names a delivery with: Standard Webhooks' (and Svix's) `webhook-id`, GitHub's
   * `X-GitHub-Delivery`, Shopify's `X-Shopify-Webhook-Id`; undefined when it names none.
   */
  function deliveryId(req: IncomingMessage): string | undefined {
    for (const name of ['webhook-id', 'x-github-delivery', 'x-shopify-webhook-id']) {
      const value = req.headers[name];
      if (typeof value === 'string' && value !== '') return value;
    }
    return undefined;
  }

  /** A repeat of the same event id (kept eventRetentionMs), or of the same body within the TTL, is a replay. */
  async function processOnce(token: string, raw: Buffer, eventId: string, signal: Record<string, unknown>) {
    let bodyReplayed = false;
    const byBody = async () => {
      const key = createHash('sha256').update(token).update(raw).digest('hex');
      const claim = await idempotency.claim(key, Date.now(), () => placeOrder(signal));
      bodyReplayed = claim.replayed;
      return claim.response;
    };
    if (eventId === '') {
      const stored = await byBody();
      return { replayed: bodyReplayed, stored };
    }
    const key = createHash('sha256').update(token).update('\0').update(eventId).digest('hex');
    const claim = await events.claim(key, Date.now(), byBody);
    const stored = await claim.response;
    return { replayed: claim.replayed || bodyReplayed, stored };
  }

  function metrics(res: ServerResponse): void {
    const cpu = process.cpuUsage();
    const lines = [
      '# TYPE process_resident_memory_bytes gauge',
      `process_resident_memory_bytes ${process.memoryUsage.rss()}`,
      '# TYPE process_cpu_seconds_total counter',
      `process_cpu_seconds_total ${(cpu.user + cpu.system) / 1e6}`,
      '# TYPE process_start_time_seconds gauge',
      `process_start_time_seconds ${Math.round(Date.now() / 1000 - process.uptime())}`,
      '# TYPE webhook_orders_processed_total counter',
      `webhook_orders_processed_total ${state.ordersProcessed.total()}`,
      '# TYPE webhook_requests_total counter',
      `webhook_requests_total ${state.webhookRequests}`,
      '# TYPE webhook_webhooks_live gauge',
      `webhook_webhooks_live ${state.liveWebhooks.size}`,
    ];
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(`${lines.join('\n')}\n`);
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://target');
    if (req.method === 'GET' && url.pathname === '/health') {
      send(res, 200, { status: 'ok', uptime_s: Math.round(process.uptime()) });
      return;
    }
    if (req.method === 'GET' && url.pathname === '/metrics') return metrics(res);
    const webhook = WEBHOOK_PATH.exec(url.pathname)?.[1];
    if (req.method === 'DELETE' && webhook) return deleteWebhook(req, webhook, res);
    if (req.method !== 'POST') throw new HttpError(405, 'method not allowed');
    const raw = await readBody(req);
    if (url.pathname === '/api/v1/auth/login') return login(req, raw, res);
    if (url.pathname === '/api/v1/webhooks/' || url.pathname === '/api/v1/webhooks')
      return createWebhook(req, raw, res);
    const match = WEBHOOK_PATH.exec(url.pathname);
    if (match?.[1]) return receive(req, url, match[1], raw, res);
    throw new HttpError(404, 'not found');
  }

  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      const detail = err instanceof Error ? err.message : 'internal error';
      // The unread rest of an oversized upload would be taken for the next request: close, as nginx does.
      const close: Record<string, string> = status === 413 ? { connection: 'close' } : {};
      if (!res.headersSent) send(res, status, { detail }, close);
    });
  });
  server.keepAliveTimeout = 65_000;
  return { server, state };
}
