// Detection power and false positives of the leak verdict on scenarios/memory-leak.yml:
// the healthy target run N times (how often it is wrongly called a leak), the leak fault
// at several sizes per request (how often it is caught), and a healthy real server,
// Debian's uvicorn --workers 2 on a bare ASGI app, M times. Each run's health report is
// kept under --keep (default /tmp/leak-bench) for re-analysis.
// Prints figures; asserts nothing.
//   npm run bench:leak [-- --healthy 20 --runs 10 --sizes 8 --uvicorn 5 --keep /tmp/leak-bench]
//   npm run bench:leak -- --reanalyse /tmp/leak-bench   (the current rule on the kept reports' samples)
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { analyseMemory } from 'artillery-plugin-server-monitor';
import type { HealthReport } from 'webhook-stress-common';
import { freePort, ROOT, startTarget } from '../reference-server/launch.ts';
import { runArtillery } from '../scripts/lib/artillery-cli.ts';

const { values } = parseArgs({
  options: {
    healthy: { type: 'string', default: '20' },
    runs: { type: 'string', default: '10' },
    sizes: { type: 'string', default: '8' },
    uvicorn: { type: 'string', default: '5' },
    keep: { type: 'string', default: path.join(tmpdir(), 'leak-bench') },
    reanalyse: { type: 'string' },
  },
});

interface Outcome {
  leak: boolean;
  sent: number;
  slope: number;
  kibPerRequest: number;
  growth: number;
}

interface Server {
  url: string;
  stop(): Promise<void>;
}

/** uvicorn --workers 2 (Debian's python3-uvicorn) on the tests' bare ASGI receiver. */
async function startUvicorn(): Promise<Server> {
  const port = await freePort();
  const args = ['-m', 'uvicorn', '--workers', '2', '--host', '127.0.0.1', '--port', String(port)];
  const child = spawn(
    '/usr/bin/python3',
    [...args, '--app-dir', path.join(ROOT, 'test/fixtures'), 'asgi_receiver:app'],
    {
      stdio: 'ignore',
    },
  );
  const url = `http://127.0.0.1:${port}`;
  for (
    let i = 0;
    i < 100 &&
    !(await fetch(url).then(
      () => true,
      () => false,
    ));
    i++
  ) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function memoryLeakRun(
  start: () => Promise<Server>,
  label: string,
  env: Record<string, string> = {},
): Promise<Outcome> {
  const target = await start();
  const dir = mkdtempSync(path.join(tmpdir(), 'leak-bench-'));
  try {
    const out = path.join(dir, 'out.json');
    await runArtillery('scenarios/memory-leak.yml', {
      target: target.url,
      outputJson: out,
      env: { ...env, REPORTS_DIR: dir },
      onOutput: () => {},
    });
    const health = readdirSync(dir).find((f) => f.startsWith('server_health_report_'));
    mkdirSync(values.keep, { recursive: true });
    if (health) copyFileSync(path.join(dir, health), path.join(values.keep, `${label}.json`));
    const counters = (JSON.parse(readFileSync(out, 'utf8')) as { aggregate: { counters: Record<string, number> } })
      .aggregate.counters;
    return {
      leak: counters['server.leak_detected'] === 1,
      sent: counters['webhook.sent'] ?? 0,
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
  `${o.filter((x) => x.leak).length}/${o.length} flagged; signals sent ${o.map((x) => x.sent).join(', ')}; KiB/request ${o.map((x) => x.kibPerRequest).join(', ')}; slopes ${o.map((x) => x.slope).join(', ')} MB/min; growth ${o.map((x) => x.growth).join(', ')} MB`;

/**
 * The current leak rule on the samples of kept reports: the same points the monitor fitted
 * (workers' memory, segments by worker set), and the requests it counted over its fitted span.
 */
function reanalyse(dir: string): void {
  const groups = new Map<string, string[]>();
  for (const file of readdirSync(dir).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))) {
    const report = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as HealthReport;
    const points = report.samples
      .filter((s) => s.pssRead !== false)
      .map((s) => {
        const workers = Object.entries(s.processes).filter(([, p]) => p.worker);
        const bytes = workers.reduce((total, [, p]) => total + (p.pssBytes ?? p.rssBytes), 0);
        return { at: s.at, bytes, segment: workers.map(([pid]) => pid).join(',') };
      });
    const stored = report.memory;
    const span = (points.at(-1)?.at ?? 0) - stored.warmupEndAt;
    const perMs = stored.requests !== undefined && span > 0 ? stored.requests / span : undefined;
    const m = analyseMemory(points, undefined, (from, to) => (perMs === undefined ? undefined : (to - from) * perMs));
    const label = file.replace(/-\d+\.json$/, '');
    const line = `${m.leak ? 'LEAK' : 'ok'} ${m.kibPerRequest?.toFixed(1) ?? 'n/a'}`;
    groups.set(label, [...(groups.get(label) ?? []), line]);
  }
  for (const [label, lines] of groups) {
    const flagged = lines.filter((l) => l.startsWith('LEAK')).length;
    console.log(
      `${label}: ${flagged}/${lines.length} flagged; KiB/request ${lines.map((l) => l.split(' ')[1]).join(', ')}`,
    );
  }
}

async function main() {
  if (values.reanalyse) return reanalyse(values.reanalyse);
  const healthy: Outcome[] = [];
  const reference = (args: string[]) => () => startTarget(args);
  for (let i = 0; i < Number(values.healthy); i++) healthy.push(await memoryLeakRun(reference([]), `healthy-${i + 1}`));
  if (healthy.length > 0) console.log(`healthy target: ${describe(healthy)}`);
  for (const kb of values.sizes.split(',').filter(Boolean)) {
    const runs: Outcome[] = [];
    for (let i = 0; i < Number(values.runs); i++)
      runs.push(await memoryLeakRun(reference(['--fault', 'leak', '--leak-kb', kb]), `leak-${kb}-${i + 1}`));
    console.log(`leak ${kb} KiB per signal (${Number(kb)} MB per 1,000): ${describe(runs)}`);
  }
  // No login or webhook API on this receiver: one webhook given directly.
  const webhook = { WEBHOOK_TOKEN: 'bench-token', WEBHOOK_SECRET: 'bench-secret' };
  const uvicorn: Outcome[] = [];
  for (let i = 0; i < Number(values.uvicorn); i++)
    uvicorn.push(await memoryLeakRun(startUvicorn, `uvicorn-${i + 1}`, webhook));
  if (uvicorn.length > 0) console.log(`uvicorn --workers 2, healthy: ${describe(uvicorn)}`);
}

main().catch((err: unknown) => {
  console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
