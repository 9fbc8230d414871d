// No credential appears in anything a run prints or writes (README "Secrets"): every scenario
// under the schemes that send the secret, every scheme under the scenarios that print requests
// (see SENDS_THE_SECRET below), and one `npm run stress -- --generators 2` run, against the
// reference target with provisioning. The login password is ours; the session tokens, webhook
// tokens and secrets are the ones the target issued (it records them with --record-issued).
// Scanned: every console line, every file of the reports folder (verdict JSON, HTML, JUnit,
// health report, monitor log, trend index; the per-request record is binary and lives in the
// HTML's charts) and the --output JSON. Both scenarios with expect checks fail one on purpose,
// so the pack's own failure lines are scanned too.
// It shares the integration lane with other files, so it keeps two of its runs going at once
// (a run idles about half its time): more would starve a neighbour's timing-sensitive runs.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { maskSecrets } from 'webhook-stress-common';
import { SIGNING_SCHEMES } from '../../processors/lib/signing.ts';
import { processedCountEnv, ROOT, type RunningTarget, startTarget } from '../../reference-server/launch.ts';
import { loadRegistry } from '../../scripts/lib/registry.ts';
import { runScenario } from '../helpers/artillery.ts';
import { runNode } from '../helpers/node-child.ts';

// Shortened: a credential leaks through what a run prints and writes, not through how long it runs.
const SHORT: Record<string, { config: object }> = {
  hft: { config: { phases: [{ arrivalCount: 5, duration: 1 }] } },
  sustained: { config: { phases: [{ arrivalRate: 5, duration: 1 }] } },
  'memory-leak': { config: { phases: [{ arrivalCount: 10, duration: 1 }] } },
  'noisy-neighbour': { config: { phases: [{ arrivalRate: 12, duration: 1 }] } },
  retries: { config: { variables: { retrySchedule: '0,0' } } },
};
// Runs at once, beside the lane's other files (see above); this test judges no timing.
const CONCURRENT_RUNS = 2;
// A leak of this many consecutive characters of a credential counts (random hex: never by chance).
const WINDOW = 16;
const PASSWORD = `scanPw${randomBytes(12).toString('hex')}`;

interface Scanned {
  /** What the place is called in a failure message: run, then file or "console". */
  place: string;
  text: string;
}

interface Credential {
  kind: 'password' | 'session' | 'webhook token' | 'webhook secret';
  value: string;
}

const dir = mkdtempSync(path.join(tmpdir(), 'secret-scan-'));
const issuedFile = path.join(dir, 'issued.jsonl');
let target: RunningTarget;
let suite: string[];
before(async () => {
  suite = (await loadRegistry()).map((s) => s.name);
  target = await startTarget(['--password', PASSWORD, '--record-issued', issuedFile, '--idempotency-ttl-ms', '200']);
});
after(async () => {
  await target.stop();
  rmSync(dir, { recursive: true, force: true });
});

function env(scheme: string): Record<string, string> {
  return {
    // Node's compile cache: each of the ~90 artillery processes loads the same modules (a fifth less CPU).
    NODE_COMPILE_CACHE: path.join(dir, 'compile-cache'),
    SIGNING_SCHEME: scheme,
    AUTH_PASSWORD: PASSWORD,
    IDEMPOTENCY_TTL_MS: '200',
    DELETE_WEBHOOK_PATH: '/api/v1/webhooks/{token}',
    ...processedCountEnv(target.url),
    // The idempotency repeats' expect check on the header (named as the evidence) fails: its
    // failure lines are scanned too.
    REPLAY_EVIDENCE: 'header',
    REPLAY_HEADER: 'x-scan-no-such-header',
  };
}

function filesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const file = path.join(folder, name);
    return statSync(file).isDirectory() ? filesUnder(file) : [file];
  });
}

function scannedFiles(run: string, folder: string): Scanned[] {
  return filesUnder(folder).map((file) => ({
    place: `${run} ${path.relative(folder, file)}`,
    text: readFileSync(file, 'utf8'),
  }));
}

