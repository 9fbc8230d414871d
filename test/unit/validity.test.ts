import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GateResult } from 'webhook-stress-report';
import { gateId, renderJunit } from '../../packages/report/junit.ts';
import { gateMark, invalidReason, validityAdvice } from '../../packages/report/validity.ts';
import { GUIDE_COLUMNS, summaryRow } from '../../scripts/lib/suite-summary.ts';

const spread = (ms: number): GateResult => ({
  expression: 'burst.dispatch_spread_ms.max <= 5',
  passed: ms <= 5,
  strict: true,
  measured: { 'burst.dispatch_spread_ms.max': ms },
  validity: 'close other load, or raise the bound with a reason',
});
const band: GateResult = { expression: 'webhook.limit_allowed <= 10', passed: false, strict: true, measured: {} };

describe('validity gates', () => {
  it('are the conditions marked validity, with their advice', () => {
    const advice = validityAdvice([
      { expression: 'a <= 5', validity: 'do this' },
      { expression: 'b == 0' },
      { expression: 'c < 1', validity: true },
    ]);
    assert.deepEqual(
      [...advice],
      [
        ['a <= 5', 'do this'],
        ['c < 1', 'fix what it measures and run again'],
      ],
    );
  });

  it('a failed one makes the run invalid: one line with the value, the bound and what to do', () => {
    assert.equal(invalidReason([spread(1.2), band]), undefined);
    assert.equal(
      invalidReason([spread(7.8), band]),
      'burst.dispatch_spread_ms.max <= 5 does not hold [burst.dispatch_spread_ms.max = 7.8]: close other load, or raise the bound with a reason',
    );
  });

  it('other gates of an invalid run are not judged, in the console marks, JUnit and the suite', () => {
    assert.deepEqual([gateMark(spread(7.8), true), gateMark(band, true)], ['INVALID', 'not judged']);
    assert.deepEqual([gateMark(spread(1.2), false), gateMark(band, false)], ['pass', 'FAIL']);
    const xml = renderJunit([{ scenario: 'rate-limit', gates: [spread(7.8), band], invalid: 'spread too wide' }]);
    assert.match(xml, /tests="2" failures="0" errors="1"/);
    assert.match(xml, /<error message="run invalid: burst.dispatch_spread_ms.max &#60;= 5/);
    assert.match(xml, /<skipped message="not judged: the run is invalid"\/>/);
    const row = summaryRow(
      {
        scenario: 'rate-limit',
        exitCode: 1,
        verdict: {
          scenario: 'rate-limit',
          finishedAt: '',
          passed: false,
          invalid: 'spread too wide',
          gates: [spread(7.8), band],
          files: { html: '', junit: '' },
        },
        counters: {},
        responseTime: undefined,
      },
      GUIDE_COLUMNS,
    );
    assert.equal(row.result, 'INVALID');
    assert.deepEqual(row.failedGates, ['not judged: spread too wide']);
  });
});

describe('JUnit test names', () => {
  it('stay the same when a threshold changes; the numbers are in the message', () => {
    const gate = (expression: string, strict = true) => ({ expression, passed: false, strict, measured: { x: 1 } });
    assert.equal(gateId(gate('webhook.as_expected / webhook.sent >= 0.95')), 'webhook.as_expected / webhook.sent >= N');
    assert.equal(gateId(gate('webhook.as_expected / webhook.sent >= 0.9')), 'webhook.as_expected / webhook.sent >= N');
    assert.equal(
      gateId(gate('http.response_time.p95 < 200')),
      'http.response_time.p95 < N',
      'p95 is a name, not a number',
    );
    assert.equal(gateId(gate('server.memory_growth_mb < 50', false)), 'server.memory_growth_mb < N (warning)');
    const xml = renderJunit([{ scenario: 'hft', gates: [gate('webhook.rate_limited == 0')] }]);
    assert.match(xml, /name="webhook.rate_limited == N"/);
    assert.match(xml, /<failure message="gate failed: webhook.rate_limited == 0 \(x = 1\)"/);
  });
});
