// The order the pack's plugins need in `config.plugins`, checked at run time in one place.
// Artillery creates plugins, and later runs their `beforeExit` hooks, in the order they are
// listed. The server monitor hands its health report to the verdict in its `beforeExit`;
// ensure judges the gates, and the verdict writes the report, in ensure's `beforeExit`.
// So the monitor must come before ensure, and the verdict has nothing to write without ensure.
// Artillery's publish-metrics pushes each period's stats from its own `stats` handler, so it
// sees the monitor's server.* figures only when listed after the monitor.

export type PackPlugin = 'server-monitor' | 'verdict';

// The plugins whose order matters; Artillery adds others (metrics-by-endpoint) on its own.
const ORDERED = ['server-monitor', 'verdict', 'ensure', 'publish-metrics'];

/** One line saying what to change, or undefined when the order works. */
export function pluginOrderProblem(plugin: PackPlugin, listed: readonly string[]): string | undefined {
  const ensure = listed.indexOf('ensure');
  if (plugin === 'verdict' && ensure < 0)
    return 'verdict: ensure is not in config.plugins; add `ensure: {}` (it judges the gates the verdict reports)';
  if (plugin === 'server-monitor' && ensure >= 0 && listed.indexOf('server-monitor') > ensure)
    return `server-monitor: it is listed after ensure in config.plugins (${listed.filter((p) => ORDERED.includes(p)).join(', ')}); list server-monitor before ensure, or its figures miss the verdict's report`;
  const publish = listed.indexOf('publish-metrics');
  if (plugin === 'server-monitor' && publish >= 0 && listed.indexOf('server-monitor') > publish)
    return `server-monitor: it is listed after publish-metrics in config.plugins (${listed.filter((p) => ORDERED.includes(p)).join(', ')}); list server-monitor first, or no server.* figure is published`;
  return undefined;
}
