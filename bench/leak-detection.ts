// Detection power and false positives of the leak verdict on scenarios/memory-leak.yml:
// the healthy target run N times (how often it is wrongly called a leak), and the
// leak fault at several sizes per request (how often it is caught). Each run's health
// report is kept under --keep (default /tmp/leak-bench) for re-analysis.
// Prints figures; asserts nothing.
//   npm run bench:leak [-- --healthy 20 --runs 10 --sizes 8 --keep /tmp/leak-bench]
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runArtillery } from '../scripts/lib/artillery-cli.ts';
import { startTarget } from '../target/launch.ts';

const { values } = parseArgs({
  options: {
    healthy: { type: 'string', default: '20' },
    runs: { type: 'string', default: '10' },
    sizes: { type: 'string', default: '8' },
    keep: { type: 'string', default: path.join(tmpdir(), 'leak-bench') },
  },
});

interface Outcome {
  leak: boolean;
  slope: number;
  kibPerRequest: number;
  growth: number;
}

async function memoryLeakRun(targetArgs: string[], label: string): Promise<Outcome> {
  const target = await startTarget(targetArgs);
  const dir = mkdtempSync(path.join(tmpdir(), 'leak-bench-'));
  try {
    const out = path.join(dir, 'out.json');
    await runArtillery('scenarios/memory-leak.yml', {
      target: target.url,
      outputJson: out,
      env: { REPORTS_DIR: dir },
      onOutput: () => {},
    });
    const health = readdirSync(dir).find((f) => f.startsWith('server_health_report_'));
    mkdirSync(values.keep, { recursive: true });
    if (health) copyFileSync(path.join(dir, health), path.join(values.keep, `${label}.json`));
    const counters = (JSON.parse(readFileSync(out, 'utf8')) as { aggregate: { counters: Record<string, number> } })
      .aggregate.counters;
    return {
      leak: counters['server.leak_detected'] === 1,
      slope: counters['server.leak_slope_mb_per_min'] ?? Number.NaN,
      kibPerRequest: counters['server.leak_kib_per_request'] ?? Number.NaN,
      growth: counters['server.memory_growth_mb'] ?? Number.NaN,
    };
  } finally {
    await target.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const describe = (o: Outcome[]) =>
  `${o.filter((x) => x.leak).length}/${o.length} flagged; KiB/request ${o.map((x) => x.kibPerRequest).join(', ')}; slopes ${o.map((x) => x.slope).join(', ')} MB/min; growth ${o.map((x) => x.growth).join(', ')} MB`;

async function main() {
  const healthy: Outcome[] = [];
  for (let i = 0; i < Number(values.healthy); i++) healthy.push(await memoryLeakRun([], `healthy-${i + 1}`));
  if (healthy.length > 0) console.log(`healthy target: ${describe(healthy)}`);
  for (const kb of values.sizes.split(',').filter(Boolean)) {
    const runs: Outcome[] = [];
    for (let i = 0; i < Number(values.runs); i++)
      runs.push(await memoryLeakRun(['--fault', 'leak', '--leak-kb', kb], `leak-${kb}-${i + 1}`));
    console.log(`leak ${kb} KiB per signal (${Number(kb)} MB per 1,000): ${describe(runs)}`);
  }
}

main().catch((err: unknown) => {
  console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
