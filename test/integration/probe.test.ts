// npm run probe against receivers: the reference target (a contract the pack knows) and a receiver
// on the official Standard Webhooks library (no pack code: it verifies with `standardwebhooks`,
// deduplicates by webhook-id, answers a constant body). The profile the probe writes must drive the
// scenarios to a measured PASS with nothing else typed, hold no secret, and the probe must leave
// no webhook behind. Bad input: one line, exit 2, no request.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { freePort, listeningUrl, ROOT, type RunningTarget, startTarget } from '../../reference-server/launch.ts';
import { failedGates, runJudgedScenario } from '../helpers/artillery.ts';
import { probe, probeDirs, values } from '../helpers/probe.ts';

after(() => {
  for (const d of probeDirs) rmSync(d, { recursive: true, force: true });
});

describe('probe: the reference target', () => {
  let target: RunningTarget;
  it('finds its contract, writes a profile without secrets, deletes its webhook', async () => {
    target = await startTarget();
    const run = await probe(['--target', target.url]);
    assert.equal(run.code, 0, run.output);
    const v = values(run.profile);
    assert.equal(v.PROFILE_TARGET, target.url);
    assert.equal(v.PROCESSED_COUNT_METRIC, 'webhook_orders_processed_total', run.output);
    assert.equal(v.PROCESSED_COUNT_URL, `${target.url}/metrics`);
    assert.equal(v.RATE_LIMIT_PER_SECOND, '10');
    assert.equal(v.DELETE_WEBHOOK_PATH, '/api/v1/webhooks/{token}');
    assert.match(v.REPLAY_EVIDENCE ?? '', /header/);
    // The target verifies all eight schemes: the probe says it cannot tell them apart.
    assert.match(run.output, /^signing scheme +plain or github or .* \[likely\]$/m);
    assert.match(run.output, /^processed counter +webhook_orders_processed_total +\[sure\]$/m);
    assert.match(run.output, /^idempotency window +between \d+ and \d+ ms/m);
    // No secret, token or session anywhere: the probe's webhook is masked in every evidence line.
    assert.doesNotMatch(run.profile, /^(WEBHOOK_SECRET|WEBHOOK_TOKEN|AUTH_PASSWORD)=/m);
    assert.doesNotMatch(run.output, /stress-test-password/);
    assert.match(run.output, /POST \/api\/v1\/webhooks\/\[redacted\]/);
    const live = /^webhook_webhooks_live (\d+)$/m.exec(await (await fetch(`${target.url}/metrics`)).text());
    assert.equal(live?.[1], '0', 'the probe deleted the webhook it created');

    // The profile alone makes burst and idempotency measured, and they pass.
    for (const scenario of ['burst', 'idempotency']) {
      const judged = await runJudgedScenario(scenario, undefined, { WEBHOOK_STRESS_PROFILE: run.file });
      assert.deepEqual(failedGates(judged), [], `${scenario}\n${judged.output.slice(-1500)}`);
      assert.equal(judged.code, 0);
    }
    await target.stop();
  });
});

const SECRET = `whsec_${Buffer.from('probe-test-key-of-thirty-two-byte').toString('base64')}`;

async function startStandardReceiver(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'test/fixtures/standard-webhooks-receiver.ts'), '--secret', SECRET, '--retention-ms', '1200'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return { url: await listeningUrl(child, 'receiver'), child };
}

describe('probe: a receiver on the official standardwebhooks library', () => {
  it('finds the standard scheme, its executed counter, that its body is no evidence, and its window', async () => {
    const receiver = await startStandardReceiver();
    const given = { WEBHOOK_TOKEN: 'trader1', WEBHOOK_SECRET: SECRET, WEBHOOK_PATH: '/webhooks/{token}' };
    try {
      const run = await probe(['--target', receiver.url, '--skip', 'limit'], given);
      assert.equal(run.code, 0, run.output);
      const v = values(run.profile);
      assert.equal(v.SIGNING_SCHEME, 'standard', run.output);
      assert.match(run.output, /^signing scheme +standard +\[sure\]$/m);
      assert.equal(v.PROCESSED_COUNT_METRIC, 'webhook_events_executed_total', run.output);
      assert.equal(v.REPLAY_EVIDENCE, undefined, 'a constant body marks nothing');
      assert.match(run.output, /^replay marking +none: every acceptance answers the same body +\[undetermined\]$/m);
      assert.equal(v.IDEMPOTENCY_TTL_MS, '1500', run.output);
      assert.equal(v.WEBHOOK_PATH, '/webhooks/{token}');
      assert.doesNotMatch(`${run.profile}\n${run.output}`, new RegExp(SECRET.slice(6, 30)));

      // With the secrets given again, the profile alone measures burst on the library's receiver.
      const burst = await runJudgedScenario('burst', undefined, {
        WEBHOOK_STRESS_PROFILE: run.file,
        WEBHOOK_TOKEN: 'trader1',
        WEBHOOK_SECRET: SECRET,
      });
      assert.deepEqual(failedGates(burst), [], burst.output.slice(-1500));
      assert.equal(burst.counters['webhook.executions'], 1);
    } finally {
      receiver.child.kill('SIGTERM');
      await once(receiver.child, 'exit');
    }
  });
});

describe('probe: bad input is one line and exit 2, before any request', () => {
  it('no target, a remote target, an unreachable one, a profile it did not write', async () => {
    const none = await probe([]);
    assert.equal(none.code, 2);
    assert.equal(
      none.output.trim(),
      'probe: give the receiver to probe: npm run probe -- --target http://127.0.0.1:8000',
    );

    const remote = await probe(['--target', 'http://receiver.invalid:8000']);
    assert.equal(remote.code, 2);
    assert.match(
      remote.output.trim(),
      /^probe: refusing probing .* set ALLOW_REMOTE_TARGET=http:\/\/receiver\.invalid:8000$/,
    );

    const closedPort = await freePort();
    const closed = await probe(['--target', `http://127.0.0.1:${closedPort}`]);
    assert.equal(closed.code, 2);
    assert.match(
      closed.output.trim(),
      new RegExp(`^probe: cannot reach http://127\\.0\\.0\\.1:${closedPort} \\(ECONNREFUSED\\): start the server`),
    );
    assert.equal(closed.profile, '', 'nothing written');

    const dir = mkdtempSync(path.join(tmpdir(), 'pack-probe-own-'));
    probeDirs.push(dir);
    const mine = path.join(dir, 'mine.profile');
    writeFileSync(mine, 'SIGNING_SCHEME=github\n');
    const kept = await probe(['--target', `http://127.0.0.1:${closedPort}`, '--out', mine]);
    assert.equal(kept.code, 2);
    assert.match(
      kept.output.trim(),
      /^probe: .*mine\.profile exists and was not written by the probe: give --out FILE, or --force/,
    );
    assert.equal(readFileSync(mine, 'utf8'), 'SIGNING_SCHEME=github\n');
  });
});
