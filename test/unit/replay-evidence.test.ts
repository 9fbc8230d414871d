// REPLAY_EVIDENCE: a 2xx is a duplicate only on positive evidence, never because a
// receiver answers every acceptance with the same constant body.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OUTCOMES } from 'webhook-stress-common';
import { createClassifier, outcomeOfTransportError } from '../../processors/lib/classify.ts';
import type { ReplayEvidence } from '../../processors/lib/settings.ts';

const rules = { replayHeader: 'idempotent-replayed', responseIdField: 'order_id' };
const ok = (body: string, headers: Record<string, string> = {}) => ({ status: 200, headers, body });

describe('duplicate detection when a replay is an HTTP 200: only on positive evidence', () => {
  const withEvidence = (...kinds: ReplayEvidence[]) => ({ ...rules, replayEvidence: { kinds } });

  it('by default a constant body is an acceptance every time (no inference)', () => {
    const c = createClassifier(withEvidence());
    for (let i = 0; i < 5; i++) assert.equal(c.classify(ok('{"status":"ok"}')), 'accepted');
    assert.equal(c.classify(ok('{"order_id":"a"}')), 'accepted');
    assert.equal(c.classify(ok('{"order_id":"a"}')), 'accepted');
  });

  it('a 409 and the replay header count without being named', () => {
    const c = createClassifier(withEvidence());
    assert.equal(c.classify({ status: 409, headers: {}, body: '' }), 'duplicate');
    assert.equal(c.classify(ok('{"status":"ok"}', { 'idempotent-replayed': 'true' })), 'duplicate');
    assert.equal(c.classify(ok('{"status":"ok"}', { 'idempotent-replayed': 'false' })), 'accepted');
  });

  it('REPLAY_EVIDENCE=id: the same id twice is one processing and one replay', () => {
    const c = createClassifier(withEvidence('id'));
    assert.equal(c.classify(ok('{"order_id":"a","at":1}')), 'accepted');
    assert.equal(c.classify(ok('{"order_id":"a","at":2}')), 'duplicate');
    assert.equal(c.classify(ok('{"order_id":"b","at":1}')), 'accepted');
    assert.equal(c.classify(ok('{"status":"ok"}')), 'accepted', 'no id field, no body evidence: accepted');
    assert.equal(c.classify(ok('{"status":"ok"}')), 'accepted');
  });

  it('REPLAY_EVIDENCE=body: an identical body is a replay (opt-in only)', () => {
    const c = createClassifier(withEvidence('body'));
    assert.equal(c.classify(ok('queued')), 'accepted');
    assert.equal(c.classify(ok('queued')), 'duplicate');
  });

  it('non-JSON bodies are classified by status first', () => {
    const c = createClassifier(withEvidence('id', 'body'));
    assert.equal(c.classify({ status: 502, headers: {}, body: '<html>bad gateway</html>' }), 'server_error');
  });
});

describe('transport errors', () => {
  it('a timeout is timed_out, anything else transport_error', () => {
    assert.equal(outcomeOfTransportError({ code: 'ETIMEDOUT' }), 'timed_out');
    assert.equal(outcomeOfTransportError({ code: 'ESOCKETTIMEDOUT' }), 'timed_out');
    assert.equal(outcomeOfTransportError({ code: 'ECONNRESET' }), 'transport_error');
    assert.equal(outcomeOfTransportError(undefined), 'transport_error');
  });

  it('no outcome counter name is a prefix of another (ensure matches by substring)', () => {
    const names = [...OUTCOMES, 'sent', 'as_expected', 'not_expected', 'processed', 'executions'].map(
      (n) => `webhook.${n}`,
    );
    for (const a of names) for (const b of names) if (a !== b) assert.ok(!b.startsWith(a), `${a} prefixes ${b}`);
  });
});
