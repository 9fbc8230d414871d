import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_TARGET, resolveTarget, targetUrl } from '../../packages/common/target.ts';
import { readSettings, SettingsError } from '../../processors/lib/settings.ts';

describe('settings from the environment', () => {
  it('defaults to the guide: plain HMAC header, JSON login, 10 req/s, 1 s TTL', () => {
    const s = readSettings({});
    assert.equal(s.scheme, 'plain');
    assert.equal(s.login.encoding, 'json');
    assert.equal(s.rateLimitPerSecond, 10);
    assert.equal(s.idempotencyTtlMs, 1000);
    assert.deepEqual(s.credentials, []);
  });

  it('pairs comma-separated tokens and secrets into a pool', () => {
    const s = readSettings({ WEBHOOK_TOKEN: 't1, t2', WEBHOOK_SECRET: 's1,s2' });
    assert.deepEqual(s.credentials, [
      { token: 't1', secret: 's1' },
      { token: 't2', secret: 's2' },
    ]);
  });

  it('explains a token without a secret, without echoing the secret', () => {
    assert.throws(
      () => readSettings({ WEBHOOK_TOKEN: 't1', WEBHOOK_SECRET: '' }),
      (err: Error) => err instanceof SettingsError && /WEBHOOK_SECRET has 0/.test(err.message),
    );
    assert.throws(
      () => readSettings({ WEBHOOK_TOKEN: 't1,t2', WEBHOOK_SECRET: 'hunter2' }),
      (err: Error) => !err.message.includes('hunter2'),
    );
  });

  it('rejects an unknown signing scheme and a malformed number, naming the variable', () => {
    assert.throws(() => readSettings({ SIGNING_SCHEME: 'md5' }), /SIGNING_SCHEME="md5" is not one of plain/);
    assert.throws(() => readSettings({ RATE_LIMIT_PER_SECOND: 'ten' }), /RATE_LIMIT_PER_SECOND="ten"/);
    assert.throws(() => readSettings({ BASE_URL: 'not a url' }), /BASE_URL="not a url" is not a URL/);
    assert.throws(
      () => readSettings({ SHARED_SIGNAL_AT: 'now' }),
      /SHARED_SIGNAL_AT="now" is not a time in epoch milliseconds/,
    );
    assert.throws(() => readSettings({ GENERATOR_INDEX: '-1' }), /GENERATOR_INDEX="-1" is not a generator index/);
  });

  it('sender format and hostile classes: defaults, and one line naming a wrong value', () => {
    const d = readSettings({});
    assert.deepEqual(d.sender, { bodySecretField: 'secret', contentType: 'application/json' });
    assert.deepEqual(d.hostile, { staleAgeS: 600, oversizedBytes: 1024 * 1024 + 1, statuses: {} });
    assert.deepEqual(d.contract, { contentType: 'json', idField: undefined });
    const s = readSettings({
      SIGNING_SCHEME: 'body-secret',
      BODY_SECRET_FIELD: 'passphrase',
      SIGNAL_CONTENT_TYPE: 'text/plain',
    });
    assert.deepEqual(s.sender, { bodySecretField: 'passphrase', contentType: 'text/plain' });
    assert.throws(
      () => readSettings({ SIGNAL_CONTENT_TYPE: 'text/html' }),
      /SIGNAL_CONTENT_TYPE="text\/html" is not one of/,
    );
    assert.throws(() => readSettings({ HOSTILE_STATUS: 'forged_sig=200' }), /HOSTILE_STATUS entry "forged_sig=200"/);
    assert.throws(() => readSettings({ HOSTILE_STALE_AGE_S: '0' }), /HOSTILE_STALE_AGE_S="0" must be greater than 0/);
  });

  it('SENDER_TIMEOUT_S: 3 s by default, a positive number of seconds', () => {
    assert.equal(readSettings({}).senderTimeoutS, 3);
    assert.equal(readSettings({ SENDER_TIMEOUT_S: '15' }).senderTimeoutS, 15);
    assert.throws(() => readSettings({ SENDER_TIMEOUT_S: '0' }), /SENDER_TIMEOUT_S="0" must be greater than 0/);
    assert.throws(() => readSettings({ SENDER_TIMEOUT_S: '3s' }), /SENDER_TIMEOUT_S="3s" is not a non-negative number/);
  });

  it('REPROCESS_AFTER_TTL: true (the guide) by default, true or false only', () => {
    assert.equal(readSettings({}).reprocessAfterTtl, true);
    assert.equal(readSettings({ REPROCESS_AFTER_TTL: 'false' }).reprocessAfterTtl, false);
    assert.throws(() => readSettings({ REPROCESS_AFTER_TTL: 'no' }), /REPROCESS_AFTER_TTL="no" is not true or false/);
  });

  it('--target wins over BASE_URL; BASE_URL replaces the default target', () => {
    const s = readSettings({ BASE_URL: 'http://localhost:9000/' });
    assert.equal(resolveTarget(DEFAULT_TARGET, s.baseUrl), 'http://localhost:9000');
    assert.equal(resolveTarget('http://127.0.0.1:7000', s.baseUrl), 'http://127.0.0.1:7000');
    assert.equal(resolveTarget('http://127.0.0.1:7000/', readSettings({}).baseUrl), 'http://127.0.0.1:7000');
  });

  it('a path prefix in the target is kept for every path joined to it (signals and provisioning alike)', () => {
    const base = resolveTarget(DEFAULT_TARGET, 'http://127.0.0.1:9000/hooks/');
    assert.equal(base, 'http://127.0.0.1:9000/hooks');
    assert.equal(targetUrl(base, '/api/v1/webhooks/t1').href, 'http://127.0.0.1:9000/hooks/api/v1/webhooks/t1');
    assert.equal(targetUrl(base, 'api/v1/auth/login').href, 'http://127.0.0.1:9000/hooks/api/v1/auth/login');
    assert.equal(targetUrl('http://127.0.0.1:9000', '/signal').href, 'http://127.0.0.1:9000/signal');
  });
});
