// The server monitor inside real artillery runs against the reference target:
// healthy single-process and cluster targets pass; a leak and a crash each trip
// their gate alone; reports are written; a bad selector is a clear error.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { HealthReport } from 'webhook-stress-common';
import { rssBytesFromStatus } from '../../plugins/server-monitor/proc.ts';
import { createLocalSampler } from '../../plugins/server-monitor/sampler.ts';
import { ROOT, startTarget } from '../../reference-server/launch.ts';
import { optionalServerConditions } from '../../scripts/lib/optional-server-gates.ts';
import { type ArtilleryRun, failedGates, runJudgedScenario, runScenario } from '../helpers/artillery.ts';

function healthReport(run: ArtilleryRun): HealthReport {
  const file = readdirSync(run.reportsDir).find((f) => f.startsWith('server_health_report_'));
  assert.ok(file, `a server_health_report_*.json in ${run.reportsDir}`);
  return JSON.parse(readFileSync(path.join(run.reportsDir, file), 'utf8')) as HealthReport;
}

async function withTarget<T>(args: string[], body: (url: string, pid: number) => Promise<T>): Promise<T> {
  const target = await startTarget(args);
  try {
    return await body(target.url, target.pid);
  } finally {
    await target.stop();
  }
}

describe('server monitor', () => {
  for (const args of [[], ['--workers', '2']]) {
    const mode = args.length > 0 ? 'cluster of 2 workers' : 'single process';
    it(`${mode}: sampled RSS is within 2 % of /proc VmRSS read at the same moment`, async () => {
      await withTarget(args, async (_url, pid) => {
        await new Promise((resolve) => setTimeout(resolve, 500));
        const sample = await createLocalSampler(pid, { workerMinAgeMs: 5000 }).sample();
        const pids = Object.keys(sample.processes).map(Number);
        assert.equal(pids.length, args.length > 0 ? 3 : 1);
        for (const p of pids) {
          const status = rssBytesFromStatus(p) ?? 0;
          const sampled = sample.processes[p]?.rssBytes ?? 0;
          assert.ok(Math.abs(sampled - status) / status < 0.02, `pid ${p}: sampled ${sampled}, VmRSS ${status}`);
        }
      });
    });

    // The single process's memory-leak run is scenarios.test.ts's (the healthy reference target);
    // the report's figures are the same code for both trees, so the cluster's run checks them.
    if (args.length === 0) continue;
    it(`${mode}: memory-leak scenario passes with no leak and no crash`, async () => {
      const run = await withTarget(args, (url) => runScenario('memory-leak', url));
      assert.deepEqual(failedGates(run), [], run.output);
      assert.equal(run.code, 0);
      assert.equal(run.counters['server.leak_detected'], 0);
      assert.equal(run.counters['server.worker_crashes'], 0);
      const report = healthReport(run);
      for (const key of ['max_cpu_percent', 'max_memory_mb', 'avg_response_time_ms', 'total_alerts']) {
        assert.equal(typeof report.summary[key as keyof typeof report.summary], 'number', key);
      }
      assert.ok(report.samples.length >= 20);
      assert.equal(report.summary.memory_measure, 'pss');
    });
  }

  it('--fault leak (64 KiB a signal): only the leak gate fails', async () => {
    const run = await withTarget(['--fault', 'leak', '--leak-kb', '64'], (url) => runScenario('memory-leak', url));
    assert.deepEqual(failedGates(run), ['server.leak_detected == 0'], run.output);
    assert.equal(run.code, 1);
  });

  it('--fault crash with --workers 2: the crash gate fails (and the transport gate, for the requests the kill cut off), and the reports are written', async () => {
    const run = await withTarget(['--workers', '2', '--fault', 'crash', '--crash-after', '200'], (url) =>
      runScenario('memory-leak', url),
    );
    // The fault is an OOM kill in the middle of a request: that request gets no answer, which a
    // sender sees as a reset. So the transport gate fails too, with at least one error per crash.
    assert.deepEqual(
      new Set(failedGates(run)),
      new Set([
        'webhook.timed_out == 0 and webhook.transport_error == 0 and vusers.failed == 0',
        'server.worker_crashes == 0 and server.root_died == 0',
      ]),
      run.output,
    );
    assert.equal(run.code, 1);
    const report = healthReport(run);
    assert.ok((report.summary.worker_crashes ?? 0) >= 2);
    assert.ok((run.counters['webhook.transport_error'] ?? 0) >= (report.summary.worker_crashes ?? 0), run.output);
    assert.ok(report.alerts.some((a) => /worker \(pid:\d+\) died: crash/.test(a.message)));
    const logs = readdirSync(run.reportsDir).filter((f) => /^monitor_memory-leak-[\dT-]+\.log$/.test(f));
    assert.equal(logs.length, 1, 'one log per run, named like its other files');
    assert.match(readFileSync(path.join(run.reportsDir, logs[0] as string), 'utf8'), /CRITICAL worker \(pid:\d+\)/);
    const stamp = (f: string | undefined) => /(\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d)/.exec(f ?? '')?.[1];
    const verdictFile = readdirSync(run.reportsDir).find((f) => f.endsWith('.verdict.json'));
    assert.equal(stamp(logs[0]), stamp(verdictFile), 'the monitor and the verdict stamp files alike');
  });

  it('the server itself dying fails the crash gate and the run still ends with its reports', async () => {
    const run = await withTarget(['--fault', 'crash', '--crash-after', '3'], (url) => runScenario('idempotency', url));
    assert.equal(run.code, 1);
    assert.ok(failedGates(run).includes('server.worker_crashes == 0 and server.root_died == 0'), run.output);
    assert.equal(healthReport(run).summary.root_died, true);
    assert.ok(run.verdict);
  });

  it('a metrics endpoint is a remote source', async () => {
    const run = await withTarget([], (url) =>
      runJudgedScenario('rate-limit', url, { SERVER_METRICS_URL: `${url}/metrics` }),
    );
    assert.equal(run.code, 0, run.output);
    const report = healthReport(run);
    assert.equal(report.source.kind, 'remote');
    assert.ok(report.summary.max_memory_mb > 10);
  });

  it('SERVER_MONITOR=off: server gates fail as not measured; marked strict: false they show but do not fail', async () => {
    const [off, optional] = await withTarget([], async (url) => [
      await runJudgedScenario('rate-limit', url, { SERVER_MONITOR: 'off' }),
      await runJudgedScenario(
        'rate-limit',
        url,
        { SERVER_MONITOR: 'off' },
        {
          overrides: JSON.stringify({
            config: { ensure: { conditions: optionalServerConditions(path.join(ROOT, 'scenarios/rate-limit.yml')) } },
          }),
        },
      ),
    ]);
    const serverGate = (run: typeof off) => {
      const gate = run.verdict?.gates.find((g) => g.expression.startsWith('server.'));
      return gate && { passed: gate.passed, strict: gate.strict, crashes: gate.measured['server.worker_crashes'] };
    };
    assert.equal(off.code, 1, off.output);
    assert.deepEqual(serverGate(off), { passed: false, strict: true, crashes: null });
    assert.deepEqual(failedGates(off), ['server.worker_crashes == 0 and server.root_died == 0']);
    assert.equal(optional.code, 0, optional.output);
    assert.deepEqual(serverGate(optional), { passed: false, strict: false, crashes: null });
  });

  it('a pid that does not exist: one clear line, exit 2, before any load', async () => {
    const run = await withTarget([], (url) => runScenario('rate-limit', url, { SERVER_PID: '999999999' }));
    assert.equal(run.code, 2);
    assert.match(run.output, /^server-monitor: no process with pid 999999999; check the server's pid$/m);
    assert.equal(run.verdict, undefined);
  });
});
