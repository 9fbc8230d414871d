import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createClassifier, outcomeOfStatus } from '../../processors/lib/classify.ts';

const rules = {
  replayHeader: 'idempotent-replayed',
  responseIdField: 'order_id',
  replayEvidence: { kinds: ['id', 'body'] as const },
};
const ok = (body: string, headers: Record<string, string> = {}) => ({ status: 200, headers, body });

describe('classification by status', () => {
  const table: [number, string][] = [
    [200, 'accepted'],
    [202, 'accepted'],
    [409, 'duplicate'],
    [429, 'rate_limited'],
    [401, 'auth_failed'],
    [403, 'auth_failed'],
    [422, 'invalid'],
    [400, 'invalid'],
    [404, 'not_found'],
    [500, 'server_error'],
    [503, 'server_error'],
    [302, 'unexpected'],
  ];
  for (const [status, outcome] of table) {
    it(`${status} -> ${outcome}`, () => assert.equal(outcomeOfStatus(status), outcome));
  }
});

describe('duplicate detection when a replay is an HTTP 200', () => {
  it('a replay header marks a duplicate', () => {
    const c = createClassifier(rules);
    assert.equal(c.classify(ok('{"order_id":"a"}', { 'idempotent-replayed': 'true' })), 'duplicate');
  });

  it('the same order id twice is one processing and one replay', () => {
    const c = createClassifier(rules);
    assert.equal(c.classify(ok('{"order_id":"a","at":1}')), 'accepted');
    assert.equal(c.classify(ok('{"order_id":"a","at":1}')), 'duplicate');
    assert.equal(c.classify(ok('{"order_id":"b","at":1}')), 'accepted');
  });

  it('without the id field, an identical body is a replay', () => {
    const c = createClassifier({ ...rules, responseIdField: 'missing' });
    assert.equal(c.classify(ok('queued')), 'accepted');
    assert.equal(c.classify(ok('queued')), 'duplicate');
  });

  it('non-JSON bodies are classified by status first', () => {
    const c = createClassifier(rules);
    assert.equal(c.classify({ status: 502, headers: {}, body: '<html>bad gateway</html>' }), 'server_error');
  });
});
