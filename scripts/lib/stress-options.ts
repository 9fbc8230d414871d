// `npm run stress`'s options, every one validated here in one message style (what is wrong,
// the value, what to give), before any target is started or any load sent.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { samplingParty } from 'webhook-stress-common';

const OPTIONS = {
  target: { type: 'string' },
  only: { type: 'string' },
  profile: { type: 'string' },
  dotenv: { type: 'string' },
  'reports-dir': { type: 'string' },
  'scale-duration': { type: 'string', default: '1' },
  'scale-rate': { type: 'string', default: '1' },
  'cool-down': { type: 'string', default: '2' },
  scheme: { type: 'string' },
  'monitor-pid': { type: 'string' },
  'monitor-port': { type: 'string' },
  'monitor-command': { type: 'string' },
  'metrics-url': { type: 'string' },
  baseline: { type: 'string' },
  tolerances: { type: 'string' },
  'server-gates': { type: 'string', default: 'required' },
  generators: { type: 'string', default: '1' },
  list: { type: 'boolean', default: false },
} as const;

/** Flags that stand for an environment variable of the processor or the monitor. */
const FLAG_VARIABLES: [keyof typeof OPTIONS, string][] = [
  ['scheme', 'SIGNING_SCHEME'],
  ['monitor-pid', 'SERVER_PID'],
  ['monitor-port', 'SERVER_PORT'],
  ['monitor-command', 'SERVER_COMMAND'],
  ['metrics-url', 'SERVER_METRICS_URL'],
  ['baseline', 'BASELINE_DIR'],
  ['tolerances', 'BASELINE_TOLERANCES'],
];

/** Generators at once on one machine: more than a few only compete for its cores. */
export const MAX_GENERATORS = 16;

export interface StressOptions {
  target: string | undefined;
  only: string | undefined;
  /** --profile or --dotenv: the profile whose variables fill in what flags and the environment leave unset. */
  profile: string | undefined;
  reportsDir: string;
  durationFactor: number;
  rateFactor: number;
  coolDownMs: number;
  serverGatesOptional: boolean;
  generators: number;
  samplerIndex: number;
  /** Variables the flags set for every run (flag > environment). */
  flagEnv: Record<string, string>;
  /** --list: print the scenarios of the registry, in suite order, and stop. */
  list: boolean;
}

export class OptionError extends Error {}

function positive(name: string, raw: string): number {
  const value = Number(raw);
  if (!(value > 0)) throw new OptionError(`--${name} must be a positive number, got "${raw}"`);
  return value;
}

function seconds(name: string, raw: string): number {
  const value = Number(raw);
  if (!(value >= 0)) throw new OptionError(`--${name} must be a number of seconds (0 or more), got "${raw}"`);
  return value;
}

export function readStressOptions(
  argv: string[],
  env: Record<string, string | undefined>,
  defaultReportsDir: string,
): StressOptions {
  let values: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; args: string[] }>>['values'];
  try {
    ({ values } = parseArgs({ args: argv, options: OPTIONS }));
  } catch (err) {
    throw new OptionError(`${(err as Error).message.split('\n')[0]}; see docs/reference/cli.md for the flags`);
  }
  if (values.profile && values.dotenv && values.profile !== values.dotenv)
    throw new OptionError('--profile and --dotenv name the same thing; give one of them');
  const serverGates = values['server-gates'];
  if (serverGates !== 'required' && serverGates !== 'optional')
    throw new OptionError(`--server-gates must be required or optional, got "${serverGates}"`);
  const generators = Number(values.generators);
  if (!Number.isInteger(generators) || generators < 1 || generators > MAX_GENERATORS)
    throw new OptionError(
      `--generators must be a whole number from 1 to ${MAX_GENERATORS}, got "${values.generators}"`,
    );
  let sampler = 0;
  if (generators > 1) {
    const raw = env.SERVER_MONITOR_GENERATOR || '0';
    sampler = Number(raw);
    if (!Number.isInteger(sampler) || sampler < 0 || sampler >= generators)
      throw new OptionError(
        `SERVER_MONITOR_GENERATOR=${raw} is not a generator of 0..${generators - 1}; unset it or pick one`,
      );
    // The one rule of who samples (webhook-stress-common sampling-party.ts) accepts it too.
    samplingParty({ SERVER_MONITOR_GENERATOR: raw });
  }
  const flagEnv: Record<string, string> = {};
  for (const [flag, variable] of FLAG_VARIABLES) {
    const value = values[flag];
    if (typeof value === 'string' && value !== '') flagEnv[variable] = value;
  }
  return {
    target: values.target,
    only: values.only,
    profile: values.profile ?? values.dotenv,
    reportsDir: path.resolve(values['reports-dir'] ?? env.REPORTS_DIR ?? defaultReportsDir),
    durationFactor: positive('scale-duration', values['scale-duration']),
    rateFactor: positive('scale-rate', values['scale-rate']),
    coolDownMs: seconds('cool-down', values['cool-down']) * 1000,
    serverGatesOptional: serverGates === 'optional',
    generators,
    samplerIndex: sampler,
    flagEnv,
    list: values.list,
  };
}
