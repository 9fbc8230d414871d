// The contracts between a scenario's YAML, its processor module and the plugins, checked for
// every scenario the registry finds: a gate names only metrics something emits for that
// scenario; a counter a gate reads is zeroed at the start (or is evidence left undefined on
// purpose, so its gate is not measured rather than judged on a made-up 0); every hook the YAML
// names is exported by its module; the shared header is the same everywhere and cleans up.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { BURST_METRICS } from 'artillery-engine-burst';
import { SERVER_COUNTERS, SERVER_SUMMARIES } from 'artillery-plugin-server-monitor';
import { CORE_COUNTERS, EVIDENCE_COUNTERS } from '../../processors/core/metrics.ts';
import { GENERATOR } from '../../processors/core/spacing.ts';
import { loadRegistry, type RegisteredScenario } from '../../scripts/lib/registry.ts';

let registry: RegisteredScenario[];
before(async () => {
  registry = await loadRegistry();
});

// A histogram or summary is read in a gate through one of its aggregates.
const AGGREGATES = /\.(min|max|mean|median|count|p50|p75|p90|p95|p99|p999)$/;
const METRIC = /\b[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+\b/g;

/** The metric names a scenario's gates read (thresholds and conditions). */
function gateMetrics(s: RegisteredScenario): string[] {
  const ensure = s.script.config.ensure ?? {};
  const names = (ensure.thresholds ?? []).flatMap((t) => Object.keys(t));
  for (const c of ensure.conditions ?? []) names.push(...(c.expression.match(METRIC) ?? []));
  return [...new Set(names)];
}

/** Names the scenario's hooks may emit (zeroed counters, evidence, histograms), the plugins and Artillery. */
function emitted(s: RegisteredScenario): { counters: Set<string>; histograms: Set<string>; external: RegExp[] } {
  const flow = JSON.stringify([s.script.before, s.script.scenarios]);
  const counters = new Set([...CORE_COUNTERS, ...s.module.counters, ...(s.module.evidence ?? []), ...SERVER_COUNTERS]);
  if (s.module.spacedBelowLimit) counters.add(GENERATOR.bunchedSends);
  // The oracle's figures exist only where the flow counts them.
  if (flow.includes('countProcessed')) for (const name of EVIDENCE_COUNTERS) counters.add(name);
  const histograms = new Set([...(s.module.histograms ?? []), ...SERVER_SUMMARIES]);
  if (flow.includes('"burst"')) histograms.add(BURST_METRICS.dispatchSpread);
  // Artillery's own http.*, vusers.* and errors.*; expect's counters where the scenario uses the plugin.
  const external = [/^http\./, /^vusers\./, /^errors\./];
  if (s.script.config.plugins?.expect) external.push(/^plugins\.expect\.(ok|failed)$/);
  return { counters, histograms, external };
}

/** Every function name the YAML hands Artillery (flow steps and hooks of every kind). */
function namedHooks(node: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const item of node) namedHooks(item, into);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      const hookKey = [
        'function',
        'beforeRequest',
        'afterResponse',
        'beforeScenario',
        'afterScenario',
        'onError',
        'ifTrue',
        'whileTrue',
      ];
      if (hookKey.includes(key) && typeof value === 'string') into.add(value);
      else if (hookKey.includes(key) && Array.isArray(value)) for (const v of value) into.add(String(v));
      else namedHooks(value, into);
    }
  }
  return into;
}

describe('scenario contracts', () => {
  it('finds every scenario of scenarios/ with a module that declares itself', () => {
    assert.ok(registry.length >= 11, registry.map((s) => s.name).join(', '));
  });

  it('every gate names a metric something emits for its scenario', () => {
    for (const s of registry) {
      const { counters, histograms, external } = emitted(s);
      for (const name of gateMetrics(s)) {
        const base = name.replace(AGGREGATES, '');
        const known =
          counters.has(name) ||
          histograms.has(base) ||
          external.some((r) => r.test(name)) ||
          external.some((r) => r.test(base));
        assert.ok(known, `scenarios/${s.name}.yml: a gate reads ${name}, which nothing emits for it`);
      }
    }
  });

  it('every counter a gate reads is zeroed at the start, or is evidence left undefined until measured', () => {
    for (const s of registry) {
      const zeroed = new Set([...CORE_COUNTERS, ...s.module.counters]);
      const evidence = new Set([...EVIDENCE_COUNTERS, ...(s.module.evidence ?? [])]);
      for (const name of gateMetrics(s)) {
        if (!/^(webhook|hostile|order|noisy|neighbours|capacity|plugins\.expect)\./.test(name)) continue; // plugins' and Artillery's own
        if ((s.module.histograms ?? []).some((h) => name.startsWith(`${h}.`))) continue;
        assert.ok(
          zeroed.has(name) || evidence.has(name),
          `scenarios/${s.name}.yml: ${name} is read by a gate but never emitted as 0 (add it to its module's counters)`,
        );
      }
    }
  });

  it('no metric name a scenario may emit is a prefix of another (ensure substitutes names by plain substring)', () => {
    for (const s of registry) {
      const { counters, histograms } = emitted(s);
      const names = [...counters, ...histograms];
      for (const a of names)
        for (const b of names)
          assert.ok(a === b || !b.startsWith(a) || b[a.length] === '.', `${s.name}: ${a} is a prefix of ${b}`);
    }
  });

  it('every hook the YAML names is a function its module exports', async () => {
    for (const s of registry) {
      const exported = (await import(s.processorFile)) as Record<string, unknown>;
      for (const name of namedHooks([s.script.before, s.script.after, s.script.scenarios]))
        assert.equal(typeof exported[name], 'function', `scenarios/${s.name}.yml names ${name}, not exported`);
    }
  });

  it('the shared header: loopback target, its own built module, the pack plugins in order, provisioning and cleanup', () => {
    for (const s of registry) {
      const { config } = s.script;
      assert.equal(config.target, 'http://127.0.0.1:8000', s.name);
      assert.equal(config.processor, `../dist/processors/${s.name}.js`, s.name);
      const plugins = Object.keys(config.plugins ?? {});
      const pack = plugins.filter((p) => ['server-monitor', 'verdict', 'ensure'].includes(p));
      assert.deepEqual(pack, ['server-monitor', 'verdict', 'ensure'], `${s.name}: ${plugins.join(', ')}`);
      const before = JSON.stringify(s.script.before);
      assert.match(before, /"provisionCredentials"/, s.name);
      assert.match(
        JSON.stringify(s.script.after),
        /"removeProvisionedWebhooks"/,
        `${s.name} leaves its webhooks behind`,
      );
      // The first oracle read is a configuration check: before any webhook exists.
      if (before.includes('readProcessedCount'))
        assert.ok(before.indexOf('readProcessedCount') < before.indexOf('provisionCredentials'), s.name);
    }
  });

  it('each summary column belongs to one definition (two scenarios showing one column share its code)', () => {
    const byHeader = new Map<string, unknown>();
    for (const s of registry)
      for (const column of s.module.columns ?? []) {
        const seen = byHeader.get(column.header);
        assert.ok(seen === undefined || seen === column, `two definitions of the column "${column.header}"`);
        byHeader.set(column.header, column);
      }
  });
});
