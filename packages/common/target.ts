// The one target resolver: which base URL a run talks to, and how a path joins it.
// Every party asks here (the processor's signals and provisioning, the server monitor,
// the burst engine, the report, the suite), so a path prefix in BASE_URL is kept everywhere.

/** The scenarios' own `config.target`: the reference server's default address. */
export const DEFAULT_TARGET = 'http://127.0.0.1:8000';

/**
 * `--target` (Artillery's `config.target`) wins; BASE_URL, the guide's name, applies
 * while the scenario's default target is in force. No trailing slash.
 */
export function resolveTarget(configTarget: string | undefined, baseUrl: string | undefined): string {
  const target = trimSlash(configTarget || DEFAULT_TARGET);
  return baseUrl && target === DEFAULT_TARGET ? trimSlash(baseUrl) : target;
}

/** `path` (absolute or not) under the target, keeping the target's own path prefix. */
export function targetUrl(base: string, path: string): URL {
  return new URL(`${trimSlash(base)}/${path.replace(/^\/+/, '')}`);
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
