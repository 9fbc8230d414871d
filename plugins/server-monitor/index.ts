// Artillery plugin entry: wires the server monitor to Artillery's events.
// Runs in the main thread only: Artillery also loads plugins in every worker thread.
import path from 'node:path';
import { isMainThread } from 'node:worker_threads';
import createDebug from 'debug';
import {
  applyProfile,
  artilleryGlobal,
  type PluginEvents,
  type PluginScript,
  pluginOrderProblem,
  resolveTarget,
} from 'webhook-stress-common';
import { type MonitorConfig, MonitorConfigError, type PluginOptions, readMonitorConfig } from './config.ts';
import { HealthFilesError } from './health-report.ts';
import { createMonitor, type Monitor, type Stats } from './monitor.ts';
import { SelectorError } from './select-process.ts';

const debug = createDebug('plugin:server-monitor');

export const LEGACY_METRICS_FORMAT = false;

// The stand-alone monitor (`npm run monitor`) and the leak benchmark use the same parts.
export { analyseMemory } from './analysis.ts';
export { MonitorConfigError, readMonitorConfig } from './config.ts';
export { createMonitor } from './monitor.ts';
export { SelectorError, selectRootPid } from './select-process.ts';
export { SERVER_COUNTERS, SERVER_SUMMARIES, serverFigures } from './server-figures.ts';

export class Plugin {
  private readonly monitor: Monitor | undefined;

  constructor(script: PluginScript<object>, events: PluginEvents<Stats>) {
    // The profile (webhook-stress.profile or WEBHOOK_STRESS_PROFILE) under the environment, before any setting is read.
    try {
      applyProfile();
    } catch (err) {
      console.error(`server-monitor: ${(err as Error).message}`);
      process.exit(2);
    }
    if (!isMainThread || process.env.LOCAL_WORKER_ID !== undefined) {
      debug('worker thread: nothing to do (the main thread samples)');
      return;
    }
    const artillery = artilleryGlobal();
    const orderProblem = pluginOrderProblem('server-monitor', Object.keys(script.config.plugins ?? {}));
    if (orderProblem) {
      console.error(orderProblem);
      process.exit(2);
    }
    const scenario = path.basename(script._configPath ?? 'run', path.extname(script._configPath ?? ''));
    const target = resolveTarget(script.config.target, process.env.BASE_URL || undefined);
    let monitor: Monitor;
    let config: MonitorConfig;
    try {
      config = readMonitorConfig((script.config.plugins?.['server-monitor'] ?? {}) as PluginOptions, process.env);
      monitor = createMonitor(config, target, scenario, {
        runStartedAt: () => {
          const at = artillery.testInfo?.metadata?.startedAt;
          return at === undefined ? undefined : new Date(at);
        },
        notice: (line) => artillery.log(line),
      });
    } catch (err) {
      if (!(err instanceof SelectorError || err instanceof MonitorConfigError)) throw err;
      console.error(`server-monitor: ${err.message}`);
      process.exit(2);
    }
    this.monitor = monitor;
    const { source } = monitor;
    if (source.kind === 'local') {
      artillery.log(`Server monitor: sampling pid ${source.rootPid} and its children every ${config.intervalMs} ms`);
    } else if (source.kind === 'remote') {
      artillery.log(`Server monitor: sampling ${source.metricsUrl} every ${config.intervalMs} ms`);
    } else {
      // Off or not: an unmeasured server gate fails unless the scenario marks it `strict: false`.
      artillery.log(`Server monitor: ${source.reason}; server gates fail as not measured unless marked strict: false`);
    }
    monitor.start();
    debug('created: source %s', source.kind);
    events.on('stats', (stats) => {
      debug('stats: adding server.* to the period');
      monitor.addPeriodMetrics(stats);
    });
    events.on('done', (stats) => {
      debug('done: adding server.* to the final report (before ensure judges it)');
      monitor.addAggregateMetrics(stats);
    });
    let reportFailed = false;
    artillery.ext({
      ext: 'beforeExit',
      method: async (data) => {
        debug('beforeExit: writing the health report (earlyStop %s)', data.earlyStop === true);
        monitor.stop();
        let written: ReturnType<Monitor['writeReport']>;
        try {
          written = monitor.writeReport(data.earlyStop === true);
        } catch (err) {
          if (!(err instanceof HealthFilesError)) throw err;
          reportFailed = true;
          console.error(`server-monitor: ${err.message}`);
          // A report that could not be written fails the run; a failed gate's exit code stays.
          if (!artillery.suggestedExitCode) artillery.suggestedExitCode = 2;
          return;
        }
        const { file, report } = written;
        artillery.log(`Server health report: ${path.relative(process.cwd(), file)}`);
        // For the verdict plugin's HTML report, which is written after ensure has judged.
        artillery.globalEvents.emit('server-monitor:report', { file, report });
        debug('server-monitor:report emitted');
      },
    });
    // Exits that skip beforeExit: a configuration error (exit 2) leaves no report files;
    // any other (a fatal error in a hook) still gets its health report.
    process.once('exit', (code) => {
      if (code === 2) {
        monitor.discardFiles();
        return;
      }
      if (reportFailed) return;
      try {
        monitor.writeReport(true);
      } catch (err) {
        if (err instanceof HealthFilesError) console.error(`server-monitor: ${err.message}`);
      }
    });
  }

  cleanup(done: () => void): void {
    this.monitor?.stop();
    done();
  }
}
