// Detection power and false positives of the leak verdict on scenarios/memory-leak.yml:
// the healthy target run N times (how often it is wrongly called a leak), and the
// leak fault at several sizes per request (how often it is caught).
// Prints figures; asserts nothing.   npm run bench:leak [-- --healthy 10 --runs 3 --sizes 1,2,4,8]
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runArtillery } from '../scripts/lib/artillery-cli.ts';
import { startTarget } from '../target/launch.ts';

const { values } = parseArgs({
  options: {
    healthy: { type: 'string', default: '10' },
    runs: { type: 'string', default: '3' },
    sizes: { type: 'string', default: '1,2,4,8,16' },
  },
});

interface Outcome {
  leak: boolean;
  slope: number;
  growth: number;
}

async function memoryLeakRun(targetArgs: string[]): Promise<Outcome> {
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
    const counters = (JSON.parse(readFileSync(out, 'utf8')) as { aggregate: { counters: Record<string, number> } })
      .aggregate.counters;
    return {
      leak: counters['server.leak_detected'] === 1,
      slope: counters['server.leak_slope_mb_per_min'] ?? Number.NaN,
      growth: counters['server.memory_growth_mb'] ?? Number.NaN,
    };
  } finally {
    await target.stop();
  }
}

const describe = (o: Outcome[]) =>
  `${o.filter((x) => x.leak).length}/${o.length} flagged; slopes ${o.map((x) => x.slope).join(', ')} MB/min; growth ${o.map((x) => x.growth).join(', ')} MB`;

async function main() {
  const healthy: Outcome[] = [];
  for (let i = 0; i < Number(values.healthy); i++) healthy.push(await memoryLeakRun([]));
  console.log(`healthy target: ${describe(healthy)}`);
  for (const kb of values.sizes.split(',')) {
    const runs: Outcome[] = [];
    for (let i = 0; i < Number(values.runs); i++) runs.push(await memoryLeakRun(['--fault', 'leak', '--leak-kb', kb]));
    console.log(`leak ${kb} KiB per signal (${Number(kb)} MB per 1,000): ${describe(runs)}`);
  }
}

main().catch((err: unknown) => {
  console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
