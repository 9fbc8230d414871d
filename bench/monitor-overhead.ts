// CPU of the server monitor's own sampling, at 1 s and at 100 ms, against the same
// process with the monitor off, side by side, on a reference target with 2 workers.
// Prints figures; asserts nothing.   npm run bench:monitor [-- --seconds 30 --rounds 3]
import { parseArgs } from 'node:util';
import { startTarget } from '../target/launch.ts';
import { cpuSecondsOf, median } from './cpu-of.ts';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '30' }, rounds: { type: 'string', default: '3' } },
});
const seconds = Number(values.seconds);

async function main() {
  const target = await startTarget(['--workers', '2']);
  const port = new URL(target.url).port;
  const monitor = (interval: string, env: Record<string, string> = {}) =>
    cpuSecondsOf(
      [
        process.execPath,
        'scripts/monitor.ts',
        '--quiet',
        '--port',
        port,
        '--duration',
        String(seconds),
        '--interval',
        interval,
      ],
      { REPORTS_DIR: '/tmp/monitor-overhead-bench', ...env },
    );
  const runs: Record<string, number[]> = { off: [], '1 s': [], '100 ms': [] };
  try {
    for (let i = 0; i < Number(values.rounds); i++) {
      runs.off?.push(await monitor('1', { SERVER_MONITOR: 'off' }));
      runs['1 s']?.push(await monitor('1'));
      runs['100 ms']?.push(await monitor('0.1'));
      console.log(
        `round ${i + 1}: ${Object.entries(runs)
          .map(([k, v]) => `${k} ${v.at(-1)?.toFixed(3)} s`)
          .join(', ')}`,
      );
    }
  } finally {
    await target.stop();
  }
  const base = median(runs.off ?? []);
  console.log(`\nCPU seconds over ${seconds} s, medians of ${values.rounds} rounds (process start-up included):`);
  for (const [name, xs] of Object.entries(runs)) {
    const m = median(xs);
    const sampling = m - base;
    const extra =
      name === 'off'
        ? ''
        : `, sampling alone ${sampling.toFixed(3)} s = ${((sampling / seconds) * 100).toFixed(2)} % of a core, ratio ${(m / base).toFixed(2)}`;
    console.log(`  monitor ${name.padEnd(6)} ${m.toFixed(3)} s${extra}`);
  }
}

main().catch((err: unknown) => {
  console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
