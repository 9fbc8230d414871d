// What decided the verdict, as the processor read it: shown in the report, never a secret.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decisiveSettings } from '../../processors/core/decisive.ts';
import { readSettings } from '../../processors/lib/settings.ts';
import { readRateLimitSettings } from '../../processors/rate-limit.ts';

describe('decisive settings', () => {
  it('name the scheme, where ids travel, the evidence, the deadline, the pool and the scenario own settings', () => {
    const settings = readSettings({
      SIGNING_SCHEME: 'github',
      WEBHOOK_TOKEN: 'tok-Secret-123',
      WEBHOOK_SECRET: 'sec-Secret-456',
      PROCESSED_COUNT_URL: 'http://u:pw@127.0.0.1:9/metrics?key=k',
      PROCESSED_COUNT_METRIC: 'orders_total',
      SENDER_TIMEOUT_S: '15',
    });
    const d = decisiveSettings(
      settings,
      { size: 1, given: true },
      readRateLimitSettings({ RATE_LIMIT_MODEL: 'token-bucket' }),
    );
    assert.deepEqual(d, {
      'signing scheme': 'github',
      'delivery id': 'X-GitHub-Delivery',
      'exactly-once evidence': "the server's count: http://127.0.0.1:9/metrics orders_total",
      "sender's deadline": '15 s (SENDER_TIMEOUT_S)',
      'webhook pool': '1 (given in WEBHOOK_TOKEN)',
      "scenario's own settings": 'perSecond=10, model=token-bucket, burst=10',
    });
    assert.doesNotMatch(JSON.stringify(d), /Secret-|pw|key=k/);
  });

  it('say when exactly-once is not measured', () => {
    const d = decisiveSettings(readSettings({}), { size: 20, given: false }, undefined);
    assert.equal(d['exactly-once evidence'], 'not measured (no PROCESSED_COUNT_URL, no REPLAY_EVIDENCE)');
    assert.equal(d['delivery id'], "none: the body's signal_id");
    assert.equal(d["scenario's own settings"], undefined);
  });
});
