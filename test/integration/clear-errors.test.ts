// Bad input ends the run before load with one line that says what is wrong and what to do,
// a non-zero exit, and no secret in the output; a verdict that cannot be written fails the run.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileStamp } from 'webhook-stress-common';
import { freePort, processedCountEnv, ROOT, type RunningTarget, startTarget } from '../../reference-server/launch.ts';
import { runArtillery } from '../../scripts/lib/artillery-cli.ts';
import { runScenario } from '../helpers/artillery.ts';

function packErrors(output: string): string[] {
  return output.split('\n').filter((line) => /^(webhook-stress-pack|server-monitor): /.test(line));
}

let target: RunningTarget;

/** The reference target's own gauge of the webhooks that exist (a missing gauge fails the test). */
async function liveWebhooks(): Promise<number> {
  const text = await (await fetch(`${target.url}/metrics`)).text();
  const match = /^webhook_webhooks_live (\d+)$/m.exec(text);
  assert.ok(match, 'the reference target exposes webhook_webhooks_live');
  return Number(match[1]);
}

before(async () => {
  target = await startTarget();
});
after(async () => target.stop());

/** A scenario of the test's own, with its plugins listed in the given order. */
function scenarioWithPlugins(plugins: string[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'pack-order-'));
  const file = path.join(dir, 'order.yml');
  const listed = plugins.map((p) => `    ${p}: {}`).join('\n');
  writeFileSync(
    file,
    `config:\n  target: ${target.url}\n  plugins:\n${listed}\n  ensure:\n    conditions:\n      - expression: vusers.failed == 0\n  phases:\n    - arrivalCount: 1\n      duration: 1\nscenarios:\n  - flow:\n      - get:\n          url: /health\n`,
  );
  return file;
}

