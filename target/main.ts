// `npm run target -- --port 8000 [--fault leak,race,...]`: start the reference target.
import { parseTargetArgs } from './options.ts';
import { createTargetServer } from './server.ts';

function main(): void {
  let options: ReturnType<typeof parseTargetArgs>;
  try {
    options = parseTargetArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`target: ${(err as Error).message}`);
    process.exit(2);
  }
  const { server } = createTargetServer(options);
  server.on('error', (err: NodeJS.ErrnoException) => {
    const hint = err.code === 'EADDRINUSE' ? '; choose another with --port, or --port 0 for a free one' : '';
    console.error(`target: cannot listen on ${options.host}:${options.port}: ${err.code ?? err.message}${hint}`);
    process.exit(2);
  });
  server.listen(options.port, options.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : options.port;
    const host = options.host.includes(':') ? `[${options.host}]` : options.host;
    const faults = options.faults.size > 0 ? [...options.faults].join(',') : 'none';
    console.log(`reference target listening on http://${host}:${port} pid=${process.pid} faults=${faults}`);
  });
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main();
