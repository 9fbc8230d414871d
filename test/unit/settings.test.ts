import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_TARGET, resolveTarget, targetUrl } from '../../packages/common/target.ts';
import { readHostileSettings } from '../../processors/hostile.ts';
import { readIdempotencySettings } from '../../processors/idempotency.ts';
import { readSettings, SettingsError } from '../../processors/lib/settings.ts';
import { readContractSettings } from '../../processors/preflight.ts';
import { readRateLimitSettings } from '../../processors/rate-limit.ts';
import { ROOT } from '../../reference-server/launch.ts';

describe('settings from the environment', () => {
  it('defaults to the guide: plain HMAC header, JSON login, 10 req/s, 1 s TTL', () => {
    const s = readSettings({});
    assert.equal(s.scheme, 'plain');
    assert.equal(s.login.encoding, 'json');
    assert.equal(readRateLimitSettings({}).perSecond, 10);
    assert.equal(readIdempotencySettings({}).ttlMs, 1000);
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

  it('refuses a WEBHOOK_SECRET the signing scheme cannot use, in one line that never shows it', () => {
    const valid = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
    const cases: [string, string][] = [
      [
        'My-Plain-Text-Secret',
        "WEBHOOK_SECRET cannot be used with SIGNING_SCHEME=standard: it is not standard base64 after the optional whsec_ prefix: it has characters outside A-Z a-z 0-9 + / (URL-safe - and _, spaces and = inside are refused by the official library too); set it to the endpoint's signing secret as the sender shows it (whsec_ then base64 of 24 to 64 bytes), or SIGNING_SCHEME to the scheme your receiver verifies (the secret is not shown)",
      ],
      [
        `${valid},whsec_c2hvcnRrZXk=`,
        "WEBHOOK_SECRET (value 2 of 2) cannot be used with SIGNING_SCHEME=standard: it decodes to 8 bytes; the Standard Webhooks spec wants 24 to 64; set it to the endpoint's signing secret as the sender shows it (whsec_ then base64 of 24 to 64 bytes), or SIGNING_SCHEME to the scheme your receiver verifies (the secret is not shown)",
      ],
    ];
    for (const [secret, message] of cases) {
      const env = {
        WEBHOOK_TOKEN: secret.includes(',') ? 't1,t2' : 't1',
        WEBHOOK_SECRET: secret,
        SIGNING_SCHEME: 'standard',
      };
      assert.throws(
        () => readSettings(env),
        (err: Error) => err instanceof SettingsError && err.message === message,
      );
    }
    // The same text is a fine secret for the schemes that use it as text.
    for (const scheme of ['plain', 'github', 'stripe', 'slack', 'shopify', 'query', 'body-secret']) {
      const s = readSettings({ WEBHOOK_TOKEN: 't1', WEBHOOK_SECRET: 'My-Plain-Text-Secret', SIGNING_SCHEME: scheme });
      assert.equal(s.credentials[0]?.secret, 'My-Plain-Text-Secret');
    }
    assert.equal(
      readSettings({ WEBHOOK_TOKEN: 't1', WEBHOOK_SECRET: valid, SIGNING_SCHEME: 'standard' }).scheme,
      'standard',
    );
  });

  it('the secrets guide quotes the line a 16-byte Standard Webhooks secret gets, word for word', () => {
    const env = {
      WEBHOOK_TOKEN: 't1',
      WEBHOOK_SECRET: `whsec_${Buffer.alloc(16).toString('base64')}`,
      SIGNING_SCHEME: 'standard',
    };
    assert.throws(
      () => readSettings(env),
      (err: Error) =>
        readFileSync(path.join(ROOT, 'docs/guides/secrets.md'), 'utf8').includes(
          `webhook-stress-pack: ${err.message}\n`,
        ),
    );
  });

  it('rejects an unknown signing scheme and a malformed number, naming the variable', () => {
    assert.throws(() => readSettings({ SIGNING_SCHEME: 'md5' }), /SIGNING_SCHEME="md5" is not one of plain/);
    assert.throws(() => readRateLimitSettings({ RATE_LIMIT_PER_SECOND: 'ten' }), /RATE_LIMIT_PER_SECOND="ten"/);
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
    assert.deepEqual(readHostileSettings({}), { staleAgeS: 600, oversizedBytes: 1024 * 1024 + 1, statuses: {} });
    assert.deepEqual(readContractSettings({}), { contentType: 'json', idField: undefined });
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
    assert.throws(
      () => readHostileSettings({ HOSTILE_STATUS: 'forged_sig=200' }),
      /HOSTILE_STATUS entry "forged_sig=200"/,
    );
    assert.throws(
      () => readHostileSettings({ HOSTILE_STALE_AGE_S: '0' }),
      /HOSTILE_STALE_AGE_S="0" must be greater than 0/,
    );
  });

  it('SENDER_TIMEOUT_S: 3 s by default, a positive number of seconds', () => {
    assert.equal(readSettings({}).senderTimeoutS, 3);
    assert.equal(readSettings({ SENDER_TIMEOUT_S: '15' }).senderTimeoutS, 15);
    assert.throws(() => readSettings({ SENDER_TIMEOUT_S: '0' }), /SENDER_TIMEOUT_S="0" must be greater than 0/);
    assert.throws(() => readSettings({ SENDER_TIMEOUT_S: '3s' }), /SENDER_TIMEOUT_S="3s" is not a non-negative number/);
  });

  it('REPROCESS_AFTER_TTL: true (the guide) by default, true or false only', () => {
    assert.equal(readIdempotencySettings({}).reprocessAfterTtl, true);
    assert.equal(readIdempotencySettings({ REPROCESS_AFTER_TTL: 'false' }).reprocessAfterTtl, false);
    assert.throws(
      () => readIdempotencySettings({ REPROCESS_AFTER_TTL: 'no' }),
      /REPROCESS_AFTER_TTL="no" is not true or false/,
    );
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
