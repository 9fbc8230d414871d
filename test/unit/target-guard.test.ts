// The guard for targets that are not yours (packages/common/target-guard.ts): pure, no traffic.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLoopback, targetGuardProblem } from '../../packages/common/target-guard.ts';

const what = 'hostile requests';

describe('target guard', () => {
  it('lets loopback targets through, in every spelling', () => {
    for (const url of ['http://127.0.0.1:8000', 'http://localhost:1', 'http://[::1]:8000/x', 'https://127.3.2.1']) {
      assert.ok(isLoopback(url), url);
      assert.equal(targetGuardProblem({ target: url, what, env: {} }), undefined, url);
    }
  });

  it('refuses a remote target with one line naming the setting that allows it', () => {
    const problem = targetGuardProblem({ target: 'https://hooks.receiver.invalid/base', what, env: {} });
    assert.ok(problem);
    assert.doesNotMatch(problem, /\n/);
    assert.match(problem, /refusing hostile requests to https:\/\/hooks\.receiver\.invalid/);
    assert.match(problem, /ALLOW_REMOTE_TARGET=https:\/\/hooks\.receiver\.invalid$/);
  });

  it("lets the profile's own target through, and ALLOW_REMOTE_TARGET only for the origin it names", () => {
    const target = 'https://hooks.receiver.invalid:8443/api';
    assert.equal(
      targetGuardProblem({ target, what, env: { PROFILE_TARGET: 'https://hooks.receiver.invalid:8443' } }),
      undefined,
    );
    assert.equal(
      targetGuardProblem({ target, what, env: { ALLOW_REMOTE_TARGET: 'https://hooks.receiver.invalid:8443/' } }),
      undefined,
    );
    const other = targetGuardProblem({ target, what, env: { PROFILE_TARGET: 'https://staging.receiver.invalid' } });
    assert.match(other ?? '', /the profile was written for https:\/\/staging\.receiver\.invalid/);
    assert.ok(
      targetGuardProblem({ target, what, env: { ALLOW_REMOTE_TARGET: 'true' } }),
      'a bare "true" names no target',
    );
    assert.ok(
      targetGuardProblem({ target, what, env: { ALLOW_REMOTE_TARGET: 'https://hooks.receiver.invalid' } }),
      'another port is another origin',
    );
  });
});