function issuedCredentials(): Credential[] {
  const lines = readFileSync(issuedFile, 'utf8').trim().split('\n');
  const issued = lines.map((line) => JSON.parse(line) as { session?: string; token?: string; secret?: string });
  return [
    { kind: 'password', value: PASSWORD },
    ...issued.flatMap((i): Credential[] =>
      i.session
        ? [{ kind: 'session', value: i.session }]
        : [
            { kind: 'webhook token', value: i.token ?? '' },
            { kind: 'webhook secret', value: i.secret ?? '' },
          ],
    ),
  ];
}

/** Every WINDOW-long piece of every credential, as written and URL-encoded, to the credential it belongs to. */
function windowsOf(credentials: Credential[]): Map<string, Credential> {
  const windows = new Map<string, Credential>();
  for (const credential of credentials)
    for (const form of new Set([credential.value, encodeURIComponent(credential.value)]))
      for (let i = 0; i + WINDOW <= form.length; i++) windows.set(form.slice(i, i + WINDOW), credential);
  return windows;
}

/** Each place holding a piece of a credential, as a line with the credentials masked (this output is a CI log too). */
function leaks(scanned: Scanned[], credentials: Credential[]): string[] {
  const windows = windowsOf(credentials);
  const secrets = credentials.map((c) => c.value);
  const found: string[] = [];
  for (const { place, text } of scanned) {
    // Credentials are letters, digits and . _ + / = - (asserted below), and % in a URL-encoded
    // form: a leak lies within such a run.
    for (const match of text.matchAll(/[A-Za-z0-9._+/=%-]{16,}/g)) {
      const run = match[0];
      for (let i = 0; i + WINDOW <= run.length; i++) {
        const credential = windows.get(run.slice(i, i + WINDOW));
        if (!credential) continue;
        const lineStart = text.lastIndexOf('\n', match.index) + 1;
        const lineEnd = text.indexOf('\n', match.index);
        const line = text.slice(lineStart, lineEnd < 0 ? undefined : lineEnd).slice(0, 300);
        found.push(`${credential.kind} in ${place}: ${maskSecrets(line, secrets)}`);
        break;
      }
    }
  }
  return found;
}

/** What a run left to scan, and the check that it did what is scanned. */
interface ScanJob {
  scanned: Scanned[];
  check(): void;
}

/** Runs `jobs` at most `limit` at a time. */
async function inPool<T>(jobs: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const lane = async () => {
    for (let index = next++; index < jobs.length; index = next++)
      results[index] = await (jobs[index] as () => Promise<T>)();
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, lane));
  return results;
}

// Where a credential travels depends on the scheme, not on the scenario: query and body-secret
// send the secret itself (in the URL, in the body), so every scenario runs under both, and the
// webhook token, in every request's path under every scheme, is scanned there too. The HMAC
// schemes never send the secret, only a signature under a header of their own: each of them runs
// under the scenarios that print requests and answers (preflight and idempotency through expect's
// checks, hostile through its forged and malformed requests): 44 runs instead of every pair (104).
const SENDS_THE_SECRET = new Set(['query', 'body-secret']);
const PRINTS_REQUESTS = new Set(['preflight', 'idempotency', 'hostile']);

function scanned(scenario: string, scheme: string): boolean {
  return SENDS_THE_SECRET.has(scheme) || PRINTS_REQUESTS.has(scenario);
}

