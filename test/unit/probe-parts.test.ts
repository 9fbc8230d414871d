// The probe's pure parts: reading counter pages, ranking candidates, its options, its profile text.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { readProfile } from '../../packages/common/profile.ts';
import { rankCandidates, rises } from '../../scripts/lib/probe/counter.ts';
import { finding } from '../../scripts/lib/probe/finding.ts';
import { ProbeOptionError, readProbeOptions } from '../../scripts/lib/probe/probe-options.ts';
import { PROBE_HEADER, profileText } from '../../scripts/lib/probe/profile-text.ts';

describe('probe parts', () => {
  it('rises: a counter new on the second page rose from 0; one gone is not a rise', () => {
    const r = rises(
      new Map([
        ['a', 3],
        ['gone', 1],
      ]),
      new Map([
        ['a', 4],
        ['new', 1],
      ]),
    );
    assert.deepEqual(
      [...r],
      [
        ['a', 1],
        ['new', 1],
      ],
    );
  });

  it('ranks names that sound like work done first', () => {
    assert.deepEqual(rankCandidates(['zz_total', 'orders_placed_total', 'a_total']), [
      'orders_placed_total',
      'a_total',
      'zz_total',
    ]);
  });

  it('options: a target is needed, --skip knows its steps, a foreign profile is never overwritten', () => {
    assert.throws(() => readProbeOptions([], {}), /give the receiver to probe/);
    assert.equal(readProbeOptions([], { BASE_URL: 'http://127.0.0.1:8000/' }).target, 'http://127.0.0.1:8000');
    assert.throws(() => readProbeOptions(['--target', 'x'], {}), ProbeOptionError);
    assert.throws(
      () => readProbeOptions(['--target', 'http://127.0.0.1:1', '--skip', 'scheme'], {}),
      /not one of window, limit/,
    );
    assert.throws(
      () => readProbeOptions(['--target', 'http://127.0.0.1:1', '--count-json-path', 'a'], {}),
      /give --count-url too/,
    );
    const dir = mkdtempSync(path.join(tmpdir(), 'probe-opts-'));
    const foreign = path.join(dir, 'p');
    writeFileSync(foreign, 'A=1\n');
    assert.throws(
      () => readProbeOptions(['--target', 'http://127.0.0.1:1', '--out', foreign], {}),
      /not written by the probe/,
    );
    assert.equal(readProbeOptions(['--target', 'http://127.0.0.1:1', '--out', foreign, '--force'], {}).out, foreign);
    const own = path.join(dir, 'own');
    writeFileSync(own, `${PROBE_HEADER} at then.\n`);
    assert.equal(readProbeOptions(['--target', 'http://127.0.0.1:1', '--out', own], {}).out, own);
  });

  it('profile text: read back by the profile reader, undetermined values left out, secrets only on request', () => {
    const findings = [
      finding({
        property: 'signing scheme',
        value: 'standard',
        confidence: 'sure',
        settings: { SIGNING_SCHEME: 'standard' },
        because: 'accepted signed, rejected forged',
      }),
      finding({
        property: 'processed counter',
        value: 'undetermined',
        confidence: 'undetermined',
        because: 'no counter rose',
      }),
    ];
    const dir = mkdtempSync(path.join(tmpdir(), 'probe-text-'));
    const file = path.join(dir, 'p');
    const input = {
      target: 'http://127.0.0.1:8000',
      at: new Date(0),
      findings,
      given: { WEBHOOK_PATH: '/webhooks/{token}' },
    };
    writeFileSync(file, profileText({ ...input, secrets: undefined }));
    assert.deepEqual(readProfile(file), {
      PROFILE_TARGET: 'http://127.0.0.1:8000',
      BASE_URL: 'http://127.0.0.1:8000',
      SIGNING_SCHEME: 'standard',
      WEBHOOK_PATH: '/webhooks/{token}',
    });
    writeFileSync(file, profileText({ ...input, secrets: { WEBHOOK_SECRET: 'whsec_x' } }));
    assert.equal(readProfile(file).WEBHOOK_SECRET, 'whsec_x');
    assert.ok(profileText({ ...input, secrets: undefined }).startsWith(PROBE_HEADER));
  });
});
