// The rate-limit verdict against Debian's nginx `limit_req` (rate=10r/s burst=9 nodelay,
// judged as RATE_LIMIT_MODEL=token-bucket RATE_LIMIT_BURST=10): `--runs` runs with the
// limiter on must pass, `--runs` runs with it off must fail the band gate alone. A run
// whose burst was smeared by other load is INVALID (not judged, non-zero exit) and is
// counted apart. Not niced: the spread is part of what is measured.
// Exits 1 when any run is judged wrongly (a PASS with the limiter off, a FAIL with it on).
//   npm run bench:limiter [-- --runs 20]
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type ArtilleryRun, failedGates, runScenario } from '../test/helpers/artillery.ts';
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

type Verdict = 'PASS' | 'FAIL (band gate only)' | 'INVALID' | 'other';

function verdictOf(run: ArtilleryRun): Verdict {
  if (run.verdict?.invalid !== undefined && run.code !== 0) return 'INVALID';
  const failed = failedGates(run);
  if (failed.length === 0 && run.code === 0) return 'PASS';
  if (failed.length === 1 && failed[0] === BAND_GATE && run.code === 1) return 'FAIL (band gate only)';
  return 'other';
}

async function series(limiter: NginxLimiter): Promise<{ verdicts: Verdict[]; seen: string[] }> {
  const nginx = await startNginx(limiter);
  const verdicts: Verdict[] = [];
  const seen: string[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const run = await runScenario('rate-limit', nginx.url, ENV);
      const verdict = verdictOf(run);
      verdicts.push(verdict);
      const c = run.counters;
      const spread = run.verdict?.gates[0]?.measured['burst.dispatch_spread_ms.max'];
      seen.push(
        `${c['webhook.limit_allowed']} in ${c['webhook.limit_band_min']}-${c['webhook.limit_band_max']}, ${spread} ms, ${verdict}`,
      );
      process.stdout.write(verdict === 'PASS' ? 'P' : verdict === 'INVALID' ? 'i' : verdict === 'other' ? '?' : 'F');
    }
  } finally {
    await nginx.stop();
  }
  console.log();
  return { verdicts, seen };
}

function tally(verdicts: Verdict[]): string {
  const counts = new Map<Verdict, number>();
  for (const v of verdicts) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].map(([v, n]) => `${v} ${n}`).join(', ');
}

async function main() {
  if (!existsSync(NGINX)) throw new Error(`${NGINX} is not installed; apt-get install nginx-light`);
  const on = await series({ rate: 10, burst: 9 });
  const off = await series({});
  console.log('| receiver | scenario | expected | observed | runs |');
  console.log('| --- | --- | --- | --- | --- |');
  console.log(
    `| nginx limit_req rate=10r/s burst=9 nodelay | rate-limit.yml, token-bucket 10 | PASS | ${tally(on.verdicts)} | ${runs} |`,
  );
  console.log(
    `| nginx, no limit_req | rate-limit.yml, token-bucket 10 | FAIL (band gate only) | ${tally(off.verdicts)} | ${runs} |`,
  );
  console.log('\nper run (allowed in band, spread, verdict), limiter on:', on.seen.join('; '));
  console.log('per run, limiter off:', off.seen.join('; '));
  const misjudged =
    on.verdicts.some((v) => v === 'FAIL (band gate only)' || v === 'other') ||
    off.verdicts.some((v) => v === 'PASS' || v === 'other');
  if (misjudged) process.exit(1);
}

main().catch((err: unknown) => {
  console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