/** One scenario under one scheme, by the real artillery CLI; it provisions its own webhooks. */
function scenarioRun(scenario: string, scheme: string): () => Promise<ScanJob> {
  return async () => {
    const name = `${scenario}/${scheme}`;
    const short = SHORT[scenario];
    const overrides = { ...short, config: { ...short?.config } };
    // The preflight's contract check fails (a field the target never answers): its failure line is scanned.
    const contract: Record<string, string> = scenario === 'preflight' ? { RESPONSE_ID_FIELD: 'no_such_field' } : {};
    // Two 1-second steps of its ramp (50/s, 100/s): what is scanned is what it prints, not how far it goes.
    if (scenario === 'capacity') Object.assign(contract, { CAPACITY_MAX_RPS: '100', CAPACITY_STEP_S: '1' });
    const run = await runScenario(
      scenario,
      target.url,
      { ...env(scheme), ...contract },
      { overrides: JSON.stringify(overrides) },
    );
    return {
      scanned: [{ place: `${name} console`, text: run.output }, ...scannedFiles(name, run.reportsDir)],
      check() {
        const sent = (run.counters['webhook.sent'] ?? 0) + (run.counters['order.late_sent'] ?? 0);
        assert.ok(sent > 0, `${name} sent signed signals:\n${run.output}`);
        if (scenario === 'preflight') assert.match(run.output, /expect: contract: not ok hasProperty/, name);
        if (scenario === 'idempotency') assert.match(run.output, /expect: repeat: not ok header/, name);
      },
    };
  };
}

/** `npm run stress -- --generators 2`: the suite runner provisions once and prints each generator's lines as [gN]. */
async function scaledOutSuite(): Promise<ScanJob> {
  const folder = path.join(dir, 'stress');
  const args = ['scripts/stress.ts', '--generators', '2', '--scheme', 'query', '--only', 'preflight,burst,idempotency'];
  const { output } = await runNode([...args, '--target', target.url, '--reports-dir', folder, '--cool-down', '0'], {
    cwd: ROOT,
    env: { ...process.env, WEBHOOK_STRESS_PROFILE: 'off', ...env('query') } as Record<string, string>,
  });
  return {
    scanned: [
      { place: 'stress --generators 2 console', text: output },
      ...scannedFiles('stress --generators 2', folder),
    ],
    check() {
      assert.match(output, /\[g1\] /, `the generators printed through the suite runner:\n${output}`);
      assert.match(output, /Suite summary/, output);
    },
  };
}

describe('no credential in any console line, report or output file', () => {
  it(`every scenario under the schemes that send the secret, every scheme under the scenarios that print requests, and npm run stress -- --generators 2`, async () => {
    const started = Date.now();
    const matrix = SIGNING_SCHEMES.flatMap((scheme) =>
      suite.filter((scenario) => scanned(scenario, scheme)).map((scenario) => scenarioRun(scenario, scheme)),
    );
    const jobs = await inPool([scaledOutSuite, ...matrix], CONCURRENT_RUNS);
    console.log(`secret scan: ${jobs.length} runs in ${Math.round((Date.now() - started) / 1000)} s`);
    for (const job of jobs) job.check();

    const credentials = issuedCredentials();
    const sessions = credentials.filter((c) => c.kind === 'session').length;
    assert.ok(sessions >= jobs.length, `every run logged in (${sessions} sessions for ${jobs.length} runs)`);
    for (const c of credentials) assert.match(c.value, /^[A-Za-z0-9._+/=-]{16,}$/, `${c.kind}: the scan's alphabet`);
    // The scan finds what it looks for: each issued credential in the target's record, and both in the line expect printed.
    const record = readFileSync(issuedFile, 'utf8');
    assert.equal(leaks([{ place: 'record', text: record }], credentials).length, credentials.length - 1);
    const token = credentials.find((c) => c.kind === 'webhook token')?.value;
    const secret = credentials.find((c) => c.kind === 'webhook secret')?.value;
    const expectLine = `* POST /api/v1/webhooks/${token}?secret=${secret}`;
    assert.equal(leaks([{ place: 'expect line', text: expectLine }], credentials).length, 2);

    const found = leaks(
      jobs.flatMap((job) => job.scanned),
      credentials,
    );
    assert.deepEqual(found, [], `${found.length} leak(s):\n${found.slice(0, 20).join('\n')}`);
  });
});
