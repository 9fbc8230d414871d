// The monitor's alerts, in the guide's words: what a person watching the server would be
// told (a worker died, memory grew past the guide's 50 and 100 MB, CPU stayed above 80 %).
import type { Alert, Sample, TreeEvent } from 'webhook-stress-common';

const MB = 1024 * 1024;
export const GROWTH_CRITICAL_MB = 100;
export const GROWTH_WARNING_MB = 50;
export const CPU_HIGH_PERCENT = 80;
/** "Sustained": this many samples in a row, so one busy second is not a warning. */
export const CPU_HIGH_SAMPLES = 5;

export interface Alerts {
  /** A one-off alert, or one raised at most once per `once` key. */
  raise(at: number, level: Alert['level'], message: string, once?: string): void;
  /** The alert a change in the process tree (or a remote restart) is worth. */
  onTreeEvent(event: TreeEvent): void;
  /** Memory growth over the first sample and CPU held high, checked at every sample. */
  onSample(sample: Sample, first: Sample): void;
  list(): Alert[];
}

export function createAlerts(log: (alert: Alert) => void, serverName: string): Alerts {
  const alerts: Alert[] = [];
  const raised = new Set<string>();
  let highCpuRun = 0;

  const raise: Alerts['raise'] = (at, level, message, once) => {
    if (once) {
      if (raised.has(once)) return;
      raised.add(once);
    }
    const alert = { at, level, message };
    alerts.push(alert);
    log(alert);
  };

  return {
    raise,
    onTreeEvent(event) {
      if (event.kind === 'worker_exited') raise(event.at, 'critical', `worker (pid:${event.pid}) died: crash`);
      else if (event.kind === 'worker_started')
        raise(event.at, 'warning', `worker (pid:${event.pid}) started during the run`);
      else if (event.kind === 'restarted') raise(event.at, 'critical', `${serverName} restarted: crash`);
      else raise(event.at, 'critical', `server root (pid:${event.pid}) died`);
    },
    onSample(sample, first) {
      const growthMb = (sample.totals.memoryBytes - first.totals.memoryBytes) / MB;
      if (growthMb > GROWTH_CRITICAL_MB)
        raise(sample.at, 'critical', `memory grew ${growthMb.toFixed(1)} MB`, 'growth-critical');
      else if (growthMb > GROWTH_WARNING_MB)
        raise(sample.at, 'warning', `memory grew ${growthMb.toFixed(1)} MB`, 'growth-warning');
      highCpuRun = sample.totals.cpuPercent > CPU_HIGH_PERCENT ? highCpuRun + 1 : 0;
      if (highCpuRun === CPU_HIGH_SAMPLES)
        raise(sample.at, 'warning', `CPU above ${CPU_HIGH_PERCENT} % for ${CPU_HIGH_SAMPLES} samples`);
    },
    list: () => alerts,
  };
}
