// The guide's outputs, kept compatible with its Python monitor: a log, one line a sample
// or alert as they happen (so an interrupted run keeps them), and a health report with
// the guide's summary keys and every sample. Both are named like the run's other files:
// monitor_<scenario>-<stamp>.log and server_health_report_<scenario>-<stamp>.json.
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileStamp } from 'webhook-stress-common';

const MB = 1024 * 1024;
export function sampleLine(sample) {
  const t = sample.totals;
  return [
    new Date(sample.at).toISOString(),
    'sample',
    `memory_mb=${(t.memoryBytes / MB).toFixed(1)}`,
    `rss_mb=${(t.rssBytes / MB).toFixed(1)}`,
    `cpu_percent=${t.cpuPercent.toFixed(1)}`,
    `processes=${Object.keys(sample.processes).length}`,
    ...(sample.exited.length > 0 ? [`zombies=${sample.exited.length}`] : []),
    `threads=${t.threads}`,
    `open_files=${t.openFiles}`,
    `connections=${t.connections}`,
  ].join(' ');
}
export function alertLine(alert) {
  return `${new Date(alert.at).toISOString()} ${alert.level.toUpperCase()} ${alert.message}`;
}
/** The health report could not be written: the message is one line for a person. */
export class HealthFilesError extends Error {}
function errorCode(err) {
  return err.code ?? String(err);
}
/**
 * `startedAt` is read when a file is first written: Artillery sets the run's start time
 * after plugins are created. Log lines wait in memory until it is known.
 */
export function createHealthFiles(
  dir,
  scenario,
  startedAt,
  echo,
  /** Told once when the log cannot be written; sampling goes on without the log. */
  onLogError = (message) => console.error(`server-monitor: ${message}`),
) {
  let base;
  let pending = [];
  let logWritten = false;
  let discarded = false;
  const baseName = (fallback) => {
    const at = startedAt() ?? fallback;
    if (base === undefined && at) base = `${scenario}-${fileStamp(at)}`;
    return base;
  };
  const logFile = (name) => path.join(dir, `monitor_${name}.log`);
  return {
    log(line) {
      echo?.(line);
      if (discarded) return;
      pending.push(line);
      const name = baseName();
      if (name === undefined) return;
      try {
        mkdirSync(dir, { recursive: true });
        appendFileSync(logFile(name), `${pending.join('\n')}\n`);
      } catch (err) {
        // Called from the sampling timer: a throw here would end the run with a stack trace.
        discarded = true;
        pending = [];
        onLogError(`cannot write ${logFile(name)}: ${errorCode(err)}; check REPORTS_DIR (sampling goes on)`);
        return;
      }
      logWritten = true;
      pending = [];
    },
    writeReport(report) {
      const name = baseName(new Date(report.started_at));
      const file = path.join(dir, `server_health_report_${name}.json`);
      try {
        mkdirSync(dir, { recursive: true });
        if (pending.length > 0 && !discarded) appendFileSync(logFile(name), `${pending.join('\n')}\n`);
        pending = [];
        writeFileSync(file, `${JSON.stringify(report, null, 1)}\n`);
      } catch (err) {
        throw new HealthFilesError(`cannot write ${file}: ${errorCode(err)}; check REPORTS_DIR`);
      }
      return file;
    },
    discard() {
      discarded = true;
      pending = [];
      if (logWritten && base) rmSync(logFile(base), { force: true });
    },
  };
}
