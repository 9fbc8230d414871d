// Where the server's figures come from: its process tree on this machine (/proc), its
// metrics endpoint (SERVER_METRICS_URL), or nowhere (then every server gate is not measured).
import type { Sample } from 'webhook-stress-common';
import { hasExplicitSelector, type MonitorConfig } from './config.ts';
import { createRemoteSampler, type Scrape } from './remote-source.ts';
import { createLocalSampler } from './sampler.ts';
import { isLocalTarget, portOf, selectRootPid } from './select-process.ts';

export type Source =
  | { kind: 'local'; rootPid: number; sample: () => Promise<Sample> }
  | { kind: 'remote'; metricsUrl: string; sample: () => Promise<Sample & { scrape: Scrape }> }
  | { kind: 'off' | 'unmeasured'; reason: string };

export function chooseSource(config: MonitorConfig, target: string | undefined): Source {
  if (!config.enabled) return { kind: 'off', reason: config.offReason ?? 'turned off (SERVER_MONITOR=off)' };
  const local = target !== undefined && isLocalTarget(target);
  if (hasExplicitSelector(config.selector) || (!config.metricsUrl && local)) {
    const rootPid = selectRootPid(config.selector, target);
    const port = config.selector.port ?? (local && target ? portOf(target) : undefined);
    const sampler = createLocalSampler(rootPid, { port, workerMinAgeMs: config.workerMinAgeMs });
    return { kind: 'local', rootPid, sample: () => sampler.sample() };
  }
  if (config.metricsUrl) {
    const sampler = createRemoteSampler(config.metricsUrl);
    return { kind: 'remote', metricsUrl: config.metricsUrl, sample: () => sampler.sample() };
  }
  return {
    kind: 'unmeasured',
    reason: `target ${target ?? '(none)'} is not on this machine and no SERVER_METRICS_URL is set`,
  };
}

/** How the health report names the source. */
export function describeSource(source: Source, selector: MonitorConfig['selector']) {
  if (source.kind === 'local') return { kind: 'local' as const, root_pid: source.rootPid, selector };
  if (source.kind === 'remote') return { kind: 'remote' as const, metrics_url: source.metricsUrl };
  return { kind: source.kind, reason: source.reason };
}
