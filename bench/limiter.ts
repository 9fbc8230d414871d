// The rate-limit verdict against Debian's nginx `limit_req` (rate=10r/s burst=9 nodelay,
// judged as RATE_LIMIT_MODEL=token-bucket RATE_LIMIT_BURST=10): `--runs` runs with the
// limiter on must all pass, `--runs` runs with it off must all fail the band gate alone.
// Prints the count of each; exits 1 when any run disagrees.
//   npm run bench:limiter [-- --runs 20]
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { failedGates, runScenario } from '../test/helpers/artillery.ts';
import { NGINX, type NginxLimiter, startNginx } from '../test/helpers/nginx.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' } } });
const runs = Number(values.runs);
const BAND_GATE =
  'webhook.rate_limited > 0 and webhook.limit_allowed >= webhook.limit_band_min and webhook.limit_allowed <= webhook.limit_band_max';
const ENV = {
  WEBHOOK_TOKEN: 'bench-limiter',
  WEBHOOK_SECRET: 'bench-limiter-secret',
  RATE_LIMIT_MODEL: 'token-bucket',
  RATE_LIMIT_BURST: '10',
};

async function series(limiter: NginxLimiter, expectedFailures: string[]): Promise<{ right: number; seen: string[] }> {
  const nginx = await startNginx(limiter);
  const seen: string[] = [];
  let right = 0;
  try {
    for (let i = 0; i < runs; i++) {
      const run = await runScenario('rate-limit', nginx.url, ENV);
      const failed = failedGates(run);
      const ok =
        JSON.stringify(failed) === JSON.stringify(expectedFailures) && (run.code === 0) === (failed.length === 0);
      if (ok) right += 1;
      seen.push(
        `allowed ${run.counters['webhook.limit_allowed']} band ${run.counters['webhook.limit_band_min']}-${run.counters['webhook.limit_band_max']} spread ${run.verdict?.gates[0]?.measured['burst.dispatch_spread_ms.max']} ms exit ${run.code}${ok ? '' : ' WRONG'}`,
      );
      process.stdout.write(ok ? '.' : 'x');
    }
  } finally {
    await nginx.stop();
  }
  console.log();
  return { right, seen };
}

async function main() {
  if (!existsSync(NGINX)) throw new Error(`${NGINX} is not installed; apt-get install nginx-light`);
  const on = await series({ rate: 10, burst: 9 }, []);
  const off = await series({}, [BAND_GATE]);
  console.log('| receiver | scenario | expected | observed | runs |');
  console.log('| --- | --- | --- | --- | --- |');
  console.log(
    `| nginx limit_req rate=10r/s burst=9 nodelay | rate-limit.yml, token-bucket 10 | PASS | PASS ${on.right} of ${runs} | ${runs} |`,
  );
  console.log(
    `| nginx, no limit_req | rate-limit.yml, token-bucket 10 | FAIL (band gate only) | FAIL ${off.right} of ${runs} | ${runs} |`,
  );
  console.log('\nper run, limiter on:', on.seen.join('; '));
  console.log('per run, limiter off:', off.seen.join('; '));
  if (on.right !== runs || off.right !== runs) process.exit(1);
}

main().catch((err: unknown) => {
  console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
