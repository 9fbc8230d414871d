// Gates no other test made fail, each failed alone by a receiver that gets one thing wrong the
// way real receivers do, beside the same receiver without that fault, which passes. The receiver
// is written here (node:http, no pack code): HMAC-SHA256 of the raw body in X-Signature (the
// `plain` scheme), a 1 MiB body limit, BUY/SELL only, deduplication by `webhook-id` or by body,
// a fixed-window limit, and its own count of executed signals at /metrics.
import assert from 'node:assert/strict';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { processedCountEnv, startTarget } from '../../reference-server/launch.ts';
import { failedGates, runJudgedScenario, runScenario } from '../helpers/artillery.ts';

const TOKEN = 'gate-faults';
const SECRET = 'gate-faults-secret-value';

type Fault =
  | 'oversized-202'
  | 'unknown-action-200'
  | 'unknown-token-200'
  | 'late-repeat-403'
  | 'retry-410'
  | 'newer-422'
  | 'replay-header-always';

interface Receiver {
  url: string;
  close(): Promise<void>;
}

function verified(raw: Buffer, req: IncomingMessage): boolean {
  const given = Buffer.from(String(req.headers['x-signature'] ?? ''));
  const expected = Buffer.from(createHmac('sha256', SECRET).update(raw).digest('hex'));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function startReceiver(fault: Fault | undefined, opts: { rateLimit?: number } = {}): Promise<Receiver> {
  let executed = 0;
  let newerSeen = 0;
  const firstSeen = new Map<string, number>();
  const windows = new Map<number, number>();
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size <= 2 * 1024 * 1024) chunks.push(chunk as Buffer);
    }
    const answer = (status: number, body: object, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
    };
    if (req.method === 'GET' && req.url === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`executed_total ${executed}\n`);
      return;
    }
    const path = (req.url ?? '').split('?')[0];
    if (path !== `/hooks/${TOKEN}`) {
      if (fault === 'unknown-token-200') return answer(200, { status: 'ok' });
      return answer(404, { detail: 'unknown webhook' });
    }
    if (size > 1024 * 1024) {
      if (fault === 'oversized-202') return answer(202, { status: 'queued' });
      return answer(413, { detail: 'body too large' });
    }
    const raw = Buffer.concat(chunks);
    if (!verified(raw, req)) return answer(401, { detail: 'bad signature' });
    let signal: { action?: unknown; timestamp?: string; symbol?: string };
    try {
      signal = JSON.parse(raw.toString('utf8'));
    } catch {
      return answer(422, { detail: 'not JSON' });
    }
    if (signal.action !== 'BUY' && signal.action !== 'SELL') {
      if (fault === 'unknown-action-200') return answer(200, { status: 'ok' });
      return answer(422, { detail: 'unknown action' });
    }
    if (opts.rateLimit) {
      const second = Math.floor(Date.now() / 1000);
      const count = (windows.get(second) ?? 0) + 1;
      windows.set(second, count);
      if (count > opts.rateLimit) return answer(429, { detail: 'slow down' }, { 'retry-after': '1' });
    }
    const id = req.headers['webhook-id'];
    const key = typeof id === 'string' ? `id:${id}` : `body:${createHash('sha256').update(raw).digest('hex')}`;
    const first = firstSeen.get(key);
    if (first !== undefined) {
      if (fault === 'late-repeat-403' && Date.now() - first > 1000) return answer(403, { detail: 'too late' });
      if (fault === 'retry-410' && typeof id === 'string') return answer(410, { detail: 'gone' });
      return answer(200, { status: 'ok' });
    }
    // Every third new signal: out-of-order sends newer and older ones in turn, so every second would hit only older ones.
    if (fault === 'newer-422' && ++newerSeen % 3 === 0) return answer(422, { detail: 'refused' });
    firstSeen.set(key, Date.now());
    executed += 1;
    answer(200, { status: 'ok' }, fault === 'replay-header-always' ? { 'idempotent-replayed': 'true' } : {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const env = (url: string) => ({
  SIGNING_SCHEME: 'plain',
  WEBHOOK_TOKEN: TOKEN,
  WEBHOOK_SECRET: SECRET,
  WEBHOOK_PATH: '/hooks/{token}',
  PROCESSED_COUNT_URL: `${url}/metrics`,
  PROCESSED_COUNT_METRIC: 'executed_total',
});

interface Row {
  scenario: string;
  fault: Fault;
  gate: string;
  env?: Record<string, string>;
  rateLimit?: number;
}

// Each fault, and the gate it alone must fail; the same receiver without it must pass.
const rows: Row[] = [
  {
    scenario: 'hostile',
    fault: 'oversized-202',
    gate: 'hostile.oversized.sent > 0 and hostile.oversized.rejected == hostile.oversized.sent',
  },
  {
    scenario: 'hostile',
    fault: 'unknown-action-200',
    gate: 'hostile.unknown_action.sent > 0 and hostile.unknown_action.rejected == hostile.unknown_action.sent',
  },
  {
    scenario: 'hostile',
    fault: 'unknown-token-200',
    gate: 'hostile.unknown_token.sent > 0 and hostile.unknown_token.rejected == hostile.unknown_token.sent',
  },
  {
    // The receiver keeps signals longer than the window (a replay after it, not a new signal) but
    // refuses the late copy with a 403 instead of answering it as a replay.
    scenario: 'idempotency',
    fault: 'late-repeat-403',
    gate: 'webhook.as_expected == webhook.sent',
    env: { REPROCESS_AFTER_TTL: 'false' },
  },
  { scenario: 'retries', fault: 'retry-410', gate: 'webhook.as_expected == webhook.sent', rateLimit: 10 },
  { scenario: 'out-of-order', fault: 'newer-422', gate: 'webhook.as_expected == webhook.sent' },
  { scenario: 'preflight', fault: 'replay-header-always', gate: 'webhook.as_expected == webhook.sent' },
];

describe('gates failed alone by one receiver fault, beside its control', () => {
  const controls = new Map<string, Row>();
  for (const row of rows) if (!controls.has(row.scenario)) controls.set(row.scenario, row);
  for (const row of controls.values()) {
    it(`${row.scenario}: the receiver without a fault passes (control)`, async () => {
      const receiver = await startReceiver(undefined, { rateLimit: row.rateLimit });
      try {
        const run = await runScenario(row.scenario, receiver.url, { ...env(receiver.url), ...row.env });
        assert.deepEqual(failedGates(run), [], run.output);
        assert.equal(run.code, 0, run.output);
      } finally {
        await receiver.close();
      }
    });
  }
  for (const row of rows) {
    it(`${row.scenario}, ${row.fault}: fails only "${row.gate}"`, async () => {
      const receiver = await startReceiver(row.fault, { rateLimit: row.rateLimit });
      try {
        const run = await runScenario(row.scenario, receiver.url, { ...env(receiver.url), ...row.env });
        assert.deepEqual(failedGates(run), [row.gate], run.output);
        assert.equal(run.code, 1, run.output);
      } finally {
        await receiver.close();
      }
    });
  }
});

describe('gates failed alone by load-shaped faults', () => {
  it('hft, a limit of 8/s below its 8.3/s: fails only "webhook.rate_limited == 0"', async () => {
    // A fixed window of 8 per calendar second: the seconds that get 9 of hft's evenly spaced
    // signals answer one 429 each, a few in all, so the 95 % acceptance still holds.
    const receiver = await startReceiver(undefined, { rateLimit: 8 });
    try {
      const run = await runJudgedScenario('hft', receiver.url, env(receiver.url));
      assert.deepEqual(failedGates(run), ['webhook.rate_limited == 0'], run.output);
      assert.ok((run.counters['webhook.rate_limited'] ?? 0) <= 5, run.output);
    } finally {
      await receiver.close();
    }
  });

  it('hft from a generator that bunches its sends (100 in 1 s to one webhook): INVALID with one line, never a FAIL', async () => {
    // The generator's fault, not the receiver's: the same correct 10/s receiver rightly answers
    // 429s, and the validity gate on the generator's own spacing takes the verdict away.
    const receiver = await startReceiver(undefined, { rateLimit: 10 });
    try {
      const overrides = JSON.stringify({ config: { phases: [{ arrivalCount: 100, duration: 1 }] } });
      const run = await runScenario('hft', receiver.url, env(receiver.url), { overrides });
      assert.match(run.verdict?.invalid ?? '', /generator\.bunched_sends == 0 does not hold/, run.output);
      assert.ok((run.counters['generator.bunched_sends'] ?? 0) >= 80, run.output);
      assert.ok((run.counters['webhook.rate_limited'] ?? 0) > 0, 'the receiver answered 429s');
      assert.match(
        run.output,
        /^INVALID run, gates not judged: generator\.bunched_sends == 0 does not hold .* close other load on this machine$/m,
      );
      assert.notEqual(run.code, 0);
    } finally {
      await receiver.close();
    }
  });

  it('sustained, --fault leak of 40 KiB a signal (3,000 signals: about 117 MB): fails only "server.memory_growth_mb < 100"', async () => {
    const target = await startTarget(['--fault', 'leak', '--leak-kb', '40']);
    try {
      const run = await runJudgedScenario('sustained', target.url, processedCountEnv(target.url));
      assert.deepEqual(failedGates(run), ['server.memory_growth_mb < 100', 'server.memory_growth_mb < 50'], run.output);
      assert.equal(
        run.verdict?.gates.find((g) => g.expression === 'server.memory_growth_mb < 50')?.strict,
        false,
        "the 50 MB line is the guide's warning, not a failure",
      );
      assert.equal(run.code, 1, run.output);
    } finally {
      await target.stop();
    }
  });
});
