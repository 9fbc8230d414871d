// `npm run stress [-- --target URL] [--only hft,burst] [--profile F] [...]`: the guide's whole
// suite, every scenario of the registry in its order. With no target it starts the reference
// target on a free loopback port and stops it after. Credentials are provisioned once; each
// scenario runs with a short cool-down; the end is one summary table, an index page and a
// JUnit file of every gate. `--generators N` runs each scenario from N artillery processes at
// once and judges their merged results (scripts/lib/scaled-scenario.ts, README "Scaling out").
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { maskSecrets, profileFile, readProfile, withProfile } from 'webhook-stress-common';
import { deleteWebhooks, type ProvisionedPool, poolProblem, provisionPool } from '../processors/lib/provision.ts';
import { readSettings } from '../processors/lib/settings.ts';
import { processedCountEnv, type RunningTarget, startTarget } from '../reference-server/launch.ts';
import { loadRegistry, type RegisteredScenario, selectScenarios, stopsSuite } from './lib/registry.ts';
import { readStressOptions } from './lib/stress-options.ts';
import { writeSuiteReports } from './lib/suite-reports.ts';
import { runSuiteScenario, type SuiteRunContext } from './lib/suite-run.ts';
import type { ScenarioResult } from './lib/suite-summary.ts';
import { summaryColumns } from './lib/suite-summary.ts';

// The suite's credentials (login password, session, every webhook's token and secret): what
// this script prints that may quote a URL or another process's output is masked with them.
const knownSecrets = new Set<string>();
const know = (...values: (string | undefined)[]) => {
  for (const v of values) if (v) knownSecrets.add(v);
};
const say = (line: string) => console.log(maskSecrets(line, knownSecrets));

/** The webhook pool of the widest chosen scenario; too few given credentials is one line before any load. */
function suitePool(scenarios: RegisteredScenario[], given: number): number {
  const widest = scenarios.reduce((a, b) => (b.webhookPool > a.webhookPool ? b : a));
  const short = given > 0 ? poolProblem(given, widest.webhookPool, widest.name) : undefined;
  if (short) throw new Error(short);
  return widest.webhookPool;
}

/** Ctrl-C and SIGTERM reach every artillery process; the suite stops after the current scenario's reports. */
function interruptions(): { onChild: (c: ChildProcess) => void; interrupted: () => boolean } {
  const children = new Set<ChildProcess>();
  let interrupted = false;
  const interrupt = (signal: NodeJS.Signals) => {
    interrupted = true;
    say(`\n${signal}: stopping after the current scenario has written its reports`);
    for (const c of children) c.kill(signal);
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  return {
    onChild: (c) => {
      children.add(c);
      c.once('close', () => children.delete(c));
    },
    interrupted: () => interrupted,
  };
}

async function main(): Promise<number> {
  const options = readStressOptions(process.argv.slice(2), process.env, path.resolve('reports'));
  // --profile F, else WEBHOOK_STRESS_PROFILE, else ./webhook-stress.profile when there is one.
  const file = options.profile ?? profileFile(process.env);
  const profile = file ? readProfile(file) : {};
  if (file) say(`Profile: ${file} (flags and environment variables win over it)`);
  const env = withProfile(process.env, profile);
  const registry = await loadRegistry();
  if (options.list) {
    for (const s of registry) say(`${s.name.padEnd(16)} ${s.module.title}  (docs/scenarios/${s.name}.md)`);
    return 0;
  }
  const scenarios = selectScenarios(registry, options.only);
  mkdirSync(options.reportsDir, { recursive: true });
  // What every run gets beyond this process's environment: the profile's variables the environment
  // leaves unset, then the flags (flag > environment > profile > default).
  const runEnv: Record<string, string> = {
    ...Object.fromEntries(Object.entries(profile).filter(([k]) => process.env[k] === undefined)),
    ...options.flagEnv,
    REPORTS_DIR: options.reportsDir,
    // Read here once: the runs get its variables above, not the file again.
    WEBHOOK_STRESS_PROFILE: 'off',
  };
  const settings = readSettings({ ...env, ...options.flagEnv });
  know(settings.login.password, ...settings.credentials.flatMap((c) => [c.token, c.secret]));
  // Every chosen scenario's own settings checked before any load (its module reads them).
  for (const scenario of scenarios) scenario.module.readSettings?.({ ...env, ...options.flagEnv });
  const poolSize = suitePool(scenarios, settings.credentials.length);
  const suiteStarted = new Date();

  let target: RunningTarget | undefined;
  let url = options.target ?? env.BASE_URL;
  if (!url) {
    target = await startTarget();
    url = target.url;
    say(`Started the reference target at ${url} (pid ${target.pid})`);
    // The reference target's own processed counter makes exactly-once measured, not inferred.
    if (!env.PROCESSED_COUNT_URL) Object.assign(runEnv, processedCountEnv(url));
  }
  const signals = interruptions();
  const results: ScenarioResult[] = [];
  let provisioned: ProvisionedPool | undefined;
  try {
    provisioned = await provisionPool(url, settings, poolSize);
    const pool = provisioned.webhooks;
    know(provisioned.accessToken, ...pool.flatMap((w) => [w.token, w.secret]));
    runEnv.WEBHOOK_TOKEN = pool.map((w) => w.token).join(',');
    runEnv.WEBHOOK_SECRET = pool.map((w) => w.secret).join(',');
    say(`Provisioned ${pool.length} webhook(s) once for the whole suite`);
    const ctx: SuiteRunContext = { options, url, env: runEnv, suiteStarted, say, ...signals };
    for (const [i, scenario] of scenarios.entries()) {
      if (signals.interrupted()) break;
      if (i > 0) await sleep(options.coolDownMs);
      const elapsed = Math.round((Date.now() - suiteStarted.getTime()) / 1000);
      say(`\n=== ${i + 1}/${scenarios.length} ${scenario.name} against ${url} (suite elapsed ${elapsed} s)`);
      const result = await runSuiteScenario(scenario, ctx);
      if (!result) break;
      results.push(result);
      if (stopsSuite(scenario, result.exitCode)) {
        say(
          `=== ${scenario.name} failed: the receiver's answer is not the contract the pack expects; no load was sent`,
        );
        break;
      }
    }
  } finally {
    // Leave no litter: the suite's webhooks are deleted once, at the end (DELETE_WEBHOOK_PATH).
    const warning = provisioned && (await deleteWebhooks(url, settings, provisioned));
    if (warning) say(warning);
    await target?.stop();
  }
  const columns = summaryColumns(scenarios.map((s) => s.module.columns));
  const rows = writeSuiteReports(options.reportsDir, results, columns, suiteStarted, say);
  if (signals.interrupted()) return 130;
  return rows.length === scenarios.length && rows.every((r) => r.result === 'PASS') ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(maskSecrets(`stress: ${err instanceof Error ? err.message : String(err)}`, knownSecrets));
    process.exit(2);
  },
);
