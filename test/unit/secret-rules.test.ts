// The bundled plugins are configured so that they cannot print a credential (README "Secrets"):
// checked in every scenario file, so a new scenario or request cannot forget it.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { failedExpectationLines } from '../../processors/lib/expectation-report.ts';
import { ROOT } from '../../reference-server/launch.ts';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

interface Request {
  name?: string;
  expect?: unknown;
  afterResponse?: string | string[];
}

/** Every request of a flow, inside loops and bursts too. */
function requestsOf(node: unknown): Request[] {
  if (Array.isArray(node)) return node.flatMap(requestsOf);
  if (!node || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) =>
    METHODS.includes(key) && value && typeof value === 'object' ? [value as Request] : requestsOf(value),
  );
}

const scenarioFiles = readdirSync(path.join(ROOT, 'scenarios')).filter((f) => f.endsWith('.yml'));

describe('bundled plugins cannot print a credential', () => {
  for (const file of scenarioFiles) {
    it(file, () => {
      const script = parse(readFileSync(path.join(ROOT, 'scenarios', file), 'utf8')) as {
        config: { plugins: Record<string, Record<string, unknown>> };
        scenarios: { flow: unknown }[];
      };
      const plugins = script.config.plugins;
      // Artillery adds metrics-by-endpoint by default, naming metrics by URL path (the path carries the token).
      assert.equal(plugins['metrics-by-endpoint']?.useOnlyRequestNames, true);
      assert.equal(plugins['metrics-by-endpoint']?.ignoreUnnamedRequests, true);
      const requests = requestsOf(script.scenarios);
      assert.ok(requests.length > 0, 'the walk finds the requests');
      for (const request of requests) assert.ok(request.name, `a request without a name: ${JSON.stringify(request)}`);
      if (plugins.expect) {
        // expect's other formatters print the path and query, and on a failure every variable.
        assert.equal(plugins.expect.outputFormat ?? plugins.expect.formatter, 'silent');
        assert.equal(plugins.expect.reportFailuresAsErrors, undefined, 'its error names the URL');
      }
      for (const request of requests.filter((r) => r.expect !== undefined)) {
        assert.ok(
          [request.afterResponse].flat().includes('reportFailedExpectations'),
          `${request.name} reports failures`,
        );
      }
    });
  }
});

describe('failedExpectationLines', () => {
  it('one line per failed check, naming the request, none when all held', () => {
    const results = [
      { ok: true, type: 'statusCode', expected: [200, 201], got: 200 },
      { ok: false, type: 'contentType', expected: 'json', got: 'content-type is text/html' },
      { ok: false, type: 'statusCode', expected: [200, 409], got: 500 },
    ];
    assert.deepEqual(failedExpectationLines({ name: 'contract', results }), [
      'expect: contract: not ok contentType: expected json, got content-type is text/html',
      'expect: contract: not ok statusCode: expected 200 or 409, got 500',
    ]);
    assert.deepEqual(failedExpectationLines({ name: 'contract', results: results.slice(0, 1) }), []);
    assert.deepEqual(failedExpectationLines(undefined), []);
  });
});
