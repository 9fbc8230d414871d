// Reading one environment variable: the readers every settings module shares, with one
// message style (the name, the value that was wrong, what is allowed).
export class SettingsError extends Error {}

export type Env = Record<string, string | undefined>;

export function list(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export function number(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    throw new SettingsError(`${name}="${raw}" is not a non-negative number; fix or unset it`);
  }
  return value;
}

export function positive(env: Env, name: string, fallback: number): number {
  const value = number(env, name, fallback);
  if (value === 0) throw new SettingsError(`${name}="${env[name]}" must be greater than 0`);
  return value;
}

export function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new SettingsError(`${name}="${raw}" is not one of ${allowed.join(', ')}`);
  }
  return raw as T;
}

export function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  throw new SettingsError(`${name}="${raw}" is not true or false`);
}

export function optionalInteger(env: Env, name: string, what: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) throw new SettingsError(`${name}="${raw}" is not ${what}`);
  return value;
}
