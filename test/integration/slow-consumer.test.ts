// Slow consumer on receivers written here (no pack code): each answers at once and acts on a
// signal later, in the background, and counts what it acted on at /metrics. Acting in time
// passes; acting after the deadline, or dropping signals it acknowledged, fails exactly the
// executed-in-time gate; without the count that gate is not measured.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { failedGates, runScenario } from '../helpers/artillery.ts';

const GATE = 'consumer.executed_in_time == consumer.acknowledged';

async function startReceiver(actAfterMs: number, dropEvery = 0): Promise<{ url: string; close(): Promise<void> }> {
  let executed = 0;
  let received = 0;
  const server: Server = createServer(async (req, res) => {
    for await (const _ of req);
    if (req.method === 'GET' && req.url === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`orders_placed_total ${executed}\n`);
      return;
    }
    received += 1;
    const dropped = dropEvery > 0 && received % dropEvery === 0;
    // Acknowledged at once; the order is placed later (or, for a dropped one, never).
    if (!dropped) setTimeout(() => (executed += 1), actAfterMs);
    res.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"queued"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

// A 3 s deadline instead of 10: what is proven is the comparison with the deadline, not its length.
const env = (url: string, oracle = true) => ({
  WEBHOOK_TOKEN: 'slow1',
  WEBHOOK_SECRET: 'slow-consumer-secret',
  WEBHOOK_PATH: '/hooks/{token}',
  SLOW_CONSUMER_DEADLINE_S: '3',
  ...(oracle ? { PROCESSED_COUNT_URL: `${url}/metrics`, PROCESSED_COUNT_METRIC: 'orders_placed_total' } : {}),
});

describe('slow consumer', () => {
  for (const { title, actAfterMs, dropEvery, fails, oracle } of [
    {
      title: 'acts 500 ms after each answer: every signal in time, passes',
      actAfterMs: 500,
      dropEvery: 0,
      fails: [],
      oracle: true,
    },
    {
      title: 'acts 6 s after each answer (deadline 3 s): fails only the executed-in-time gate',
      actAfterMs: 6000,
      dropEvery: 0,
      fails: [GATE],
      oracle: true,
    },
    {
      title: 'drops every 5th signal it acknowledged: fails only the executed-in-time gate',
      actAfterMs: 100,
      dropEvery: 5,
      fails: [GATE],
      oracle: true,
    },
    {
      title: 'no processed count: the gate is not measured, with one line',
      actAfterMs: 100,
      dropEvery: 0,
      fails: [GATE],
      oracle: false,
    },
  ]) {
    it(title, async () => {
      const receiver = await startReceiver(actAfterMs, dropEvery);
      try {
        const run = await runScenario('slow-consumer', receiver.url, env(receiver.url, oracle));
        assert.deepEqual(failedGates(run), fails, run.output);
        assert.equal(run.code, fails.length > 0 ? 1 : 0, run.output);
        assert.equal(run.counters['consumer.acknowledged'], 20);
        if (!oracle) {
          assert.equal(run.counters['consumer.executed_in_time'], undefined);
          assert.match(run.output, /NOT MEASURED: consumer\.executed_in_time == consumer\.acknowledged/);
          assert.match(run.output, /exactly-once not measured \(webhook\.executions\): set PROCESSED_COUNT_URL/);
        } else if (dropEvery) assert.equal(run.counters['consumer.executed_in_time'], 16);
        else if (fails.length)
          assert.match(run.output, /slow-consumer: \d+ of 20 acknowledged signals executed 3 s after/);
      } finally {
        await receiver.close();
      }
    });
  }
});
