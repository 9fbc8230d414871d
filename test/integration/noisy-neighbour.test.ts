// The noisy-neighbour verdict on limiters the pack did not build (Debian's nginx limit_req,
// keyed per webhook or once for all) and on the reference target's starve fault.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { failedGates, runScenario } from '../helpers/artillery.ts';
import { requireInstalled } from '../helpers/installed.ts';
import { NGINX, startNginx } from '../helpers/nginx.ts';

const tokens = ['noisy', 'n1', 'n2', 'n3', 'n4'];
const CREDENTIALS = { WEBHOOK_TOKEN: tokens.join(','), WEBHOOK_SECRET: tokens.map((t) => `${t}-secret`).join(',') };
const NEIGHBOURS_GATE = 'neighbours.accepted / neighbours.sent >= 0.95';

describe('noisy-neighbour against real nginx limit_req', () => {
  before(() => requireInstalled(NGINX, 'nginx-light'));
  it('a limit per webhook ($uri): the neighbours are untouched, the noisy one limited, passes', async () => {
    const nginx = await startNginx({ rate: 10, burst: 9 });
    try {
      const run = await runScenario('noisy-neighbour', nginx.url, CREDENTIALS);
      assert.deepEqual(failedGates(run), [], run.output);
      assert.equal(run.code, 0, run.output);
      assert.ok((run.counters['neighbours.accepted'] ?? 0) >= 0.95 * (run.counters['neighbours.sent'] ?? 1));
      assert.ok((run.counters['noisy.rate_limited'] ?? 0) / (run.counters['noisy.sent'] ?? 1) >= 0.8);
    } finally {
      await nginx.stop();
    }
  });

  it('one limit for all webhooks ($server_port): the flood starves the neighbours, fails only their gate', async () => {
    const nginx = await startNginx({ rate: 10, burst: 9, key: '$server_port' });
    try {
      const run = await runScenario('noisy-neighbour', nginx.url, CREDENTIALS);
      assert.deepEqual(failedGates(run), [NEIGHBOURS_GATE], run.output);
      assert.equal(run.code, 1, run.output);
    } finally {
      await nginx.stop();
    }
  });
});
