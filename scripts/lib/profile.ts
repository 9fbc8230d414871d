// A profile (what `npm run probe` writes, or a dotenv file of the user's) is read by every
// command the same way: its variables fill in what neither a flag nor the environment set.
// Precedence, highest first: flag > environment > profile > default. That is also the order
// Artillery's own `--dotenv` gives (it never overrides a variable already set).
import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

export class ProfileError extends Error {}

/** The profile's variables, or a one-line error naming the file and what is wrong. */
export function readProfile(file: string): Record<string, string> {
  if (!existsSync(file))
    throw new ProfileError(`profile ${file} does not exist; write one with npm run probe, or fix the path`);
  try {
    return parseEnv(readFileSync(file, 'utf8')) as Record<string, string>;
  } catch (err) {
    throw new ProfileError(
      `profile ${file} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
}

/** The environment with the profile under it: a variable set in `env` (or by a flag, applied after) wins. */
export function withProfile(env: NodeJS.ProcessEnv, profile: Record<string, string>): NodeJS.ProcessEnv {
  return { ...profile, ...env };
}
