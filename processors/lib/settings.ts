// Every knob that differs between receivers, read once from the environment, so a
// real server is targeted by configuration alone (README "Configuration"). These are the
// settings every scenario shares; a scenario's own (its limiter, its hostile classes, ...) are
// read by its module (processors/<scenario>.ts).
import { type ProcessedCountSource, parseSeriesSelector } from './processed-count.ts';
import { type Env, list, number, oneOf, optionalInteger, positive, SettingsError } from './read-env.ts';
import { SIGNING_SCHEMES, type SigningScheme, STANDARD_KEY_BYTES, secretProblem } from './signing.ts';

export interface Settings {
  baseUrl: string | undefined;
  credentials: { token: string; secret: string }[];
  scheme: SigningScheme;
  plainHeader: string;
  login: {
    path: string;
    encoding: 'json' | 'form';
    email: string;
    password: string;
    accessTokenField: string;
  };
  createWebhook: {
    path: string;
    tokenField: string;
    secretField: string;
  };
  receivePath: string;
  /** Where a created webhook is deleted at the end of a run (`{token}` replaced); '' keeps them. */
  deleteWebhookPath: string;
  replayHeader: string;
  responseIdField: string;
  /** How the server marks a replay (REPLAY_EVIDENCE); `declared` when the user named it. */
  replayEvidence: { kinds: ReplayEvidence[]; declared: boolean };
  /** The server's own count of processed signals, read before and after a run (the exactly-once oracle). */
  processedCount: ProcessedCountSource | undefined;
  processedSettleMs: number;
  /** The sender's deadline (TradingView: 3 s): Artillery's http.timeout for every signal. */
  senderTimeoutS: number;
  seed: number;
  /** SHARED_SIGNAL_AT (epoch ms): the burst's shared signal's instant, the same in every generator; else the run's start. */
  sharedSignalAtMs: number | undefined;
  /** GENERATOR_INDEX: this process is one of several load generators; the orchestrator reads the processed count. */
  generatorIndex: number | undefined;
  /** SHARED_RELEASE_DIR and GENERATORS: local generators wait there until all are ready, then release their bursts together. */
  releaseBarrier: { dir: string; parties: number } | undefined;
  symbols: string[];
  requestTimeoutMs: number;
  /** How the sender posts: the body-secret field (BODY_SECRET_FIELD) and the content type (SIGNAL_CONTENT_TYPE). */
  sender: { bodySecretField: string; contentType: SignalContentType };
}

export { SettingsError } from './read-env.ts';

export const SIGNAL_CONTENT_TYPES = ['application/json', 'text/plain'] as const;
export type SignalContentType = (typeof SIGNAL_CONTENT_TYPES)[number];

export const REPLAY_EVIDENCE = ['header', 'status', 'id', 'body', 'none'] as const;
export type ReplayEvidence = Exclude<(typeof REPLAY_EVIDENCE)[number], 'none'>;

function credentials(env: Env, scheme: SigningScheme): Settings['credentials'] {
  const tokens = list(env.WEBHOOK_TOKEN);
  const secrets = list(env.WEBHOOK_SECRET);
  if (tokens.length === 0 && secrets.length === 0) return [];
  if (tokens.length !== secrets.length) {
    throw new SettingsError(
      `WEBHOOK_TOKEN has ${tokens.length} value(s) but WEBHOOK_SECRET has ${secrets.length}; give one secret per token (comma-separated), or unset both to provision webhooks automatically`,
    );
  }
  // Before any load: a secret the scheme cannot use would sign every request wrongly (never shown).
  secrets.forEach((secret, i) => {
    const problem = secretProblem(scheme, secret);
    if (problem === undefined) return;
    const which = secrets.length > 1 ? `WEBHOOK_SECRET (value ${i + 1} of ${secrets.length})` : 'WEBHOOK_SECRET';
    const fix =
      scheme === 'standard'
        ? `set it to the endpoint's signing secret as the sender shows it (whsec_ then base64 of ${STANDARD_KEY_BYTES.min} to ${STANDARD_KEY_BYTES.max} bytes), or SIGNING_SCHEME to the scheme your receiver verifies`
        : "set it to the webhook's secret";
    throw new SettingsError(
      `${which} cannot be used with SIGNING_SCHEME=${scheme}: it ${problem}; ${fix} (the secret is not shown)`,
    );
  });
  return tokens.map((token, i) => ({ token, secret: secrets[i] ?? '' }));
}

function releaseBarrier(env: Env): Settings['releaseBarrier'] {
  const dir = env.SHARED_RELEASE_DIR;
  if (!dir) return undefined;
  const parties = optionalInteger(env, 'GENERATORS', 'a number of load generators (1, 2, ...)');
  if (!parties)
    throw new SettingsError('SHARED_RELEASE_DIR is set but GENERATORS is not; give how many generators wait there');
  return { dir, parties };
}

function baseUrl(env: Env): string | undefined {
  const raw = env.BASE_URL;
  if (raw === undefined || raw === '') return undefined;
  try {
    return new URL(raw).toString().replace(/\/$/, '');
  } catch {
    throw new SettingsError(`BASE_URL="${raw}" is not a URL; use e.g. http://127.0.0.1:8000`);
  }
}

