// Artillery plugin entry: after ensure has judged the run, print each gate with the
// values it was judged on, and write the verdict JSON, the HTML report and JUnit XML
// to REPORTS_DIR (default ./reports). Main thread only (plugins load in workers too).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { isMainThread } from 'node:worker_threads';
import createDebug from 'debug';
import {
  applyProfile,
  artilleryGlobal,
  collectRequests,
  discardRecording,
  type HealthReport,
  type PluginEvents,
  type PluginScript,
  pluginOrderProblem,
  SETTINGS_EVENT,
  startRecording,
} from 'webhook-stress-common';
import {
  type AggregateReport,
  type EnsureConfig,
  flattenReport,
  type GateResult,
  gateExpressions,
  gateLines,
  gateOfCheck,
  judgeGates,
  type PeriodStats,
  type Phase,
  publicSettings,
  sumPeriods,
  validityAdvice,
  writeRunOutputs,
  writeTrendIndex,
} from 'webhook-stress-report';
import { type BaselineSetup, compareWithBaseline, setUpBaseline } from './baseline-run.ts';

type Script = PluginScript<{
  phases?: Phase[];
  variables?: Record<string, unknown>;
  ensure?: EnsureConfig;
  plugins?: { verdict?: { baseline?: unknown } } & Record<string, unknown>;
}>;

export const LEGACY_METRICS_FORMAT = false;

const debug = createDebug('plugin:verdict');

class VerdictError extends Error {}

function errorCode(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
}

export class Plugin {
  constructor(script: Script, events: PluginEvents<PeriodStats>) {
    let profile: ReturnType<typeof applyProfile>;
    try {
      profile = applyProfile();
    } catch (err) {
      console.error(`verdict: ${(err as Error).message}`);
      process.exit(2);
    }
    if (!isMainThread || process.env.LOCAL_WORKER_ID !== undefined) {
      debug('worker thread: nothing to do (the main thread judges)');
      return;
    }
    const artillery = artilleryGlobal();
    const orderProblem = pluginOrderProblem('verdict', Object.keys(script.config.plugins ?? {}));
    if (orderProblem) {
      console.error(orderProblem);
      process.exit(2);
    }
    if (profile)
      artillery.log(
        `Profile: ${path.relative(process.cwd(), profile.file) || profile.file} (environment variables win over it)`,
      );
    const scenario = path.basename(script._configPath ?? 'run', path.extname(script._configPath ?? ''));
    const settings = publicSettings(script.config, process.env);
    const advice = validityAdvice(script.config.ensure?.conditions);
    // BASELINE_DIR: compare with the newest run of this scenario kept there (one line now says which).
    const baseline: BaselineSetup | undefined = setUpBaseline(
      process.env,
      scenario,
      script.config.plugins?.verdict?.baseline,
      (line) => artillery.log(line),
    );
    const periods: PeriodStats[] = [];
    // Workers append one record per request from here on; merged (and removed) when the run is written.
    startRecording();
    // A run that ends early (a configuration error's exit 2, a failed write) leaves no record behind.
    process.once('exit', () => discardRecording());
    // Read when ensure has judged, so metrics other plugins add to the report at `done` are included.
    let finalReport: AggregateReport = {};
    let health: { file: string; report: HealthReport } | undefined;
    events.on('stats', (stats) => {
      periods.push(stats);
    });
    events.on('done', (report) => {
      debug('done: final report received');
      finalReport = report;
    });
    // What the pack's processor read that decides the gates (its before flow sends it once).
    artillery.globalEvents.on(SETTINGS_EVENT, (decisive) => {
      settings.decisive = decisive;
    });
    if (profile) settings.profile = path.relative(process.cwd(), profile.file) || profile.file;
    artillery.globalEvents.on('server-monitor:report', (written) => {
      debug('server-monitor:report received');
      health = written;
    });
    let written = false;
    const write = (ensureGates: GateResult[], interrupted: boolean) => {
      written = true;
      const compared = baseline && !interrupted ? compareWithBaseline(baseline, finalReport) : undefined;
      const gates = [...ensureGates, ...(compared?.gates ?? [])];
      // ensure has set the exit code from its own gates; a regression beyond tolerance fails the run too.
      if (compared?.gates.some((g) => !g.passed && g.strict)) artillery.suggestedExitCode ||= 1;
      const { passed, invalid } = judgeGates(gates, interrupted);
      for (const line of gateLines(gates, invalid, interrupted)) artillery.log(line);
      const dir = path.resolve(process.env.REPORTS_DIR || 'reports');
      const run = {
        scenario,
        generatedAt: new Date().toISOString(),
        passed,
        invalid,
        interrupted,
        gates,
        periods,
        aggregate: interrupted ? sumPeriods(periods) : finalReport,
        settings,
        health: health?.report,
        requests: collectRequests(),
        baseline: compared?.summary,
      };
      const startedAt = artillery.testInfo?.metadata?.startedAt;
      const stamp = startedAt === undefined ? undefined : new Date(startedAt);
      let outputs: ReturnType<typeof writeRunOutputs>;
      try {
        outputs = writeRunOutputs(dir, run, health?.file, stamp);
      } catch (err) {
        throw new VerdictError(`cannot write reports to ${dir}: ${errorCode(err)}; check REPORTS_DIR`);
      }
      artillery.log(`Report: ${path.join(dir, outputs.verdict.files.html)}`);
      try {
        // Kept current where one exists (written by npm run stress or npm run report -- --index).
        if (existsSync(path.join(dir, 'index.html'))) writeTrendIndex(dir);
      } catch (err) {
        artillery.log(`Index: not updated: ${errorCode(err)}`);
      }
      artillery.log(`Verdict: ${outputs.verdictFile}`);
    };
    // A throw here would escape into ensure's beforeExit, which Artillery settles silently
    // before ensure sets the exit code: a failing run could exit 0. Fail the run instead.
    const guarded = (judgeAndWrite: () => void) => {
      try {
        judgeAndWrite();
      } catch (err) {
        console.error(
          `verdict: ${err instanceof VerdictError ? err.message : `cannot judge the run: ${errorCode(err)}`}`,
        );
        artillery.suggestedExitCode = 2;
      }
    };
    artillery.globalEvents.on('checks', (checks) => {
      debug('checks: %d gates judged by ensure; health report %s', checks.length, health ? 'in' : 'missing');
      guarded(() => {
        const values = flattenReport(finalReport);
        write(
          checks.map((check) => gateOfCheck(check, values, advice)),
          false,
        );
      });
    });
    // Ctrl-C or SIGTERM: Artillery stops early with no final report, and ensure then
    // judges nothing. The gates are still listed, as failed and not judged, with the
    // counts of the periods that completed, so the run keeps its reports.
    artillery.ext({
      ext: 'beforeExit',
      method: async (data) => {
        await new Promise((resolve) => setImmediate(resolve));
        debug('beforeExit: written %s, earlyStop %s', written, data.earlyStop === true);
        if (written || data.earlyStop !== true) return;
        guarded(() => {
          const values = flattenReport(sumPeriods(periods));
          write(
            gateExpressions(script.config.ensure).map((g) =>
              gateOfCheck({ original: g.expression, result: 0, strict: g.strict }, values, advice),
            ),
            true,
          );
        });
      },
    });
  }
}
