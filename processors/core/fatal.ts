// A configuration problem ends the run before any load with one line a person can act on,
// and exit 2: never a verdict on the receiver.
import { say } from './say.ts';

export function fatal(err: unknown): never {
  say('error', `webhook-stress-pack: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
}
