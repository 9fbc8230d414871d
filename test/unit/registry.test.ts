// The registry (scripts/lib/registry.ts): every scenarios/*.yml with what its module declares,
// in suite order; the suite's summary built from the scenarios' own columns.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadRegistry, type RegisteredScenario, selectScenarios, stopsSuite } from '../../scripts/lib/registry.ts';
import { summaryColumns, summaryRow, summaryTable } from '../../scripts/lib/suite-summary.ts';

let registry: RegisteredScenario[];
before(async () => {
  registry = await loadRegistry();
});

const named = (name: string) => {
  const found = registry.find((s) => s.name === name);
  assert.ok(found, name);
  return found;
};

describe('registry', () => {
  it('orders the suite as the guide reads: the contract first, its five tests in its order', () => {
    const names = registry.map((s) => s.name);
    assert.equal(names[0], 'preflight');
    const guide = ['hft', 'burst', 'sustained', 'memory-leak', 'rate-limit'];
    assert.deepEqual(
      names.filter((n) => guide.includes(n)),
      guide,
    );
    assert.equal(new Set(registry.map((s) => s.module.order)).size, registry.length, 'no two share a place');
  });

  it('selects scenarios in suite order and rejects unknown ones with one line', () => {
    assert.deepEqual(
      selectScenarios(registry, 'idempotency,hft').map((s) => s.name),
      ['hft', 'idempotency'],
    );
    assert.throws(() => selectScenarios(registry, 'hft,soak'), /unknown scenario "soak"; choose from preflight, hft/);
  });

  it('stops the suite only when the contract scenario fails', () => {
    assert.equal(stopsSuite(named('preflight'), 1), true);
    assert.equal(stopsSuite(named('preflight'), 0), false);
    assert.equal(stopsSuite(named('hft'), 1), false);
  });

  it("reads each scenario's webhook pool from its YAML", () => {
    assert.equal(named('sustained').webhookPool, 20);
    assert.equal(named('noisy-neighbour').webhookPool, 5);
    assert.equal(named('hft').webhookPool, 1);
  });
});

describe('suite summary', () => {
  const columns = () => summaryColumns(registry.map((s) => s.module.columns));

  it("has the guide's columns, then each scenario's own once", () => {
    const headers = columns().map((c) => c.header);
    assert.deepEqual(headers.slice(0, 6), [
      'success',
      'avg ms',
      'p95 ms',
      'mem growth MB',
      'rate-limited',
      'worker crashes',
    ]);
    for (const own of ['hostile rejected', 'older signals', 'processed', 'neighbours ok'])
      assert.equal(headers.filter((h) => h === own).length, 1, own);
  });

  it('shows each scenario its figures: hostile share, older signals, executions of expected, neighbours', () => {
    const cols = columns();
    const cell = (header: string, counters: Record<string, number>) =>
      summaryRow({ scenario: 'x', exitCode: 0, verdict: undefined, counters }, cols).cells[
        cols.findIndex((c) => c.header === header)
      ];
    const hostile = {
      'webhook.sent': 35,
      'hostile.forged_sig.sent': 5,
      'hostile.forged_sig.rejected': 5,
      'hostile.malformed.sent': 5,
      'hostile.malformed.rejected': 0,
    };
    assert.equal(cell('hostile rejected', hostile), '50.0 %');
    assert.equal(cell('hostile rejected', {}), '-');
    assert.equal(cell('older signals', { 'order.late_sent': 5, 'order.late_accepted': 5 }), '5 accepted, 0 rejected');
    assert.equal(cell('processed', { 'webhook.executions': 3, 'webhook.expected_executions': 3 }), '3 of 3');
    assert.equal(cell('processed', { 'webhook.executions': 1, 'webhook.expected_executions': 0 }), '1');
    assert.equal(cell('processed', {}), '-');
    assert.equal(cell('neighbours ok', { 'neighbours.sent': 160, 'neighbours.accepted': 152 }), '95.0 %');
  });

  it('summarises a run in the guide terms; a run without verdict is a failure', () => {
    const cols = columns();
    const row = summaryRow(
      {
        scenario: 'hft',
        exitCode: 0,
        verdict: undefined,
        counters: { 'webhook.sent': 100, 'webhook.as_expected': 97, 'webhook.rate_limited': 3 },
        responseTime: { mean: 2.345, p95: 4 },
      },
      cols,
    );
    assert.equal(row.result, 'FAIL');
    assert.deepEqual(row.cells.slice(0, 6), ['97.0 %', '2.3', '4', '-', '3.0 %', '-']);
    assert.deepEqual(row.failedGates, ['the run ended without a verdict (exit 0)']);
    assert.match(summaryTable([row], cols), /^scenario\s+result\s+success/);
  });
});
