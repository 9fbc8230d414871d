// CPU of the server monitor's own sampling, at 1 s and at 100 ms, against the same
// process with the monitor off, side by side, on a reference target with 2 workers.
// Each mode runs for a short and a long duration; the difference, divided by the extra
// seconds, is the steady cost of sampling, free of start-up (module loading, the first
// scan for the server's port). Prints figures; asserts nothing.
//   npm run bench:monitor [-- --seconds 30 --rounds 3]
import { parseArgs } from 'node:util';
import { startTarget } from '../reference-server/launch.ts';
import { cpuSecondsOf, median } from './cpu-of.ts';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '30' }, rounds: { type: 'string', default: '3' } },
});
const extra = Number(values.seconds);
const SHORT_S = 5;

async function main() {
  const target = await startTarget(['--workers', '2']);
  const port = new URL(target.url).port;
  const monitor = (seconds: number, interval: string, env: Record<string, string>) =>
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
  const modes: [string, string, Record<string, string>][] = [
    ['off', '1', { SERVER_MONITOR: 'off' }],
    ['1 s', '1', {}],
    ['100 ms', '0.1', {}],
  ];
  const perSecond: Record<string, number[]> = Object.fromEntries(modes.map(([name]) => [name, []]));
  try {
    for (let round = 1; round <= Number(values.rounds); round++) {
      const line: string[] = [];
      for (const [name, interval, env] of modes) {
        const short = await monitor(SHORT_S, interval, env);
        const long = await monitor(SHORT_S + extra, interval, env);
        const cost = (long - short) / extra;
        perSecond[name]?.push(cost);
        line.push(`${name}: ${short.toFixed(3)} s / ${long.toFixed(3)} s -> ${(cost * 100).toFixed(3)} % of a core`);
      }
      console.log(`round ${round}: ${line.join('; ')}`);
    }
  } finally {
    await target.stop();
  }
  const base = median(perSecond.off ?? []);
  console.log(
    `\nSteady CPU of the monitor process (${SHORT_S} s vs ${SHORT_S + extra} s runs), medians of ${values.rounds} rounds:`,
  );
  for (const [name] of modes) {
    const m = median(perSecond[name] ?? []);
    const sampling = name === 'off' ? '' : `; sampling alone ${((m - base) * 100).toFixed(3)} % of a core`;
    console.log(`  monitor ${name.padEnd(6)} ${(m * 100).toFixed(3)} % of a core${sampling}`);
  }
}

main().catch((err: unknown) => {
  console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
