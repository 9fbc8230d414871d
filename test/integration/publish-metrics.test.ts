// Metrics out: Artillery's bundled publish-metrics plugin, added to a pack scenario with the
// README's `--overrides "$(cat metrics-out/pushgateway.json)"`, pushes webhook.* and server.*
// to Debian's Prometheus Pushgateway started here on loopback. What arrives is compared with the
// run's own --output JSON. Controls: without the override nothing is pushed; with publish-metrics
// listed before server-monitor it would push no server.* figure, so the monitor stops such a run at start.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { ROOT, type RunningTarget, startTarget } from '../../reference-server/launch.ts';
import { runArtillery } from '../../scripts/lib/artillery-cli.ts';
import { requireInstalled } from '../helpers/installed.ts';
import {
  PUSHGATEWAY,
  type RunningPushgateway,
  readPushgateway,
  type Series,
  startPushgateway,
} from '../helpers/pushgateway.ts';

const OVERRIDES = JSON.parse(readFileSync(path.join(ROOT, 'metrics-out/pushgateway.json'), 'utf8')) as {
  config: { plugins: Record<string, unknown> };
};
// 20 signals at 5/s: under the reference target's 10/s limit, so every one is accepted.
const SHORT_PHASE = [{ arrivalCount: 20, duration: 4 }];

interface Summary {
  min: number;
  max: number;
}
interface RunOutput {
  aggregate: { counters: Record<string, number>; summaries: Record<string, Summary> };
  intermediate: { summaries?: Record<string, Summary> }[];
}
interface Run {
  code: number | null;
  output: string;
  testId: string;
  json: RunOutput | undefined;
}

const dirs: string[] = [];
process.once('exit', () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function run(
  scenarioFile: string,
  target: string,
  env: Record<string, string>,
  overrides?: object,
): Promise<Run> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pack-publish-metrics-'));
  dirs.push(dir);
  const outputJson = path.join(dir, 'artillery.json');
  let output = '';
  const code = await runArtillery(scenarioFile, {
    target,
    outputJson,
    env: { REPORTS_DIR: dir, ...env },
    ...(overrides ? { overrides: JSON.stringify(overrides) } : {}),
    onOutput: (chunk) => {
      output += chunk;
    },
  });
  const testId = /Test run id: (\S+)/.exec(output)?.[1] ?? '';
  const json = existsSync(outputJson) ? (JSON.parse(readFileSync(outputJson, 'utf8')) as RunOutput) : undefined;
  return { code, output, testId, json };
}

/** The run's series, by Artillery's metric name (dots become underscores), of one of publish-metrics' families. */
function pushed(series: Series[], testId: string, family: 'counters' | 'summaries'): Map<string, number> {
  return new Map(
    series
      .filter((s) => s.name === `artillery_${family}` && s.labels.test_id === testId && s.labels.metric)
      .map((s) => [s.labels.metric ?? '', s.value]),
  );
}

/** The last period's summary of a metric: what the pushgateway holds after the last push. */
function lastPeriod(json: RunOutput, metric: string): Summary | undefined {
  return json.intermediate
    .map((p) => p.summaries?.[metric])
    .filter((s) => s !== undefined)
    .at(-1);
}

describe('publish-metrics to a real Prometheus Pushgateway', () => {
  before(() => requireInstalled(PUSHGATEWAY, 'prometheus-pushgateway'));
  let gateway: RunningPushgateway;
  let target: RunningTarget;
  let env: Record<string, string>;
  before(async () => {
    gateway = await startPushgateway();
    target = await startTarget();
    env = { PUSHGATEWAY_URL: gateway.url };
  });
  after(async () => {
    await target?.stop();
    await gateway?.stop();
  });

  it('control: without the override nothing is pushed', async () => {
    const result = await run('scenarios/hft.yml', target.url, env, { config: { phases: SHORT_PHASE } });
    assert.equal(result.code, 0, result.output);
    const artillerySeries = (await readPushgateway(gateway.url)).filter((s) => s.name.startsWith('artillery_'));
    assert.deepEqual(artillerySeries, []);
  });

  it('webhook.* and server.* arrive with the values of the run', async () => {
    const result = await run('scenarios/hft.yml', target.url, env, {
      config: { ...OVERRIDES.config, phases: SHORT_PHASE },
    });
    assert.equal(result.code, 0, result.output);
    assert.match(result.testId, /^t\w+/, result.output);
    const series = await readPushgateway(gateway.url);
    const counters = pushed(series, result.testId, 'counters');
    const summaries = pushed(series, result.testId, 'summaries');
    assert.ok(result.json, `no --output JSON: ${result.output}`);
    const { aggregate } = result.json;
    // Counters are pushed per period and added up: the pushgateway holds the run's totals.
    assert.equal(counters.get('webhook_sent'), 20);
    assert.equal(counters.get('webhook_accepted'), aggregate.counters['webhook.accepted']);
    assert.equal(counters.get('webhook_accepted'), 20);
    assert.equal(counters.get('server_worker_crashes'), aggregate.counters['server.worker_crashes']);
    // Summaries are gauges: the last period's, which lies inside the run's range.
    const memoryMax = summaries.get('server_tree_memory_mb_max');
    const memory = aggregate.summaries['server.tree_memory_mb'];
    assert.ok(memory && memoryMax !== undefined, `no server memory pushed: ${[...summaries.keys()].join(' ')}`);
    assert.equal(memoryMax, lastPeriod(result.json, 'server.tree_memory_mb')?.max);
    assert.ok(memoryMax > 0 && memoryMax >= memory.min && memoryMax <= memory.max, `${memoryMax} MB`);
  });

  it('publish-metrics listed before server-monitor: stopped at start with one line, nothing pushed', async () => {
    // Listed first, publish-metrics would push each period before the monitor adds server.* to it
    // (seen before the order check existed: webhook.* pushed, no server.* figure). The monitor now refuses.
    const scenario = parse(readFileSync(path.join(ROOT, 'scenarios/hft.yml'), 'utf8')) as {
      config: { processor: string; plugins: Record<string, unknown>; phases: unknown };
    };
    scenario.config.processor = path.join(ROOT, 'dist/processors/hft.js');
    scenario.config.plugins = { ...OVERRIDES.config.plugins, ...scenario.config.plugins };
    scenario.config.phases = SHORT_PHASE;
    const dir = mkdtempSync(path.join(tmpdir(), 'pack-publish-first-'));
    dirs.push(dir);
    const file = path.join(dir, 'hft-publish-first.yml');
    writeFileSync(file, stringify(scenario));
    const result = await run(file, target.url, env);
    assert.equal(result.code, 2, result.output);
    assert.match(
      result.output,
      /^server-monitor: it is listed after publish-metrics in config\.plugins \(publish-metrics, server-monitor, verdict, ensure\); list server-monitor first/m,
    );
    const series = await readPushgateway(gateway.url);
    assert.deepEqual([...pushed(series, result.testId, 'counters').keys()], []);
  });
});
