// Bad input ends the run before load with one line that says what is wrong and what to do,
// a non-zero exit, and no secret in the output.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type RunningTarget, startTarget } from '../../target/launch.ts';
import { runScenario } from '../helpers/artillery.ts';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 1;
}

function packErrors(output: string): string[] {
  return output.split('\n').filter((line) => /^(webhook-stress-pack|server-monitor): /.test(line));
}

let target: RunningTarget;
before(async () => {
  target = await startTarget();
});
after(async () => target.stop());

describe('clear errors', () => {
  it('unreachable target: the monitor finds nothing listening on its port', async () => {
    const port = await closedPort();
    const run = await runScenario('rate-limit', `http://127.0.0.1:${port}`);
    assert.equal(run.code, 2);
    assert.deepEqual(packErrors(run.output), [
      `server-monitor: no process on this machine listens on port ${port}; start the server or set the monitor's pid`,
    ]);
  });

  it('unreachable target with the monitor off: provisioning says so', async () => {
    const port = await closedPort();
    const run = await runScenario('rate-limit', `http://127.0.0.1:${port}`, { SERVER_MONITOR: 'off' });
    assert.equal(run.code, 2);
    assert.deepEqual(packErrors(run.output), [
      `webhook-stress-pack: cannot reach http://127.0.0.1:${port} (ECONNREFUSED): start the server, or point the pack at it with --target URL or BASE_URL`,
    ]);
  });

  it('wrong credentials, with the password kept out of the output', async () => {
    const run = await runScenario('rate-limit', target.url, { AUTH_PASSWORD: 'Sup3r-S3cret-Pw' });
    assert.notEqual(run.code, 0);
    assert.equal(packErrors(run.output).length, 1);
    assert.match(
      packErrors(run.output)[0] ?? '',
      /login as trader@example.com .* refused \(HTTP 401\): check AUTH_EMAIL/,
    );
    assert.doesNotMatch(run.output, /Sup3r-S3cret-Pw/);
  });

  it('a token without its secret', async () => {
    const run = await runScenario('rate-limit', target.url, { WEBHOOK_TOKEN: 'abc', WEBHOOK_SECRET: '' });
    assert.notEqual(run.code, 0);
    assert.match(packErrors(run.output).join('\n'), /WEBHOOK_TOKEN has 1 value\(s\) but WEBHOOK_SECRET has 0/);
  });

  it('an unknown signing scheme', async () => {
    const run = await runScenario('rate-limit', target.url, { SIGNING_SCHEME: 'rot13' });
    assert.notEqual(run.code, 0);
    assert.match(packErrors(run.output).join('\n'), /SIGNING_SCHEME="rot13" is not one of plain, github/);
  });

  it('wrong webhook credentials from the environment fail the auth gate, secret not shown', async () => {
    const run = await runScenario('rate-limit', target.url, {
      WEBHOOK_TOKEN: 'unknown-token',
      WEBHOOK_SECRET: 'Wr0ng-Webhook-Secret',
    });
    assert.equal(run.code, 1);
    assert.equal(run.counters['webhook.not_found'], 20);
    assert.doesNotMatch(run.output, /Wr0ng-Webhook-Secret/);
  });
});