function replayEvidence(env: Env): Settings['replayEvidence'] {
  const kinds = list(env.REPLAY_EVIDENCE);
  for (const kind of kinds) {
    if (!(REPLAY_EVIDENCE as readonly string[]).includes(kind)) {
      throw new SettingsError(
        `REPLAY_EVIDENCE="${env.REPLAY_EVIDENCE}": "${kind}" is not one of ${REPLAY_EVIDENCE.join(', ')}`,
      );
    }
  }
  if (kinds.includes('none') && kinds.length > 1) {
    throw new SettingsError(`REPLAY_EVIDENCE="${env.REPLAY_EVIDENCE}": "none" cannot be combined with other kinds`);
  }
  const named = kinds.filter((k): k is ReplayEvidence => k !== 'none');
  return { kinds: named, declared: named.length > 0 };
}

function processedCount(env: Env): ProcessedCountSource | undefined {
  const raw = env.PROCESSED_COUNT_URL;
  const metric = env.PROCESSED_COUNT_METRIC || undefined;
  const jsonPath = env.PROCESSED_COUNT_JSON_PATH || undefined;
  if (raw === undefined || raw === '') {
    if (metric || jsonPath) {
      throw new SettingsError(
        `${metric ? 'PROCESSED_COUNT_METRIC' : 'PROCESSED_COUNT_JSON_PATH'} is set but PROCESSED_COUNT_URL is not; give the URL that answers it (e.g. http://127.0.0.1:8000/metrics)`,
      );
    }
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SettingsError(`PROCESSED_COUNT_URL="${raw}" is not a URL; use e.g. http://127.0.0.1:8000/metrics`);
  }
  if (metric && jsonPath) {
    throw new SettingsError(
      'PROCESSED_COUNT_METRIC and PROCESSED_COUNT_JSON_PATH are both set; keep the one your endpoint answers',
    );
  }
  if (metric) {
    try {
      parseSeriesSelector(metric);
    } catch (err) {
      throw new SettingsError((err as Error).message);
    }
    return { url: url.toString(), format: 'prometheus', selector: metric };
  }
  if (jsonPath) return { url: url.toString(), format: 'json', selector: jsonPath };
  throw new SettingsError(
    'PROCESSED_COUNT_URL is set but neither PROCESSED_COUNT_METRIC (Prometheus text) nor PROCESSED_COUNT_JSON_PATH (JSON) names the count; set one',
  );
}

export function readSettings(env: Env): Settings {
  const scheme = oneOf(env, 'SIGNING_SCHEME', SIGNING_SCHEMES, 'plain');
  return {
    baseUrl: baseUrl(env),
    credentials: credentials(env, scheme),
    scheme,
    plainHeader: env.SIGNATURE_HEADER || 'X-Signature',
    login: {
      path: env.LOGIN_PATH || '/api/v1/auth/login',
      encoding: oneOf(env, 'LOGIN_ENCODING', ['json', 'form'] as const, 'json'),
      email: env.AUTH_EMAIL || 'trader@example.com',
      password: env.AUTH_PASSWORD || 'stress-test-password',
      accessTokenField: env.ACCESS_TOKEN_FIELD || 'access_token',
    },
    createWebhook: {
      path: env.CREATE_WEBHOOK_PATH || '/api/v1/webhooks/',
      tokenField: env.WEBHOOK_TOKEN_FIELD || 'token',
      secretField: env.WEBHOOK_SECRET_FIELD || 'secret',
    },
    receivePath: env.WEBHOOK_PATH || '/api/v1/webhooks/{token}',
    deleteWebhookPath: env.DELETE_WEBHOOK_PATH ?? '',
    replayHeader: (env.REPLAY_HEADER || 'idempotent-replayed').toLowerCase(),
    responseIdField: env.RESPONSE_ID_FIELD || 'order_id',
    replayEvidence: replayEvidence(env),
    processedCount: processedCount(env),
    processedSettleMs: number(env, 'PROCESSED_SETTLE_MS', 500),
    senderTimeoutS: positive(env, 'SENDER_TIMEOUT_S', 3),
    seed: number(env, 'SIGNAL_SEED', 1),
    sharedSignalAtMs: optionalInteger(env, 'SHARED_SIGNAL_AT', 'a time in epoch milliseconds, e.g. $(date +%s000)'),
    generatorIndex: optionalInteger(env, 'GENERATOR_INDEX', 'a generator index (0, 1, 2, ...)'),
    releaseBarrier: releaseBarrier(env),
    symbols: list(env.SIGNAL_SYMBOLS),
    requestTimeoutMs: number(env, 'PROVISION_TIMEOUT_MS', 5000),
    sender: {
      bodySecretField: env.BODY_SECRET_FIELD || 'secret',
      // TradingView posts text/plain when the alert message is not JSON by its check.
      contentType: oneOf(env, 'SIGNAL_CONTENT_TYPE', SIGNAL_CONTENT_TYPES, 'application/json'),
    },
  };
}
