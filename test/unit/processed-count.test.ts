// The exactly-once oracle: the server's processed count parsed from Prometheus text or
// JSON, and a fetch that fails with one line instead of a silent 0.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  countFromJson,
  countFromPrometheus,
  fetchProcessedCount,
  ProcessedCountError,
  parseSeriesSelector,
} from '../../processors/lib/processed-count.ts';
import { readSettings } from '../../processors/lib/settings.ts';

// As prometheus_client (Python) exposes a labelled counter: _total and _created series.
const EXPOSITION = `# HELP signals_processed_total Signals acted on
# TYPE signals_processed_total counter
signals_processed_total{webhook="a",worker="1"} 3.0
signals_processed_total{webhook="b",worker="1"} 4.0 1700000000000
signals_processed_total{webhook="a",worker="2"} 2
signals_processed_created{webhook="a"} 1.7e9
signals_processed_total_other 100
process_resident_memory_bytes 1.2e7
`;

describe('Prometheus text', () => {
  it('a bare name sums every series of that metric, and only that metric', () => {
    assert.equal(countFromPrometheus(EXPOSITION, 'signals_processed_total'), 9);
  });

  it('a label selector sums the series that carry those labels', () => {
    assert.equal(countFromPrometheus(EXPOSITION, 'signals_processed_total{webhook="a"}'), 5);
    assert.equal(countFromPrometheus(EXPOSITION, 'signals_processed_total{webhook="a", worker="2"}'), 2);
  });

  it('an unlabelled counter', () => {
    assert.equal(countFromPrometheus('# TYPE x counter\nx 42\n', 'x'), 42);
  });

  it('a missing series or a garbled value is an error, not 0', () => {
    assert.throws(() => countFromPrometheus(EXPOSITION, 'orders_total'), /no series matches orders_total/);
    assert.throws(() => countFromPrometheus(EXPOSITION, 'signals_processed_total{webhook="z"}'), /no series/);
    assert.throws(() => countFromPrometheus('x abc\n', 'x'), /not a number/);
    assert.throws(() => countFromPrometheus('<html>login</html>', 'x'), ProcessedCountError);
  });

  it('a malformed selector is rejected with the setting named', () => {
    assert.throws(() => parseSeriesSelector('9bad'), /PROCESSED_COUNT_METRIC="9bad"/);
    assert.throws(() => parseSeriesSelector('x{webhook=a}'), /PROCESSED_COUNT_METRIC/);
    assert.deepEqual(parseSeriesSelector('x{a="1", b="2, 3"}').labels, { a: '1', b: '2, 3' });
  });
});

describe('JSON', () => {
  it('reads a dot path, array indexes and numeric strings included', () => {
    assert.equal(countFromJson('{"stats":{"processed":7}}', 'stats.processed'), 7);
    assert.equal(countFromJson('{"workers":[{"done":"3"}]}', 'workers.0.done'), 3);
  });

  it('a missing path, a non-number or a non-JSON answer is an error', () => {
    assert.throws(() => countFromJson('{"stats":{}}', 'stats.processed'), /no "stats.processed"/);
    assert.throws(() => countFromJson('{"n":"many"}', 'n'), /not a number/);
    assert.throws(() => countFromJson('OK', 'n'), /not JSON/);
  });
});

describe('settings', () => {
  it('PROCESSED_COUNT_URL needs exactly one of METRIC or JSON_PATH, validated at start', () => {
    assert.equal(readSettings({}).processedCount, undefined);
    assert.deepEqual(
      readSettings({ PROCESSED_COUNT_URL: 'http://127.0.0.1:1/metrics', PROCESSED_COUNT_METRIC: 'x' }).processedCount,
      { url: 'http://127.0.0.1:1/metrics', format: 'prometheus', selector: 'x' },
    );
    assert.throws(() => readSettings({ PROCESSED_COUNT_URL: 'http://127.0.0.1:1/' }), /neither PROCESSED_COUNT_METRIC/);
    assert.throws(
      () =>
        readSettings({ PROCESSED_COUNT_URL: 'http://h/', PROCESSED_COUNT_METRIC: 'x', PROCESSED_COUNT_JSON_PATH: 'y' }),
      /both set/,
    );
    assert.throws(() => readSettings({ PROCESSED_COUNT_METRIC: 'x' }), /PROCESSED_COUNT_URL is not/);
    assert.throws(() => readSettings({ PROCESSED_COUNT_URL: 'nope', PROCESSED_COUNT_METRIC: 'x' }), /is not a URL/);
    assert.throws(() => readSettings({ PROCESSED_COUNT_URL: 'http://h/', PROCESSED_COUNT_METRIC: 'x{' }), /selector/);
    assert.equal(readSettings({}).processedSettleMs, 500);
  });

  it('REPLAY_EVIDENCE: a comma list, declared only when it names a kind', () => {
    assert.deepEqual(readSettings({}).replayEvidence, { kinds: [], declared: false });
    assert.deepEqual(readSettings({ REPLAY_EVIDENCE: 'none' }).replayEvidence, { kinds: [], declared: false });
    assert.deepEqual(readSettings({ REPLAY_EVIDENCE: 'header, id' }).replayEvidence, {
      kinds: ['header', 'id'],
      declared: true,
    });
    assert.throws(
      () => readSettings({ REPLAY_EVIDENCE: 'guess' }),
      /"guess" is not one of header, status, id, body, none/,
    );
    assert.throws(() => readSettings({ REPLAY_EVIDENCE: 'none,body' }), /cannot be combined/);
  });
});

describe('fetch', () => {
  let url = '';
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/metrics') res.end('signals_processed_total 12\n');
    else if (path === '/stall') setTimeout(() => res.end('x 1\n'), 2000);
    else {
      res.statusCode = 404;
      res.end('not found');
    }
  });
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });
  const source = (path: string, selector = 'signals_processed_total') => ({
    url: `${url}${path}?token=secret`,
    format: 'prometheus' as const,
    selector,
  });

  it('reads the count', async () => {
    assert.equal(await fetchProcessedCount(source('/metrics'), 1000), 12);
  });

  it('every failure is one line naming the URL (without its query) and the setting to check', async () => {
    await assert.rejects(fetchProcessedCount(source('/nope'), 1000), (err: Error) => {
      assert.match(
        err.message,
        /^processed count: cannot read http:\/\/127\.0\.0\.1:\d+\/nope: HTTP 404; check PROCESSED_COUNT_URL$/,
      );
      assert.ok(!err.message.includes('secret'));
      return true;
    });
    await assert.rejects(
      fetchProcessedCount(source('/stall'), 200),
      /no answer within 200 ms; check PROCESSED_COUNT_URL/,
    );
    await assert.rejects(
      fetchProcessedCount(source('/metrics', 'orders_total'), 1000),
      /no series matches orders_total; check PROCESSED_COUNT_METRIC/,
    );
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await assert.rejects(
      fetchProcessedCount({ ...source('/metrics'), url: `http://127.0.0.1:${port}/metrics` }, 1000),
      /cannot read http:\/\/127\.0\.0\.1:\d+\/metrics: ECONNREFUSED; check PROCESSED_COUNT_URL$/,
    );
  });
});
