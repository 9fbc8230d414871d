// A profile (what `npm run probe` and `npm run target` write: dotenv syntax, commented) is the
// receiver's contract in one file. Every part of a run reads it the same way, in each process
// and thread that reads settings: the plugins, the processor, the scripts. Its variables fill
// in only what is unset, so the precedence is, highest first:
//   flag > environment > profile > default
// (Artillery's own --dotenv is read the same way: it never overrides a variable already set).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';

/** The profile a run reads when WEBHOOK_STRESS_PROFILE does not name another (or `off`). */
export const DEFAULT_PROFILE = 'webhook-stress.profile';

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

/** Which profile a run reads: WEBHOOK_STRESS_PROFILE (a path, or `off`), else ./webhook-stress.profile when there is one. */
export function profileFile(env: Record<string, string | undefined>, cwd = process.cwd()): string | undefined {
  const named = env.WEBHOOK_STRESS_PROFILE;
  if (named === 'off') return undefined;
  if (named) return path.resolve(cwd, named);
  const fallback = path.join(cwd, DEFAULT_PROFILE);
  return existsSync(fallback) ? fallback : undefined;
}

export interface AppliedProfile {
  file: string;
  /** The variables the profile set (those the environment left unset). */
  applied: string[];
}

/**
 * Fills `env` with the profile's variables it leaves unset; undefined when there is no profile.
 * A named profile that cannot be read throws a ProfileError.
 */
export function applyProfileTo(
  env: Record<string, string | undefined>,
  cwd = process.cwd(),
): AppliedProfile | undefined {
  const file = profileFile(env, cwd);
  if (!file) return undefined;
  const vars = readProfile(file);
  const set = Object.keys(vars).filter((k) => env[k] === undefined);
  for (const k of set) env[k] = vars[k];
  return { file, applied: set };
}

let applied: AppliedProfile | undefined | null = null;

/** applyProfileTo(process.env), once per thread (the plugins, the processor and its settings readers all call it). */
export function applyProfile(): AppliedProfile | undefined {
  if (applied === null) applied = applyProfileTo(process.env);
  return applied;
}

/** The environment with a profile under it, without touching process.env (scripts that pass it on to runs). */
export function withProfile(
  env: Record<string, string | undefined>,
  profile: Record<string, string>,
): Record<string, string | undefined> {
  return { ...profile, ...env };
}
