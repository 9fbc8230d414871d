// Command-line options of the reference target, including its fault switches.
import { parseArgs } from 'node:util';

export const FAULTS = [
  'leak',
  'no-rate-limit',
  'race',
  'slow',
  'errors',
  'crash',
  'reprocess-retries',
  'starve',
  'dedupe-before-limit',
  'no-replay-header',
  // Hostile traffic (scenarios/hostile.yml): each one a check a real receiver gets wrong.
  'skip-signature',
  'accept-stale',
  'malformed-500',
] as const;
export type Fault = (typeof FAULTS)[number];

export interface TargetOptions {
  host: string;
  port: number;
  faults: ReadonlySet<Fault>;
  rateLimitPerSecond: number;
  idempotencyTtlMs: number;
  /** How long a sender's event id (`webhook-id`) is kept: its retries within this time are replays. */
  eventRetentionMs: number;
  /** Latency added to every webhook answer by `--fault slow`. */
  slowMs: number;
  /** `--fault errors` answers every Nth webhook request with a 500. */
  errorEvery: number;
  /** Bytes retained per accepted signal by `--fault leak`. */
  leakKb: number;
  /** The simulated Redis round trip between GET and SET of `--fault race`. */
  raceRoundTripMs: number;
  /** `--fault crash`: a worker kills itself with SIGKILL after this many webhook requests. */
  crashAfter: number;
  /** 0: one process. N: a primary forking N workers (node cluster), replacing any that die. */
  workers: number;
  email: string;
  password: string;
  /** JSON field holding the secret when a sender puts it in the body (BODY_SECRET_FIELD). */
  bodySecretField: string;
  /** `--record-issued FILE`: every session token and webhook credential issued, one JSON line each (the secret-scan test). */
  recordIssued: string | undefined;
  /** `npm run target`: write the target's profile into the current folder (target-profile.ts). */
  writeProfile: boolean;
}

export const DEFAULT_OPTIONS: TargetOptions = {
  host: '127.0.0.1',
  port: 8000,
  faults: new Set(),
  rateLimitPerSecond: 10,
  idempotencyTtlMs: 1000,
  eventRetentionMs: 600_000,
  slowMs: 300,
  errorEvery: 40,
  leakKb: 256,
  raceRoundTripMs: 20,
  crashAfter: 300,
  workers: 0,
  email: 'trader@example.com',
  password: 'stress-test-password',
  bodySecretField: 'secret',
  recordIssued: undefined,
  writeProfile: false,
};

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

function positiveNumber(flag: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(`--${flag} must be a non-negative number, got "${raw}"`);
  }
  return value;
}

export function parseTargetArgs(argv: string[]): TargetOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      fault: { type: 'string', multiple: true },
      'rate-limit': { type: 'string' },
      'idempotency-ttl-ms': { type: 'string' },
      'event-retention-ms': { type: 'string' },
      'slow-ms': { type: 'string' },
      'error-every': { type: 'string' },
      'leak-kb': { type: 'string' },
      'race-round-trip-ms': { type: 'string' },
      'crash-after': { type: 'string' },
      workers: { type: 'string' },
      email: { type: 'string' },
      password: { type: 'string' },
      'body-secret-field': { type: 'string' },
      'record-issued': { type: 'string' },
      'write-profile': { type: 'boolean' },
    },
    strict: true,
  });
  const host = values.host ?? DEFAULT_OPTIONS.host;
  if (!LOOPBACK.has(host)) {
    throw new Error(
      `--host ${host} is not a loopback address; the reference target only listens on 127.0.0.1, localhost or ::1`,
    );
  }
  const faults = new Set<Fault>();
  for (const name of (values.fault ?? []).flatMap((f) => f.split(','))) {
    if (!(FAULTS as readonly string[]).includes(name)) {
      throw new Error(`unknown --fault "${name}"; choose from ${FAULTS.join(', ')}`);
    }
    faults.add(name as Fault);
  }
  const d = DEFAULT_OPTIONS;
  return {
    host,
    port: positiveNumber('port', values.port, d.port),
    faults,
    rateLimitPerSecond: positiveNumber('rate-limit', values['rate-limit'], d.rateLimitPerSecond),
    idempotencyTtlMs: positiveNumber('idempotency-ttl-ms', values['idempotency-ttl-ms'], d.idempotencyTtlMs),
    eventRetentionMs: positiveNumber('event-retention-ms', values['event-retention-ms'], d.eventRetentionMs),
    slowMs: positiveNumber('slow-ms', values['slow-ms'], d.slowMs),
    errorEvery: Math.max(1, positiveNumber('error-every', values['error-every'], d.errorEvery)),
    leakKb: positiveNumber('leak-kb', values['leak-kb'], d.leakKb),
    raceRoundTripMs: positiveNumber('race-round-trip-ms', values['race-round-trip-ms'], d.raceRoundTripMs),
    crashAfter: Math.max(1, positiveNumber('crash-after', values['crash-after'], d.crashAfter)),
    workers: Math.floor(positiveNumber('workers', values.workers, d.workers)),
    email: values.email ?? d.email,
    password: values.password ?? d.password,
    bodySecretField: values['body-secret-field'] ?? d.bodySecretField,
    recordIssued: values['record-issued'] ?? d.recordIssued,
    writeProfile: values['write-profile'] ?? d.writeProfile,
  };
}
