// How simultaneous the pack's bursts are, beside the floor of this machine measured
// in the same script: N keep-alive sockets opened first, requests pre-built as bytes,
// written in one synchronous loop with raw node:net. Then `--runs` burst.yml (100) and
// rate-limit.yml (20) runs against the reference target, each reading
// burst.dispatch_spread_ms (last socket write minus first). Prints figures; asserts nothing.
// Not niced on purpose: the spread is the measurement.
//   npm run bench:spread [-- --runs 20]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startTarget } from '../reference-server/launch.ts';
import { runArtillery } from '../scripts/lib/artillery-cli.ts';
import { median } from './cpu-of.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' } } });
const runs = Number(values.runs);

async function floorSpreadMs(url: URL, sockets: number): Promise<number> {
  const open = await Promise.all(
    Array.from(
      { length: sockets },
      () =>
        new Promise<net.Socket>((resolve, reject) => {
          const s = net.connect({ host: url.hostname, port: Number(url.port) }, () => resolve(s));
          s.setNoDelay(true);
          s.setKeepAlive(true);
          s.once('error', reject);
        }),
    ),
  );
  const request = Buffer.from(`GET /health HTTP/1.1\r\nHost: ${url.host}\r\nConnection: keep-alive\r\n\r\n`);
  const writtenAt: number[] = [];
  for (const s of open) {
    s.write(request);
    writtenAt.push(performance.now());
  }
  const spread = (writtenAt.at(-1) ?? 0) - (writtenAt[0] ?? 0);
  await new Promise((resolve) => setTimeout(resolve, 200));
  for (const s of open) s.destroy();
  return spread;
}

async function scenarioSpreadMs(scenario: string, target: string): Promise<number> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-spread-'));
  const out = path.join(dir, 'out.json');
  await runArtillery(`scenarios/${scenario}.yml`, {
    target,
    outputJson: out,
    env: { REPORTS_DIR: dir },
    onOutput: () => {},
  });
  const report = JSON.parse(readFileSync(out, 'utf8')) as {
    aggregate: { summaries: Record<string, Record<string, number>> };
  };
  rmSync(dir, { recursive: true, force: true });
  return report.aggregate.summaries['burst.dispatch_spread_ms']?.max ?? Number.NaN;
}

const fmt = (ms: number) => `${ms.toFixed(2)} ms`;

async function main() {
  console.log(`load before: ${execFileSync('uptime', { encoding: 'utf8' }).trim()}`);
  const target = await startTarget();
  try {
    const url = new URL(target.url);
    const rows: { what: string; spreads: number[]; floor: number[] }[] = [];
    for (const [scenario, sockets] of [
      ['burst', 100],
      ['rate-limit', 20],
    ] as const) {
      // Alternated, so the floor and the runs see the same load on the machine.
      const floor: number[] = [];
      const spreads: number[] = [];
      for (let i = 0; i < runs; i++) {
        floor.push(await floorSpreadMs(url, sockets));
        spreads.push(await scenarioSpreadMs(scenario, target.url));
        process.stdout.write('.');
      }
      console.log();
      rows.push({ what: `${scenario}.yml (${sockets} requests)`, spreads, floor });
    }
    console.log(`load after: ${execFileSync('uptime', { encoding: 'utf8' }).trim()}\n`);
    console.log(
      '| burst | runs | spread median | spread max | runs over 5 ms | floor median | floor max | median / floor median |',
    );
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const r of rows) {
      const ratio = median(r.spreads) / median(r.floor);
      const over = r.spreads.filter((ms) => ms > 5).length;
      console.log(
        `| ${r.what} | ${r.spreads.length} | ${fmt(median(r.spreads))} | ${fmt(Math.max(...r.spreads))} | ${over} | ${fmt(median(r.floor))} | ${fmt(Math.max(...r.floor))} | ${ratio.toFixed(2)} |`,
      );
    }
    for (const r of rows) {
      const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b).map((ms) => ms.toFixed(2));
      console.log(`\n${r.what} spreads, sorted: ${sorted(r.spreads).join(' ')}`);
      console.log(`${r.what} floor, sorted: ${sorted(r.floor).join(' ')}`);
    }
  } finally {
    await target.stop();
  }
}

main().catch((err: unknown) => {
  console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
