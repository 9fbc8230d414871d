// Client CPU of the pack (processor: signals, signing, classification; verdict plugin)
// against bare Artillery at the same rate and target, run alternately, side by side.
// Also the burst's first-to-last dispatch spread. Prints figures; asserts nothing.
//   npm run bench [-- --rounds 3 --rate 200 --duration 20 --bursts 5]
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startTarget } from '../reference-server/launch.ts';
import { ARTILLERY } from '../scripts/lib/artillery-cli.ts';
import { cpuSecondsOf, median } from './cpu-of.ts';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    rate: { type: 'string', default: '200' },
    duration: { type: 'string', default: '20' },
    bursts: { type: 'string', default: '5' },
  },
});
const rounds = Number(values.rounds);
const rate = Number(values.rate);
const duration = Number(values.duration);
const requests = rate * duration;

interface Measured {
  cpuS: number;
  report: { aggregate: { counters: Record<string, number>; summaries: Record<string, Record<string, number>> } };
}

async function measure(scenario: string, target: string, extra: string[]): Promise<Measured> {
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'bench-')), 'out.json');
  const argv = [process.execPath, ARTILLERY, 'run', '-t', target, '--output', out, ...extra, scenario];
  const cpuS = await cpuSecondsOf(argv, { REPORTS_DIR: path.dirname(out) });
  return { cpuS, report: JSON.parse(readFileSync(out, 'utf8')) };
}

async function main() {
  // A limit far above the benchmark rate, so neither run is throttled.
  const target = await startTarget(['--rate-limit', '100000']);
  const phases = JSON.stringify({ config: { phases: [{ arrivalRate: rate, duration }] } });
  const bare: number[] = [];
  const pack: number[] = [];
  try {
    for (let i = 0; i < rounds; i++) {
      bare.push((await measure('bench/bare.yml', target.url, ['--overrides', phases])).cpuS);
      const run = await measure('scenarios/sustained.yml', target.url, ['--overrides', phases]);
      pack.push(run.cpuS);
      const sent = run.report.aggregate.counters['webhook.sent'];
      console.log(
        `round ${i + 1}: bare ${bare[i]?.toFixed(2)} s CPU, pack ${pack[i]?.toFixed(2)} s CPU (${sent} signed)`,
      );
    }
    const spreads: number[] = [];
    for (let i = 0; i < Number(values.bursts); i++) {
      const run = await measure('scenarios/burst.yml', target.url, []);
      spreads.push(run.report.aggregate.summaries['burst.dispatch_spread_ms']?.max ?? Number.NaN);
    }
    if (rounds > 0) {
      const b = median(bare);
      const p = median(pack);
      const per1000 = (cpu: number) => ((cpu / requests) * 1000).toFixed(3);
      console.log(`\n${requests} requests per run at ${rate}/s, ${rounds} alternating rounds, medians:`);
      console.log(`  bare Artillery:  ${b.toFixed(2)} s CPU total, ${per1000(b)} s per 1,000`);
      console.log(`  pack:            ${p.toFixed(2)} s CPU total, ${per1000(p)} s per 1,000`);
      console.log(`  ratio pack/bare: ${(p / b).toFixed(2)}; added per 1,000 signed requests: ${per1000(p - b)} s`);
    }
    console.log(`burst (100 identical signals), first-to-last dispatch spread over ${spreads.length} runs:`);
    console.log(`  median ${median(spreads).toFixed(1)} ms, max ${Math.max(...spreads).toFixed(1)} ms`);
  } finally {
    await target.stop();
  }
}

main().catch((err: unknown) => {
  console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
