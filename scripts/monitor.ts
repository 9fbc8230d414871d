// `npm run monitor -- --duration 300 --interval 1 [--port 8000 | --pid N | --pidfile F | --command RE | --metrics-url URL] [--profile F]`
// The guide's stand-alone health monitor, beside a run in another terminal: the same
// sampler, analysis and reports as the Artillery plugin, without Artillery.
import { parseArgs } from 'node:util';
import { createMonitor, MonitorConfigError, readMonitorConfig, SelectorError } from 'artillery-plugin-server-monitor';
import { applyProfileTo } from 'webhook-stress-common';

function main(): void {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '300' },
      interval: { type: 'string', default: '1' },
      pid: { type: 'string' },
      pidfile: { type: 'string' },
      port: { type: 'string' },
      command: { type: 'string' },
      'metrics-url': { type: 'string' },
      target: { type: 'string', default: 'http://127.0.0.1:8000' },
      quiet: { type: 'boolean', default: false },
      profile: { type: 'string' },
    },
  });
  // The profile (--profile, WEBHOOK_STRESS_PROFILE or ./webhook-stress.profile) under the environment, under the flags.
  const fromProfile: Record<string, string | undefined> = {
    ...process.env,
    ...(values.profile ? { WEBHOOK_STRESS_PROFILE: values.profile } : {}),
  };
  applyProfileTo(fromProfile);
  const durationS = Number(values.duration);
  const env = {
    ...fromProfile,
    MONITOR_INTERVAL_MS: String(Number(values.interval) * 1000),
    ...(values.pid ? { SERVER_PID: values.pid } : {}),
    ...(values.pidfile ? { SERVER_PIDFILE: values.pidfile } : {}),
    ...(values.port ? { SERVER_PORT: values.port } : {}),
    ...(values.command ? { SERVER_COMMAND: values.command } : {}),
    ...(values['metrics-url'] ? { SERVER_METRICS_URL: values['metrics-url'] } : {}),
  };
  const config = readMonitorConfig({}, env);
  const monitor = createMonitor(config, values.target, 'standalone', {
    echo: values.quiet ? undefined : console.log,
    notice: console.log,
  });
  const finish = (interrupted: boolean) => {
    monitor.stop();
    const { file } = monitor.writeReport(interrupted);
    console.log(`Server health report: ${file}`);
    process.exit(0);
  };
  monitor.start();
  setTimeout(() => finish(false), durationS * 1000);
  process.once('SIGINT', () => finish(true));
  process.once('SIGTERM', () => finish(true));
}

try {
  main();
} catch (err) {
  if (!(err instanceof SelectorError || err instanceof MonitorConfigError)) throw err;
  console.error(`monitor: ${err.message}`);
  process.exit(2);
}
