// `npm run target -- --port 8000 [--fault leak,race,...] [--workers N]`: start the reference target.
// With --workers, a primary forks N workers that share the port (like gunicorn with
// uvicorn workers; they share no state except the processed count, which the primary
// sums for /metrics) and replaces any worker that dies.
import cluster from 'node:cluster';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { parseTargetArgs, type TargetOptions } from './options.ts';
import { createClusterCountTable, createClusterWorkerCounter, createLocalCounter } from './processed-counter.ts';
import { createTargetServer } from './server.ts';
import { writeTargetProfile } from './target-profile.ts';

function announce(options: TargetOptions, port: number): void {
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const faults = options.faults.size > 0 ? [...options.faults].join(',') : 'none';
  const mode = options.workers > 0 ? ` workers=${options.workers}` : '';
  console.log(`reference target listening on http://${host}:${port} pid=${process.pid}${mode} faults=${faults}`);
  if (options.writeProfile) {
    const written = writeTargetProfile(process.cwd(), `http://${host}:${port}`);
    console.log(`Profile: ${written.file} (read by npx artillery run and npm run stress in this folder)`);
    if (written.note) console.log(written.note);
  }
}

function serve(options: TargetOptions, onListening: (port: number) => void): void {
  // A cluster worker gets the shared key and the chosen port from its primary.
  const key = cluster.isWorker ? (process.env.TARGET_KEY ?? '') : randomBytes(32).toString('hex');
  const port = cluster.isWorker ? Number(process.env.TARGET_PORT) : options.port;
  const counter = cluster.isWorker ? createClusterWorkerCounter(String(cluster.worker?.id)) : createLocalCounter();
  const { server } = createTargetServer(options, key, counter);
  server.on('error', (err: NodeJS.ErrnoException) => {
    const hint = err.code === 'EADDRINUSE' ? '; choose another with --port, or --port 0 for a free one' : '';
    console.error(`target: cannot listen on ${options.host}:${options.port}: ${err.code ?? err.message}${hint}`);
    process.exit(2);
  });
  server.listen(port, options.host, () => onListening((server.address() as AddressInfo).port));
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

function runPrimary(options: TargetOptions): void {
  let announced = false;
  let stopping = false;
  const key = randomBytes(32).toString('hex');
  // Once a port is chosen, replacements must reuse it even if every worker died at once.
  let port = options.port;
  const processedCounts = createClusterCountTable();
  const fork = () => processedCounts.track(cluster.fork({ TARGET_KEY: key, TARGET_PORT: String(port) }));
  for (let i = 0; i < options.workers; i++) fork();
  cluster.on('listening', (_worker, address) => {
    if (announced) return;
    announced = true;
    port = address.port;
    announce(options, address.port);
  });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    console.error(`target: worker (pid:${worker.process.pid}) exited with ${signal ?? code}; starting a new one`);
    fork();
  });
  const stop = () => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    setTimeout(() => process.exit(0), 200).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

function main(): void {
  let options: TargetOptions;
  try {
    options = parseTargetArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`target: ${(err as Error).message}`);
    process.exit(2);
  }
  if (options.workers > 0 && cluster.isPrimary) runPrimary(options);
  else serve(options, (port) => (options.workers > 0 ? undefined : announce(options, port)));
}

main();
