// Every knob that differs between receivers, read once from the environment, so a
// real server is targeted by configuration alone (README "Configuration").
import { LIMITER_MODELS, type LimiterModel } from './limiter-model.ts';
import { SIGNING_SCHEMES, type SigningScheme } from './signing.ts';

export const DEFAULT_TARGET = 'http://127.0.0.1:8000';

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
  rateLimitPerSecond: number;
  rateLimitModel: LimiterModel;
  /** Token bucket: requests allowed at once from a full bucket. */
  rateLimitBurst: number;
  idempotencyTtlMs: number;
  replayHeader: string;
  responseIdField: string;
  seed: number;
  symbols: string[];
  requestTimeoutMs: number;
}

export class SettingsError extends Error {}

type Env = Record<string, string | undefined>;

function list(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function number(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    throw new SettingsError(`${name}="${raw}" is not a non-negative number; fix or unset it`);
  }
  return value;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new SettingsError(`${name}="${raw}" is not one of ${allowed.join(', ')}`);
  }
  return raw as T;
}

function credentials(env: Env): Settings['credentials'] {
  const tokens = list(env.WEBHOOK_TOKEN);
  const secrets = list(env.WEBHOOK_SECRET);
  if (tokens.length === 0 && secrets.length === 0) return [];
  if (tokens.length !== secrets.length) {
    throw new SettingsError(
      `WEBHOOK_TOKEN has ${tokens.length} value(s) but WEBHOOK_SECRET has ${secrets.length}; give one secret per token (comma-separated), or unset both to provision webhooks automatically`,
    );
  }
  return tokens.map((token, i) => ({ token, secret: secrets[i] ?? '' }));
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

function rateLimit(env: Env): Pick<Settings, 'rateLimitPerSecond' | 'rateLimitModel' | 'rateLimitBurst'> {
  if (env.RATE_LIMIT_TOLERANCE) {
    throw new SettingsError(
      `RATE_LIMIT_TOLERANCE="${env.RATE_LIMIT_TOLERANCE}" is no longer read; name the limiter instead: RATE_LIMIT_MODEL=${LIMITER_MODELS.join('|')}`,
    );
  }
  const perSecond = number(env, 'RATE_LIMIT_PER_SECOND', 10);
  const model = oneOf(env, 'RATE_LIMIT_MODEL', LIMITER_MODELS, 'sliding-window');
  const burst = number(env, 'RATE_LIMIT_BURST', Math.max(1, Math.ceil(perSecond)));
  if (env.RATE_LIMIT_BURST && model !== 'token-bucket') {
    throw new SettingsError(
      `RATE_LIMIT_BURST="${env.RATE_LIMIT_BURST}" applies only to RATE_LIMIT_MODEL=token-bucket (now ${model}); set the model or unset it`,
    );
  }
  if (!Number.isInteger(burst) || burst < 1) {
    throw new SettingsError(`RATE_LIMIT_BURST="${env.RATE_LIMIT_BURST}" is not a whole number of requests >= 1`);
  }
  return { rateLimitPerSecond: perSecond, rateLimitModel: model, rateLimitBurst: burst };
}

export function readSettings(env: Env): Settings {
  return {
    baseUrl: baseUrl(env),
    credentials: credentials(env),
    scheme: oneOf(env, 'SIGNING_SCHEME', SIGNING_SCHEMES, 'plain'),
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
    ...rateLimit(env),
    idempotencyTtlMs: number(env, 'IDEMPOTENCY_TTL_MS', 1000),
    replayHeader: (env.REPLAY_HEADER || 'idempotent-replayed').toLowerCase(),
    responseIdField: env.RESPONSE_ID_FIELD || 'order_id',
    seed: number(env, 'SIGNAL_SEED', 1),
    symbols: list(env.SIGNAL_SYMBOLS),
    requestTimeoutMs: number(env, 'PROVISION_TIMEOUT_MS', 5000),
  };
}

/** `--target` wins; BASE_URL (the guide's name) applies when the scenario's default target is in force. */
export function resolveBaseUrl(configTarget: string | undefined, settings: Pick<Settings, 'baseUrl'>): string {
  const target = (configTarget ?? DEFAULT_TARGET).replace(/\/$/, '');
  if (settings.baseUrl && target === DEFAULT_TARGET) return settings.baseUrl;
  return target;
}
