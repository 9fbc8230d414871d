// Leave no litter: a run deletes the webhooks it created when DELETE_WEBHOOK_PATH is set,
// counted on the reference target's own gauge; a failed delete is one warning, not a failed run.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { processedCountEnv, type RunningTarget, startTarget } from '../../reference-server/launch.ts';
import { runScenario } from '../helpers/artillery.ts';
import { metricValue } from '../helpers/installed.ts';

let target: RunningTarget;
before(async () => {
  target = await startTarget();
});
after(async () => target.stop());

async function liveWebhooks(): Promise<number> {
  const text = await (await fetch(`${target.url}/metrics`)).text();
  return metricValue(text, 'webhook_webhooks_live');
}

// idempotency: one run, never re-run (a burst run judged INVALID is, and would provision again).
const run = (env: Record<string, string>) =>
  runScenario('idempotency', target.url, { ...processedCountEnv(target.url), ...env });

describe('leave no litter', () => {
  it('DELETE_WEBHOOK_PATH set: the run leaves no webhook behind', async () => {
    const live = await liveWebhooks();
    const result = await run({ DELETE_WEBHOOK_PATH: '/api/v1/webhooks/{token}' });
    assert.equal(result.code, 0, result.output);
    assert.equal(await liveWebhooks(), live);
    assert.doesNotMatch(result.output, /not deleted|stay on the server/);
  });

  it('DELETE_WEBHOOK_PATH unset: one line says the webhook stays', async () => {
    const live = await liveWebhooks();
    const result = await run({});
    assert.equal(result.code, 0, result.output);
    assert.equal(await liveWebhooks(), live + 1);
    assert.equal(
      result.output.match(/Created 1 webhook\(s\) that stay on the server: set DELETE_WEBHOOK_PATH/g)?.length,
      1,
    );
  });

  it('a delete that fails is one warning line, and the verdict stands', async () => {
    const live = await liveWebhooks();
    const result = await run({ DELETE_WEBHOOK_PATH: '/api/v1/nowhere/{token}' });
    assert.equal(result.code, 0, result.output);
    assert.equal(await liveWebhooks(), live + 1);
    const warnings = result.output.match(
      /Warning: 1 of 1 webhook\(s\) not deleted at \/api\/v1\/nowhere\/\{token\} \(HTTP 405\)/g,
    );
    assert.equal(warnings?.length, 1, result.output);
  });
});
