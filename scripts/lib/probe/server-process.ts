// Which process is the server, for the monitor: the one listening on the target's port on this
// machine (Linux /proc), found the way the monitor finds it, so nothing needs setting when found.
import { existsSync, readFileSync } from 'node:fs';
import { SelectorError, selectRootPid } from 'artillery-plugin-server-monitor';
import { isLoopback } from 'webhook-stress-common';
import { type Finding, finding } from './finding.ts';

function programOf(pid: number): string {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    // The program and its first word only: arguments may carry a password.
    return argv
      .slice(0, 2)
      .map((a) => a.split('/').at(-1))
      .join(' ');
  } catch {
    return 'unknown';
  }
}

export function probeServerProcess(target: string): Finding {
  const property = 'server process (monitor)';
  if (!existsSync('/proc/self/stat')) {
    return finding({
      property,
      value: 'undetermined: no /proc here',
      confidence: 'undetermined',
      because: 'the local monitor needs Linux /proc: run on the server, or give --metrics-url',
    });
  }
  if (!isLoopback(target)) {
    return finding({
      property,
      value: 'not on this machine',
      confidence: 'undetermined',
      because: 'the monitor samples only local processes: give its metrics with --metrics-url (SERVER_METRICS_URL)',
    });
  }
  try {
    const pid = selectRootPid({}, target);
    return finding({
      property,
      value: `pid ${pid} (${programOf(pid)})`,
      confidence: 'sure',
      because: `it listens on the target's port; the monitor finds it the same way at each run, nothing to set`,
    });
  } catch (err) {
    if (!(err instanceof SelectorError)) throw err;
    return finding({ property, value: 'undetermined', confidence: 'undetermined', because: err.message });
  }
}