describe('clear errors', () => {
  for (const [plugins, line] of [
    [
      ['verdict', 'ensure', 'server-monitor'],
      /^server-monitor: it is listed after ensure in config\.plugins \(verdict, ensure, server-monitor\); list server-monitor before ensure/m,
    ],
    [['server-monitor', 'verdict'], /^verdict: ensure is not in config\.plugins; add `ensure: \{\}`/m],
  ] as const) {
    it(`plugins listed as ${plugins.join(', ')}: one line at start, exit 2, no report`, async () => {
      const file = scenarioWithPlugins([...plugins]);
      const reportsDir = path.dirname(file);
      let output = '';
      const code = await runArtillery(file, {
        env: { REPORTS_DIR: reportsDir },
        onOutput: (chunk) => {
          output += chunk;
        },
      });
      try {
        assert.equal(code, 2, output);
        assert.match(output, line);
        assert.deepEqual(readdirSync(reportsDir), ['order.yml']);
      } finally {
        rmSync(reportsDir, { recursive: true, force: true });
      }
    });
  }

  it('unreachable target: the monitor finds nothing listening on its port', async () => {
    const port = await freePort();
    const run = await runScenario('rate-limit', `http://127.0.0.1:${port}`);
    assert.equal(run.code, 2);
    assert.deepEqual(packErrors(run.output), [
      `server-monitor: no process on this machine listens on port ${port}; start the server or set the monitor's pid`,
    ]);
  });

  it('unreachable target with the monitor off: provisioning says so', async () => {
    const port = await freePort();
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

  // The guard for targets that are not yours: `.invalid` never resolves, so even a guard that
  // failed to hold would send nothing off this machine; SERVER_MONITOR off, nothing to sample.
  it("hostile traffic and provisioning to a target that is not this machine nor the profile's: exit 2, one line", async () => {
    const remote = 'http://receiver.invalid:8000';
    const hostile = await runScenario('hostile', remote, {
      SERVER_MONITOR: 'off',
      WEBHOOK_TOKEN: 't',
      WEBHOOK_SECRET: 's',
    });
    assert.equal(hostile.code, 2, hostile.output);
    assert.match(
      packErrors(hostile.output).join('\n'),
      /^webhook-stress-pack: refusing hostile requests to http:\/\/receiver\.invalid:8000, .* set ALLOW_REMOTE_TARGET=http:\/\/receiver\.invalid:8000$/m,
    );
    const burst = await runScenario('burst', remote, { SERVER_MONITOR: 'off' });
    assert.equal(burst.code, 2, burst.output);
    assert.match(
      packErrors(burst.output).join('\n'),
      /refusing creating \(and deleting\) webhooks to http:\/\/receiver\.invalid:8000/,
    );
    // This machine is always allowed, whatever target the profile names.
    assert.deepEqual(
      packErrors((await runScenario('preflight', target.url, { PROFILE_TARGET: remote })).output).filter((l) =>
        /refusing/.test(l),
      ),
      [],
    );
  });

  it('an unknown signing scheme', async () => {
    // A temp folder of the run's own: other test files' runs record their requests beside it.
    const runTmp = mkdtempSync(path.join(tmpdir(), 'pack-tmp-'));
    try {
      const run = await runScenario('rate-limit', target.url, { SIGNING_SCHEME: 'rot13', TMPDIR: runTmp });
      assert.notEqual(run.code, 0);
      assert.match(packErrors(run.output).join('\n'), /SIGNING_SCHEME="rot13" is not one of plain, github/);
      // The per-request record the verdict plugin started is removed too: no litter in the temp folder.
      assert.deepEqual(
        readdirSync(runTmp).filter((f) => f.startsWith('webhook-requests-')),
        [],
      );
    } finally {
      rmSync(runTmp, { recursive: true, force: true });
    }
  });

  // A configuration problem is found before load and is a configuration error, never a verdict.
  for (const { title, env, line } of [
    {
      title: 'an unreachable processed counter',
      env: (port: number) => ({
        PROCESSED_COUNT_URL: `http://127.0.0.1:${port}/metrics?key=Pr0cessed-Key`,
        PROCESSED_COUNT_METRIC: 'webhook_orders_processed_total',
      }),
      line: (port: number) =>
        `webhook-stress-pack: processed count: cannot read http://127.0.0.1:${port}/metrics: ECONNREFUSED; check PROCESSED_COUNT_URL`,
    },
    {
      title: 'a JSON path the counter does not answer',
      env: () => ({ PROCESSED_COUNT_URL: `${target.url}/health`, PROCESSED_COUNT_JSON_PATH: 'stats.processed' }),
      line: () =>
        `webhook-stress-pack: processed count: ${target.url}/health: the JSON answer has no "stats.processed" (missing "stats"); check PROCESSED_COUNT_JSON_PATH`,
    },
    {
      title: 'a counter URL that answers something else than its format',
      env: () => ({ PROCESSED_COUNT_URL: `${target.url}/metrics`, PROCESSED_COUNT_JSON_PATH: 'processed' }),
      line: () =>
        `webhook-stress-pack: processed count: ${target.url}/metrics: the answer is not JSON (starts with "# TYPE process_resident_memory_bytes gau"); check PROCESSED_COUNT_JSON_PATH`,
    },
  ]) {
    it(`${title}: one line, exit 2 before any load, no verdict, no webhook left`, async () => {
      const port = await freePort();
      const live = await liveWebhooks();
      const run = await runScenario('burst', target.url, env(port));
      assert.equal(run.code, 2, run.output);
      assert.deepEqual(packErrors(run.output), [line(port)]);
      assert.equal(run.verdict, undefined, 'no verdict: no load was sent');
      assert.doesNotMatch(run.output, /INVALID|FAIL|Pr0cessed-Key/);
      assert.equal(await liveWebhooks(), live, 'the counter is read before any webhook is created');
    });
  }

  it('given fewer webhooks than a scenario spreads its load over: one line, exit 2, no verdict', async () => {
    const run = await runScenario('noisy-neighbour', target.url, {
      WEBHOOK_TOKEN: 'tok1',
      WEBHOOK_SECRET: 'Sec1-Value',
    });
    assert.equal(run.code, 2, run.output);
    assert.deepEqual(packErrors(run.output), [
      'webhook-stress-pack: this scenario spreads its load over 5 webhooks (webhookPool) but WEBHOOK_TOKEN gives 1: each would be sent past its rate limit; give 5 comma-separated WEBHOOK_TOKEN and WEBHOOK_SECRET values, or unset both so the pack creates them (a receiver without a per-webhook limit: --variables \'{"webhookPool": 1}\')',
    ]);
    assert.equal(run.verdict, undefined);
    assert.doesNotMatch(run.output, /Sec1-Value/);
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

describe('a secret the signing scheme cannot use: one line, exit 2, before any load, the secret never shown', () => {
  const notBase64 = 'Plain-Text-Secret-42';
  const tooShort = `whsec_${Buffer.from('sixteen byte key').toString('base64')}`;

  it('WEBHOOK_SECRET that is not base64, SIGNING_SCHEME=standard', async () => {
    const run = await runScenario('hostile', target.url, {
      WEBHOOK_TOKEN: 'abc',
      WEBHOOK_SECRET: notBase64,
      SIGNING_SCHEME: 'standard',
    });
    assert.equal(run.code, 2, run.output);
    assert.deepEqual(packErrors(run.output), [
      "webhook-stress-pack: WEBHOOK_SECRET cannot be used with SIGNING_SCHEME=standard: it is not standard base64 after the optional whsec_ prefix: it has characters outside A-Z a-z 0-9 + / (URL-safe - and _, spaces and = inside are refused by the official library too); set it to the endpoint's signing secret as the sender shows it (whsec_ then base64 of 24 to 64 bytes), or SIGNING_SCHEME to the scheme your receiver verifies (the secret is not shown)",
    ]);
    assert.equal(run.counters['webhook.sent'] ?? 0, 0, 'no load');
    assert.doesNotMatch(run.output, /Plain-Text-Secret-42/);
  });

  /** A server whose login works and whose created webhooks carry a 16-byte Standard Webhooks secret. */
  async function shortSecretServer(): Promise<{ url: string; hits: string[]; close(): void }> {
    const hits: string[] = [];
    const server = createServer((req, res) => {
      hits.push(`${req.method} ${req.url}`);
      req.resume();
      res.writeHead(req.url === '/api/v1/auth/login' ? 200 : 201, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(req.url === '/api/v1/auth/login' ? { access_token: 'at' } : { token: 'tok', secret: tooShort }),
      );
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { url, hits, close: () => server.close() };
  }
  const provisioned =
    'the webhook secret created at /api/v1/webhooks/ (field "secret") cannot be used with SIGNING_SCHEME=standard: it decodes to 16 bytes; the Standard Webhooks spec wants 24 to 64; check that WEBHOOK_SECRET_FIELD names the signing secret and SIGNING_SCHEME the scheme the server verifies (the secret is not shown)';

  it('a secret the server provisioned, in a scenario', async () => {
    const server = await shortSecretServer();
    try {
      const run = await runScenario('hostile', server.url, { SIGNING_SCHEME: 'standard', SERVER_MONITOR: 'off' });
      assert.equal(run.code, 2, run.output);
      assert.deepEqual(packErrors(run.output), [`webhook-stress-pack: ${provisioned}`]);
      assert.deepEqual(server.hits, ['POST /api/v1/auth/login', 'POST /api/v1/webhooks/'], 'nothing sent to a webhook');
      assert.ok(!run.output.includes(tooShort));
    } finally {
      server.close();
    }
  });

  it('a secret the server provisioned, in npm run stress (provisioned once for the suite)', async () => {
    const server = await shortSecretServer();
    try {
      const dir = mkdtempSync(path.join(tmpdir(), 'suite-secret-'));
      const child = spawn(
        process.execPath,
        ['scripts/stress.ts', '--target', server.url, '--scheme', 'standard', '--reports-dir', dir],
        { cwd: ROOT, env: { ...process.env, SERVER_MONITOR: 'off' }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let output = '';
      child.stdout.on('data', (c: Buffer) => {
        output += c.toString();
      });
      child.stderr.on('data', (c: Buffer) => {
        output += c.toString();
      });
      const [code] = (await once(child, 'close')) as [number | null];
      rmSync(dir, { recursive: true, force: true });
      assert.equal(code, 2, output);
      assert.deepEqual(output.trim().split('\n'), [`stress: ${provisioned}`]);
      // One webhook was created before its secret was seen: no scenario ran.
      assert.deepEqual(server.hits, ['POST /api/v1/auth/login', 'POST /api/v1/webhooks/']);
    } finally {
      server.close();
    }
  });
});

describe('exit code integrity: reports that cannot be written fail the run with one line', () => {
  const cases = [
    { title: 'every gate passed', oracle: true, gates: 'Gates: 6 passed, 0 failed', code: 2 },
    { title: 'a gate failed', oracle: false, gates: 'Gates: 5 passed, 1 failed', code: 1 },
  ];
  for (const { title, oracle, gates, code: expectedCode } of cases) {
    it(title, async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'pack-unwritable-'));
      // The monitor can write there, but every name the HTML report could take in the next
      // 3 minutes is already a folder. (Tests run as root, where a read-only mode stops nothing.)
      for (let s = -5; s < 180; s++) {
        mkdirSync(path.join(dir, `idempotency-${fileStamp(new Date(Date.now() + s * 1000))}.html`));
      }
      let output = '';
      const code = await runArtillery('scenarios/idempotency.yml', {
        target: target.url,
        env: { ...(oracle ? processedCountEnv(target.url) : {}), REPORTS_DIR: dir },
        onOutput: (chunk) => {
          output += chunk;
        },
      }).finally(() => rmSync(dir, { recursive: true, force: true }));
      assert.ok(output.includes(gates), output);
      const lines = output.split('\n').filter((line) => line.startsWith('verdict: '));
      assert.equal(lines.length, 1, output);
      assert.match(
        lines[0] ?? '',
        /^verdict: cannot write reports to \S+pack-unwritable-\w+: EISDIR; check REPORTS_DIR$/,
      );
      assert.equal(code, expectedCode, output);
    });
  }

  it('a reports folder that cannot exist (its parent is a file): every writer says so in one line, no stack trace', async () => {
    const parent = mkdtempSync(path.join(tmpdir(), 'pack-notadir-'));
    const file = path.join(parent, 'file');
    writeFileSync(file, 'not a folder');
    let output = '';
    const code = await runArtillery('scenarios/idempotency.yml', {
      target: target.url,
      env: { ...processedCountEnv(target.url), REPORTS_DIR: path.join(file, 'reports') },
      onOutput: (chunk) => {
        output += chunk;
      },
    }).finally(() => rmSync(parent, { recursive: true, force: true }));
    assert.equal(code, 2, output);
    const lines = output.split('\n').filter((line) => /^(server-monitor|verdict): /.test(line));
    assert.deepEqual(
      lines.map((line) => line.replace(/ .*/, '')),
      ['server-monitor:', 'server-monitor:', 'verdict:'],
      output,
    );
    for (const line of lines) assert.match(line, /ENOTDIR; check REPORTS_DIR/);
    assert.doesNotMatch(output, /^\s+at /m, 'no stack trace');
  });
});
