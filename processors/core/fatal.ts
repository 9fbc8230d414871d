// A configuration problem ends the run before any load with one line a person can act on,
// and exit 2: never a verdict on the receiver.
export function fatal(err: unknown): never {
  console.error(`webhook-stress-pack: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
}
