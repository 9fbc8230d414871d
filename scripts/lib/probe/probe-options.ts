// `npm run probe`'s options, each checked here in one message style before any request.
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_PROFILE } from 'webhook-stress-common';
import { PROBE_HEADER } from './profile-text.ts';

const OPTIONS = {
  target: { type: 'string' },
  out: { type: 'string', default: DEFAULT_PROFILE },
  profile: { type: 'string' },
  'count-url': { type: 'string' },
  'count-json-path': { type: 'string' },
  skip: { type: 'string', default: '' },
  'store-secrets': { type: 'boolean', default: false },
  force: { type: 'boolean', default: false },
} as const;

/** Steps a user may leave out: each sends signals the receiver processes. */
export const SKIPPABLE = ['window', 'limit'] as const;
export type Skippable = (typeof SKIPPABLE)[number];

export interface ProbeOptions {
  target: string;
  out: string;
  profile: string | undefined;
  countUrl: string | undefined;
  countJsonPath: string | undefined;
  skip: Set<Skippable>;
  storeSecrets: boolean;
}

export class ProbeOptionError extends Error {}

function url(name: string, raw: string): string {
  try {
    return new URL(raw).toString().replace(/\/$/, '');
  } catch {
    throw new ProbeOptionError(`--${name} "${raw}" is not a URL; give e.g. http://127.0.0.1:8000`);
  }
}

export function readProbeOptions(argv: string[], env: Record<string, string | undefined>): ProbeOptions {
  let values: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; args: string[] }>>['values'];
  try {
    ({ values } = parseArgs({ args: argv, options: OPTIONS }));
  } catch (err) {
    throw new ProbeOptionError(`${(err as Error).message.split('\n')[0]}; see docs/reference/cli.md#npm-run-probe`);
  }
  const rawTarget = values.target ?? env.BASE_URL;
  if (!rawTarget)
    throw new ProbeOptionError('give the receiver to probe: npm run probe -- --target http://127.0.0.1:8000');
  const skip = new Set<Skippable>();
  for (const s of values.skip.split(',').filter(Boolean)) {
    if (!(SKIPPABLE as readonly string[]).includes(s))
      throw new ProbeOptionError(`--skip "${s}" is not one of ${SKIPPABLE.join(', ')}`);
    skip.add(s as Skippable);
  }
  if (values['count-json-path'] && !values['count-url'])
    throw new ProbeOptionError("--count-json-path names a field of --count-url's answer: give --count-url too");
  const out = values.out;
  if (existsSync(out) && !values.force && !readFileSync(out, 'utf8').startsWith(PROBE_HEADER))
    throw new ProbeOptionError(
      `${out} exists and was not written by the probe: give --out FILE, or --force to replace it`,
    );
  return {
    target: url('target', rawTarget),
    out,
    profile: values.profile,
    countUrl: values['count-url'] ? url('count-url', values['count-url']) : undefined,
    countJsonPath: values['count-json-path'],
    skip,
    storeSecrets: values['store-secrets'],
  };
}
