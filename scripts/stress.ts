// `npm run stress [-- --target URL] [--only hft,burst] [...]`: the guide's whole suite.
// With no target it starts the reference target on a free loopback port and stops it
// after. Credentials are provisioned once; each scenario runs with a short cool-down;
// the end is one summary table, an index page, and a JUnit file of every gate.
// `--generators N` runs each scenario from N artillery processes at once and judges
// their merged results (scripts/lib/scaled-scenario.ts, README "Scaling out").
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { fileStamp, maskSecrets } from 'webhook-stress-common';
import { type AggregateReport, renderJunit, type Verdict, writeTrendIndex } from 'webhook-stress-report';
import { deleteWebhooks, type ProvisionedPool, provisionPool } from '../processors/lib/provision.ts';
import { readSettings } from '../processors/lib/settings.ts';
import { processedCountEnv, ROOT, type RunningTarget, startTarget } from '../reference-server/launch.ts';
import { runArtillery } from './lib/artillery-cli.ts';
import { optionalServerConditions } from './lib/optional-server-gates.ts';
import { scaledScenarioPhases } from './lib/scale-phases.ts';
import { runScaledScenario } from './lib/scaled-scenario.ts';
import { selectScenarios, stopsSuite } from './lib/suite-order.ts';
import { type ScenarioResult, suiteSection, summaryRow, summaryTable } from './lib/suite-summary.ts';

// Lets every per-webhook rate window of the previous scenario expire.
const DEFAULT_COOL_DOWN_S = 2;
// The largest webhook pool a scenario asks for (sustained, memory-leak).
const POOL_SIZE = 20;

const OPTIONS = {
  target: { type: 'string' },
  only: { type: 'string' },
  'reports-dir': { type: 'string' },
  'scale-duration': { type: 'string', default: '1' },
  'scale-rate': { type: 'string', default: '1' },
  'cool-down': { type: 'string', default: String(DEFAULT_COOL_DOWN_S) },
  scheme: { type: 'string' },
  'monitor-pid': { type: 'string' },
  'monitor-port': { type: 'string' },
  'monitor-command': { type: 'string' },
  'metrics-url': { type: 'string' },
  baseline: { type: 'string' },
  tolerances: { type: 'string' },
  'server-gates': { type: 'string', default: 'required' },
  generators: { type: 'string', default: '1' },
} as const;

/** Generators at once on one machine: more than a few only compete for its cores. */
const MAX_GENERATORS = 16;

function generatorCount(raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > MAX_GENERATORS)
    throw new Error(`--generators must be a whole number from 1 to ${MAX_GENERATORS}, got "${raw}"`);
  return value;
}

function samplerIndex(generators: number): number {
  const raw = process.env.SERVER_MONITOR_GENERATOR || '0';
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value >= generators)
    throw new Error(`SERVER_MONITOR_GENERATOR=${raw} is not a generator of 0..${generators - 1}; unset it or pick one`);
  return value;
}

function factor(name: string, raw: string): number {
  const value = Number(raw);
  if (!(value > 0)) throw new Error(`--${name} must be a positive number, got "${raw}"`);
  return value;
}

function seconds(name: string, raw: string): number {
  const value = Number(raw);
  if (!(value >= 0)) throw new Error(`--${name} must be a number of seconds (0 or more), got "${raw}"`);
  return value;
}

// The suite's credentials (login password, session, every webhook's token and secret):
// what this script prints that may quote a URL or another process's output is masked with them.
const knownSecrets = new Set<string>();

function sayMasked(line: string): void {
  console.log(maskSecrets(line, knownSecrets));
}

/** Environment for every run: the user's choices, passed to the processor and the monitor. */
function runEnv(values: Record<string, string | undefined>, reportsDir: string): Record<string, string> {
  const env: Record<string, string> = { REPORTS_DIR: reportsDir };
  const map: [string, string][] = [
    ['scheme', 'SIGNING_SCHEME'],
    ['monitor-pid', 'SERVER_PID'],
    ['monitor-port', 'SERVER_PORT'],
    ['monitor-command', 'SERVER_COMMAND'],
    ['metrics-url', 'SERVER_METRICS_URL'],
    ['baseline', 'BASELINE_DIR'],
    ['tolerances', 'BASELINE_TOLERANCES'],
  ];
  for (const [flag, variable] of map) if (values[flag]) env[variable] = values[flag] as string;
  return env;
}

