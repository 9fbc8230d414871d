import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maskSecrets, REDACTED } from 'webhook-stress-common';

const token = 'e42f8114ece896ed73132749bf33a598';
const secret = 'f6a898413c8e49ba9bf75add3cf19b93da5c8a8080b6f5e935cdd942d6c9a540';

describe('maskSecrets', () => {
  it('masks a known token in a URL path and any query value', () => {
    const line = `* POST /api/v1/webhooks/${token}?secret=${secret}&v=2`;
    assert.equal(maskSecrets(line, [token]), `* POST /api/v1/webhooks/${REDACTED}?secret=${REDACTED}&v=${REDACTED}`);
    const url = `http://127.0.0.1:8000/api/v1/webhooks/${token}?secret=${secret}&flag#top`;
    assert.equal(
      maskSecrets(`cannot reach ${url}: ECONNREFUSED`, [token]),
      `cannot reach http://127.0.0.1:8000/api/v1/webhooks/${REDACTED}?secret=${REDACTED}&${REDACTED}#top: ECONNREFUSED`,
    );
  });

  it("masks a URL's user info, keeping its host and path readable", () => {
    assert.equal(
      maskSecrets('cannot reach https://admin:hunter22@example.test/api (ENOTFOUND)', []),
      `cannot reach https://${REDACTED}@example.test/api (ENOTFOUND)`,
    );
  });

  it('masks the URL-encoded, form-encoded and JSON-escaped forms of a secret', () => {
    const password = 'p@ss word/"quoted"';
    for (const form of [encodeURIComponent(password), 'p%40ss+word%2F%22quoted%22', JSON.stringify(password)]) {
      assert.ok(!maskSecrets(`body: ${form}`, [password]).includes('word'), form);
    }
  });

  it('masks a secret that contains another whole, and leaves other text as it was', () => {
    const short = token.slice(0, 16);
    assert.equal(maskSecrets(`a ${token} b ${short} c`, [short, token]), `a ${REDACTED} b ${REDACTED} c`);
    for (const line of ['Gates: 4 passed, 0 failed', 'Report: /tmp/r/preflight.html', 'is it? yes'])
      assert.equal(maskSecrets(line, [token, secret]), line);
  });

  it('ignores undefined, empty and very short values, which would garble every line', () => {
    assert.equal(maskSecrets('a fine line', [undefined, '', 'a', 'ine']), 'a fine line');
  });
});
