// How simultaneous the pack's bursts are, beside the floor of this machine measured
// in the same script: N keep-alive sockets opened first, requests pre-built as bytes,
// written in one synchronous loop with raw node:net. First `--direct-runs` rounds of the
// burst engine's release itself (engines/burst/dispatch.ts) against the reference target
// on the same cores, 100 signal-sized POSTs, alternating: last-byte release (the engine's
// way), whole-request release (its way before), and the floor of 1-byte writes. Then
// `--runs` burst.yml (100) and rate-limit.yml (20) runs by the real CLI, each reading
// burst.dispatch_spread_ms (last socket write minus first). Prints figures; asserts nothing.
// Not niced on purpose: the spread is the measurement.
//   npm run bench:spread [-- --runs 20 --direct-runs 100]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type PreparedRequest, releaseBurst } from '../engines/burst/dispatch.ts';
import { startTarget } from '../reference-server/launch.ts';
import { runArtillery } from '../scripts/lib/artillery-cli.ts';
import { median } from './cpu-of.ts';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '20' }, 'direct-runs': { type: 'string', default: '100' } },
});
const runs = Number(values.runs);
const directRuns = Number(values['direct-runs']);

/** The same request the floor writes whole, or its final byte alone (the last-byte release's floor). */
async function floorSpreadMs(url: URL, sockets: number, oneByte = false): Promise<number> {
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
  const whole = Buffer.from(`GET /health HTTP/1.1\r\nHost: ${url.host}\r\nConnection: keep-alive\r\n\r\n`);
  if (oneByte) for (const s of open) s.write(whole.subarray(0, -1));
  if (oneByte) await new Promise((resolve) => setTimeout(resolve, 20));
  const request = oneByte ? whole.subarray(-1) : whole;
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

/** 100 POSTs of a signal-sized body to an unknown webhook: the target reads each whole, then answers 404. */
function signalRequests(url: URL): PreparedRequest[] {
  const body = Buffer.from(
    JSON.stringify({ action: 'buy', symbol: 'BTCUSDT', quantity: 0.01, price: 65000.5, comment: 'bench:spread' }),
  );
  return Array.from({ length: 100 }, () => ({
    method: 'POST',
    url: new URL('/api/v1/webhooks/bench-spread', url),
    headers: { 'content-type': 'application/json' },
    body,
  }));
}

async function directSpreadMs(url: URL, release: 'last-byte' | 'whole'): Promise<number> {
  const outcome = await releaseBurst(signalRequests(url), { timeoutMs: 10_000, tls: {}, release });
  if (!outcome.timing) throw new Error(`a ${release} release was not released: ${outcome.results[0]?.error?.message}`);
  return outcome.timing.spreadMs;
}

const fmt = (ms: number) => `${ms.toFixed(2)} ms`;
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b).map((ms) => ms.toFixed(2));

async function main() {
  console.log(`load before: ${execFileSync('uptime', { encoding: 'utf8' }).trim()}`);
  const target = await startTarget();
  try {
    const url = new URL(target.url);
    const direct = { 'last-byte': [] as number[], whole: [] as number[], floor: [] as number[] };
    for (let i = 0; i < directRuns; i++) {
      direct['last-byte'].push(await directSpreadMs(url, 'last-byte'));
      direct.whole.push(await directSpreadMs(url, 'whole'));
      direct.floor.push(await floorSpreadMs(url, 100, true));
      if (i % 10 === 9) process.stdout.write('.');
    }
    console.log();
    console.log(`load after the direct rounds: ${execFileSync('uptime', { encoding: 'utf8' }).trim()}\n`);
    console.log(
      '| release of 100 signed-size POSTs | rounds | median | p99 | max | over 1 ms | over 5 ms | median / floor |',
    );
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
    const floorMedian = median(direct.floor);
    for (const [what, xs] of [
      ['last-byte (the engine)', direct['last-byte']],
      ['whole request (before)', direct.whole],
      ['floor: 1-byte writes, raw node:net', direct.floor],
    ] as const) {
      const p99 = [...xs].sort((a, b) => a - b)[Math.ceil(xs.length * 0.99) - 1] ?? Number.NaN;
      console.log(
        `| ${what} | ${xs.length} | ${fmt(median(xs))} | ${fmt(p99)} | ${fmt(Math.max(...xs))} | ${xs.filter((ms) => ms > 1).length} | ${xs.filter((ms) => ms > 5).length} | ${(median(xs) / floorMedian).toFixed(2)} |`,
      );
    }
    for (const [what, xs] of Object.entries(direct)) console.log(`${what}, sorted: ${sorted(xs).join(' ')}`);
    console.log();
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