function newestVerdict(dir: string, scenario: string, since: number): Verdict | undefined {
  const files = readdirSync(dir).filter((f) => f.startsWith(`${scenario}-`) && f.endsWith('.verdict.json'));
  const verdicts = files.map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as Verdict);
  return verdicts
    .filter((v) => Date.parse(v.finishedAt) >= since)
    .sort((a, b) => a.finishedAt.localeCompare(b.finishedAt))
    .at(-1);
}

function readAggregate(file: string): AggregateReport {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { aggregate: AggregateReport }).aggregate;
  } catch {
    return {};
  }
}

/** Artillery --overrides for one scenario: scaled phases and, when asked, optional server gates. */
function scenarioOverrides(
  file: string,
  durationFactor: number,
  rateFactor: number,
  serverGatesOptional: boolean,
): string | undefined {
  const phases = scaledScenarioPhases(file, durationFactor, rateFactor);
  const conditions = serverGatesOptional ? optionalServerConditions(file) : undefined;
  if (!phases && !conditions) return undefined;
  return JSON.stringify({
    config: { ...(phases ? { phases } : {}), ...(conditions ? { ensure: { conditions } } : {}) },
  });
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: OPTIONS });
  const scenarios = selectScenarios(values.only);
  const durationFactor = factor('scale-duration', values['scale-duration']);
  const rateFactor = factor('scale-rate', values['scale-rate']);
  const serverGates = values['server-gates'];
  if (serverGates !== 'required' && serverGates !== 'optional')
    throw new Error(`--server-gates must be required or optional, got "${serverGates}"`);
  const serverGatesOptional = serverGates === 'optional';
  const coolDownMs = seconds('cool-down', values['cool-down']) * 1000;
  const generators = generatorCount(values.generators);
  const sampler = generators > 1 ? samplerIndex(generators) : 0;
  const reportsDir = path.resolve(values['reports-dir'] ?? process.env.REPORTS_DIR ?? path.join(ROOT, 'reports'));
  mkdirSync(reportsDir, { recursive: true });
  const env = runEnv(values, reportsDir);
  const settings = readSettings({ ...process.env, ...env });
  for (const value of [settings.login.password, ...settings.credentials.flatMap((c) => [c.token, c.secret])])
    knownSecrets.add(value);
  const suiteStarted = new Date();

  let target: RunningTarget | undefined;
  let url = values.target ?? process.env.BASE_URL;
  if (!url) {
    target = await startTarget();
    url = target.url;
    console.log(`Started the reference target at ${url} (pid ${target.pid})`);
    // The reference target's own processed counter makes exactly-once measured, not inferred.
    if (!process.env.PROCESSED_COUNT_URL) Object.assign(env, processedCountEnv(url));
  }
  let child: ChildProcess | undefined;
  const generatorChildren = new Set<ChildProcess>();
  let interrupted = false;
  const interrupt = (signal: NodeJS.Signals) => {
    interrupted = true;
    console.log(`\n${signal}: stopping after the current scenario has written its reports`);
    child?.kill(signal);
    for (const g of generatorChildren) g.kill(signal);
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);

  const results: ScenarioResult[] = [];
  let provisioned: ProvisionedPool | undefined;
  try {
    provisioned = await provisionPool(url, settings, POOL_SIZE);
    const pool = provisioned.webhooks;
    for (const value of [provisioned.accessToken, ...pool.flatMap((w) => [w.token, w.secret])])
      if (value) knownSecrets.add(value);
    Object.assign(env, {
      WEBHOOK_TOKEN: pool.map((w) => w.token).join(','),
      WEBHOOK_SECRET: pool.map((w) => w.secret).join(','),
    });
    console.log(`Provisioned ${pool.length} webhook(s) once for the whole suite`);
    for (const [i, scenario] of scenarios.entries()) {
      if (interrupted) break;
      if (i > 0) await sleep(coolDownMs);
      const started = Date.now();
      console.log(
        `\n=== ${i + 1}/${scenarios.length} ${scenario} against ${url} (suite elapsed ${Math.round((started - suiteStarted.getTime()) / 1000)} s)`,
      );
      const file = path.join('scenarios', `${scenario}.yml`);
      if (generators > 1) {
        console.log(
          `${generators} generators at once, each with 1/${generators} of the arrivals; generator ${sampler} samples the server`,
        );
        const scaling = runScaledScenario({
          scenarioFile: path.join(ROOT, file),
          generators,
          target: url,
          env,
          durationFactor,
          rateFactor,
          reportsDir,
          samplerIndex: sampler,
          conditions: serverGatesOptional ? optionalServerConditions(path.join(ROOT, file)) : undefined,
          onSpawn: (c) => {
            generatorChildren.add(c);
            c.once('close', () => generatorChildren.delete(c));
          },
          onOutput: (index, chunk) => {
            for (const line of chunk.split('\n')) if (line.trim()) sayMasked(`[g${index}] ${line}`);
          },
        });
        // Interrupted generators may leave no results: the summary then shows what completed.
        const scaled = await scaling.catch((err: unknown) => {
          if (interrupted) return undefined;
          throw err;
        });
        if (!scaled) break;
        results.push({
          scenario,
          exitCode: scaled.exitCode,
          verdict: scaled.verdict,
          counters: scaled.aggregate.counters ?? {},
          responseTime: scaled.aggregate.summaries?.['http.response_time'],
        });
        console.log(`=== ${scenario}: merged verdict of ${generators} generators, exit ${scaled.exitCode}`);
        if (stopsSuite(scenario, scaled.exitCode)) break;
        continue;
      }
      const outputJson = path.join(reportsDir, `${scenario}-${fileStamp(suiteStarted)}.json`);
      const exitCode = await runArtillery(file, {
        target: url,
        outputJson,
        env,
        overrides: scenarioOverrides(path.join(ROOT, file), durationFactor, rateFactor, serverGatesOptional),
        onSpawn: (c) => {
          child = c;
        },
      });
      child = undefined;
      const aggregate = readAggregate(outputJson);
      const verdict = newestVerdict(reportsDir, scenario, started);
      // One stamp per run: the --output JSON takes the name of the run's other files.
      if (verdict && existsSync(outputJson))
        renameSync(outputJson, path.join(reportsDir, verdict.files.html.replace(/\.html$/, '.json')));
      results.push({
        scenario,
        exitCode,
        verdict,
        counters: aggregate.counters ?? {},
        responseTime: aggregate.summaries?.['http.response_time'],
      });
      console.log(`=== ${scenario}: exit ${exitCode} after ${Math.round((Date.now() - started) / 1000)} s`);
      if (stopsSuite(scenario, exitCode)) {
        console.log(
          "=== preflight failed: the receiver's answer is not the contract the pack expects; no load was sent",
        );
        break;
      }
    }
  } finally {
    // Leave no litter: the suite's webhooks are deleted once, at the end (DELETE_WEBHOOK_PATH).
    const warning = provisioned && (await deleteWebhooks(url, settings, provisioned));
    if (warning) sayMasked(warning);
    await target?.stop();
  }

  const rows = results.map(summaryRow);
  const links = Object.fromEntries(results.map((r) => [r.scenario, r.verdict?.files.html]));
  writeTrendIndex(reportsDir, suiteSection(rows, links, suiteStarted.toISOString()));
  writeFileSync(
    path.join(reportsDir, 'junit.xml'),
    renderJunit(
      results.map((r) => ({
        scenario: r.scenario,
        gates: r.verdict?.gates ?? [],
        ...(r.verdict ? {} : { error: `the run ended without a verdict (exit ${r.exitCode})` }),
      })),
    ),
  );
  console.log(`\nSuite summary (the guide's Expected Results)\n${summaryTable(rows)}`);
  console.log(`\nReports: ${path.join(reportsDir, 'index.html')}  JUnit: ${path.join(reportsDir, 'junit.xml')}`);
  const passed = !interrupted && rows.length === scenarios.length && rows.every((r) => r.result === 'PASS');
  return interrupted ? 130 : passed ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(maskSecrets(`stress: ${err instanceof Error ? err.message : String(err)}`, knownSecrets));
    process.exit(2);
  },
);
