import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pluginOrderProblem } from '../../packages/common/plugin-order.ts';

describe('plugin order in config.plugins', () => {
  it('server-monitor before ensure works, with the verdict anywhere', () => {
    for (const listed of [
      ['server-monitor', 'verdict', 'ensure'],
      ['verdict', 'server-monitor', 'ensure'],
      ['server-monitor', 'ensure', 'verdict'],
    ]) {
      assert.equal(pluginOrderProblem('server-monitor', listed), undefined, listed.join());
      assert.equal(pluginOrderProblem('verdict', listed), undefined, listed.join());
    }
  });

  it('server-monitor after ensure: one line naming the order found and the fix', () => {
    assert.equal(
      pluginOrderProblem('server-monitor', ['verdict', 'ensure', 'server-monitor', 'metrics-by-endpoint']),
      "server-monitor: it is listed after ensure in config.plugins (verdict, ensure, server-monitor); list server-monitor before ensure, or its figures miss the verdict's report",
    );
  });

  it('publish-metrics before server-monitor: one line, since no server.* figure would be pushed', () => {
    assert.equal(
      pluginOrderProblem('server-monitor', ['publish-metrics', 'server-monitor', 'verdict', 'ensure']),
      'server-monitor: it is listed after publish-metrics in config.plugins (publish-metrics, server-monitor, verdict, ensure); list server-monitor first, or no server.* figure is published',
    );
    assert.equal(
      pluginOrderProblem('server-monitor', ['server-monitor', 'verdict', 'ensure', 'publish-metrics']),
      undefined,
    );
  });

  it('the verdict without ensure: one line saying to add it; the monitor alone is fine', () => {
    assert.match(pluginOrderProblem('verdict', ['server-monitor', 'verdict']) ?? '', /^verdict: ensure is not in/);
    assert.equal(pluginOrderProblem('server-monitor', ['server-monitor']), undefined);
  });
});
