// Obtains webhook credentials the way a user would: log in, then create webhooks.
// Paths, body encoding and answer fields come from Settings, because receivers differ.
import { targetUrl } from 'webhook-stress-common';
import type { Settings } from './settings.ts';
import { secretProblem } from './signing.ts';

export interface WebhookCredentials {
  token: string;
  secret: string;
}

export class ProvisionError extends Error {}

function field(body: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => {
    return node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
  }, body);
}

async function post(baseUrl: string, path: string, init: RequestInit, timeoutMs: number): Promise<Response> {
  const url = targetUrl(baseUrl, path);
  try {
    return await fetch(url, { ...init, method: 'POST', signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
    throw new ProvisionError(
      `cannot reach ${baseUrl} (${cause}): start the server, or point the pack at it with --target URL or BASE_URL`,
    );
  }
}

async function jsonOf(response: Response, what: string): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    throw new ProvisionError(`${what} answered HTTP ${response.status} with a body that is not JSON`);
  }
}

export async function login(baseUrl: string, settings: Settings): Promise<string> {
  const { path, encoding, email, password, accessTokenField } = settings.login;
  const init: RequestInit =
    encoding === 'form'
      ? {
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ username: email, password }).toString(),
        }
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) };
  const response = await post(baseUrl, path, init, settings.requestTimeoutMs);
  if (response.status === 401 || response.status === 403) {
    throw new ProvisionError(
      `login as ${email} at ${path} was refused (HTTP ${response.status}): check AUTH_EMAIL and AUTH_PASSWORD, or set WEBHOOK_TOKEN and WEBHOOK_SECRET`,
    );
  }
  if (!response.ok) {
    throw new ProvisionError(
      `login at ${path} answered HTTP ${response.status}: check LOGIN_PATH and LOGIN_ENCODING (json or form)`,
    );
  }
  const token = field(await jsonOf(response, 'login'), accessTokenField);
  if (typeof token !== 'string' || token === '') {
    throw new ProvisionError(`login answer has no "${accessTokenField}" field: set ACCESS_TOKEN_FIELD`);
  }
  return token;
}

export async function createWebhook(
  baseUrl: string,
  settings: Settings,
  accessToken: string,
  name: string,
): Promise<WebhookCredentials> {
  const { path, tokenField, secretField } = settings.createWebhook;
  const response = await post(
    baseUrl,
    path,
    {
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({ name, details: 'created by webhook-stress-pack' }),
    },
    settings.requestTimeoutMs,
  );
  if (!response.ok) {
    throw new ProvisionError(
      `creating a webhook at ${path} answered HTTP ${response.status}: check CREATE_WEBHOOK_PATH`,
    );
  }
  const body = await jsonOf(response, 'webhook creation');
  const token = field(body, tokenField);
  const secret = field(body, secretField);
  if (typeof token !== 'string' || typeof secret !== 'string') {
    throw new ProvisionError(
      `webhook creation answer lacks "${tokenField}" or "${secretField}": set WEBHOOK_TOKEN_FIELD and WEBHOOK_SECRET_FIELD`,
    );
  }
  // Before any load, as for WEBHOOK_SECRET: every request would be signed with the wrong key (never shown).
  const problem = secretProblem(settings.scheme, secret);
  if (problem !== undefined) {
    throw new ProvisionError(
      `the webhook secret created at ${path} (field "${secretField}") cannot be used with SIGNING_SCHEME=${settings.scheme}: it ${problem}; check that WEBHOOK_SECRET_FIELD names the signing secret and SIGNING_SCHEME the scheme the server verifies (the secret is not shown)`,
    );
  }
  return { token, secret };
}

export interface ProvisionedPool {
  webhooks: WebhookCredentials[];
  /** The session that created them; undefined when they came from the environment (not ours to delete). */
  accessToken: string | undefined;
}

/** The first `count` credentials from the environment when given, otherwise `count` new webhooks (never more). */
export async function provisionPool(baseUrl: string, settings: Settings, count: number): Promise<ProvisionedPool> {
  if (settings.credentials.length > 0) {
    return { webhooks: settings.credentials.slice(0, Math.max(1, count)), accessToken: undefined };
  }
  const accessToken = await login(baseUrl, settings);
  const webhooks: WebhookCredentials[] = [];
  for (let i = 0; i < count; i++) {
    webhooks.push(await createWebhook(baseUrl, settings, accessToken, `HFT Stress Test Webhook ${i + 1}`));
  }
  return { webhooks, accessToken };
}

/**
 * A scenario that spreads its load over `needed` webhooks (its `webhookPool`) cannot be judged on
 * fewer: each would be sent more than its rate limit allows, a verdict on the pool, not the server.
 */
export function poolProblem(given: number, needed: number, who = 'this scenario'): string | undefined {
  if (given >= needed) return undefined;
  return `${who} spreads its load over ${needed} webhooks (webhookPool) but WEBHOOK_TOKEN gives ${given}: each would be sent past its rate limit; give ${needed} comma-separated WEBHOOK_TOKEN and WEBHOOK_SECRET values, or unset both so the pack creates them (a receiver without a per-webhook limit: --variables '{"webhookPool": ${given}}')`;
}

export async function provisionWebhooks(
  baseUrl: string,
  settings: Settings,
  count: number,
): Promise<WebhookCredentials[]> {
  return (await provisionPool(baseUrl, settings, count)).webhooks;
}

/**
 * Deletes the webhooks a run created (DELETE_WEBHOOK_PATH, bearer of the creating session).
 * Returns one warning line when some could not be deleted: the run's verdict stands either way.
 */
export async function deleteWebhooks(
  baseUrl: string,
  settings: Settings,
  pool: ProvisionedPool,
): Promise<string | undefined> {
  const path = settings.deleteWebhookPath;
  if (!path || !pool.accessToken) return undefined;
  const failures: string[] = [];
  for (const { token } of pool.webhooks) {
    try {
      const response = await fetch(targetUrl(baseUrl, path.replace('{token}', encodeURIComponent(token))), {
        method: 'DELETE',
        headers: { authorization: `Bearer ${pool.accessToken}` },
        signal: AbortSignal.timeout(settings.requestTimeoutMs),
      });
      if (!response.ok) failures.push(`HTTP ${response.status}`);
    } catch (err) {
      failures.push((err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name);
    }
  }
  if (failures.length === 0) return undefined;
  return `Warning: ${failures.length} of ${pool.webhooks.length} webhook(s) not deleted at ${path} (${[...new Set(failures)].join(', ')}): check DELETE_WEBHOOK_PATH, or delete them on the server`;
}
