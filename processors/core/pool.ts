// The webhooks a run sends to: provisioned once in the main thread (`before`), deleted once at
// the end (`after`), and shared out to virtual users round robin across worker threads.
import { targetGuardProblem, targetUrl } from 'webhook-stress-common';
import {
  deleteWebhooks,
  ProvisionError,
  type ProvisionedPool,
  poolProblem,
  provisionPool,
  type WebhookCredentials,
} from '../lib/provision.ts';
import type { Context, Done, Events } from './artillery.ts';
import { decisiveSettings, publishDecisiveSettings } from './decisive.ts';
import { fatal } from './fatal.ts';
import { baseUrlOf, rt } from './runtime.ts';
import { knowCredentials, say } from './say.ts';

/**
 * `before` flow: credentials from WEBHOOK_TOKEN/WEBHOOK_SECRET, or log in and create `webhookPool`
 * webhooks; the scenario's own settings are checked first, so a wrong one leaves nothing behind.
 */
export async function provisionCredentials(
  context: Context,
  checkOwnSettings: () => unknown = () => undefined,
  hostile = false,
): Promise<void> {
  const own = checkOwnSettings();
  const { settings } = rt();
  const poolSize = Number(context.vars.webhookPool ?? 1);
  try {
    const sends = [
      ...(hostile ? ['hostile requests'] : []),
      ...(settings.credentials.length === 0 ? ['creating (and deleting) webhooks'] : []),
    ];
    const refused = sends.length
      ? targetGuardProblem({ target: baseUrlOf(context), what: sends.join(' and '), env: process.env })
      : undefined;
    if (refused) throw new ProvisionError(refused);
    const pool = await provisionPool(baseUrlOf(context), settings, poolSize);
    knowCredentials(pool.webhooks, pool.accessToken);
    const short = poolProblem(pool.webhooks.length, poolSize);
    if (short) throw new ProvisionError(short);
    if (pool.accessToken && !settings.deleteWebhookPath) {
      console.log(
        `Created ${pool.webhooks.length} webhook(s) that stay on the server: set DELETE_WEBHOOK_PATH (e.g. /api/v1/webhooks/{token}) to delete them after the run`,
      );
    }
    context.vars.webhooks = pool.webhooks;
    context.vars.provisioned = pool;
    publishDecisiveSettings(
      decisiveSettings(settings, { size: pool.webhooks.length, given: pool.accessToken === undefined }, own),
    );
  } catch (err) {
    fatal(err);
  }
}

/** `after` flow (main thread, once): delete the webhooks provisionCredentials created; a failure is one warning line. */
export async function removeProvisionedWebhooks(context: Context): Promise<void> {
  const pool = context.vars.provisioned as ProvisionedPool | undefined;
  if (!pool) return;
  const warning = await deleteWebhooks(baseUrlOf(context), rt().settings, pool);
  if (warning) say('log', warning);
}

/** Where a webhook receives its signals (WEBHOOK_PATH with its token), without the scheme's query. */
export function webhookUrl(context: Context, token: string): string {
  return targetUrl(baseUrlOf(context), rt().settings.receivePath.replace('{token}', token)).toString();
}

/**
 * Gives this virtual user one webhook of `share(pool)`, round robin interleaved across workers,
 * and at the first virtual user of each worker emits every counter the scenario's gates read
 * as 0: ensure judges the sum over the run, and a counter never emitted is undefined.
 */
export function createPicker(counters: readonly string[]) {
  let vusersStarted = 0;
  return function pickFrom(
    context: Context,
    events: Events,
    done: Done,
    share: (pool: WebhookCredentials[]) => WebhookCredentials[] = (pool) => pool,
  ): void {
    const whole = (context.vars.webhooks as WebhookCredentials[] | undefined) ?? [];
    const pool = share(whole);
    const webhook = pool[rt().picker.next(pool.length)];
    knowCredentials(whole);
    vusersStarted += 1;
    if (vusersStarted === 1) for (const name of counters) events.emit('counter', name, 0);
    if (!webhook) {
      done(new Error('no webhook credentials: provisionCredentials must run in the before section'));
      return;
    }
    context.vars.webhookToken = webhook.token;
    context.vars.webhookSecret = webhook.secret;
    // What the YAML's `url: "{{ webhookUrl }}"` names; the signing hook adds only the scheme's query.
    context.vars.webhookUrl = webhookUrl(context, webhook.token);
    // For checks in the YAML (idempotency's expect on the replay header).
    context.vars.replayHeader = rt().settings.replayHeader;
    // The per-request record names the webhook by its place in the pool, never by its token.
    context.vars.webhookIndex = whole.indexOf(webhook);
    done();
  };
}
