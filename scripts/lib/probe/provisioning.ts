// Reachable? Provisioning: the webhook the probe works on, from WEBHOOK_TOKEN/WEBHOOK_SECRET or
// created the way the scenarios create theirs (a login as JSON or as a form, then the creation
// path), and deleted at the end when the probe created it.
import { targetUrl } from 'webhook-stress-common';
import { createWebhook, login, ProvisionError } from '../../../processors/lib/provision.ts';
import type { Settings } from '../../../processors/lib/settings.ts';
import type { Exchanges } from './exchange.ts';
import { type Finding, finding } from './finding.ts';
import type { Webhook } from './sending.ts';

export class ProbeError extends Error {}

/** The target answers HTTP at all (any status): else there is nothing to probe. */
export async function reach(target: string, exchanges: Exchanges): Promise<Finding> {
  const mark = exchanges.all.length;
  const health = await exchanges.send('reachable?', targetUrl(target, '/health').toString());
  if (!health) {
    const code = exchanges.all.at(-1)?.status;
    throw new ProbeError(`cannot reach ${target} (${code}): start the server, or give its address with --target URL`);
  }
  return finding({
    property: 'reachable',
    value: `yes (GET /health: HTTP ${health.status})`,
    confidence: 'sure',
    because: 'the target answered HTTP',
    evidence: exchanges.since(mark),
  });
}

export interface Provisioned {
  webhook: Webhook;
  /** The session that created it, for the deletion; undefined when the webhook was given. */
  session: string | undefined;
  settings: Settings;
  findings: Finding[];
}

const other = (encoding: 'json' | 'form'): 'json' | 'form' => (encoding === 'json' ? 'form' : 'json');

/** Logs in as LOGIN_ENCODING says, else the other encoding; the finding says which worked. */
async function loginEitherWay(target: string, settings: Settings): Promise<{ session: string; settings: Settings }> {
  try {
    return { session: await login(target, settings), settings };
  } catch (first) {
    const tried: Settings = { ...settings, login: { ...settings.login, encoding: other(settings.login.encoding) } };
    try {
      return { session: await login(target, tried), settings: tried };
    } catch {
      throw first;
    }
  }
}

export async function provision(target: string, settings: Settings, exchanges: Exchanges): Promise<Provisioned> {
  const given = settings.credentials[0];
  if (given) {
    exchanges.know(given.token, given.secret);
    return {
      webhook: given,
      session: undefined,
      settings,
      findings: [
        finding({
          property: 'provisioning',
          value: 'not probed: WEBHOOK_TOKEN given',
          confidence: 'undetermined',
          because: 'the probe worked on the first webhook of WEBHOOK_TOKEN and WEBHOOK_SECRET',
        }),
      ],
    };
  }
  exchanges.know(settings.login.password);
  try {
    const logged = await loginEitherWay(target, settings);
    exchanges.know(logged.session);
    const webhook = await createWebhook(target, logged.settings, logged.session, 'webhook-stress probe');
    exchanges.know(webhook.token, webhook.secret);
    const { login: l, createWebhook: c } = logged.settings;
    return {
      webhook,
      session: logged.session,
      settings: logged.settings,
      findings: [
        finding({
          property: 'provisioning',
          value: `login ${l.path} (${l.encoding}), creation ${c.path}`,
          confidence: 'sure',
          settings: { LOGIN_PATH: l.path, LOGIN_ENCODING: l.encoding, CREATE_WEBHOOK_PATH: c.path },
          because: `logged in as ${l.email} and created a webhook whose answer has "${c.tokenField}" and "${c.secretField}"`,
        }),
      ],
    };
  } catch (err) {
    if (err instanceof ProvisionError) {
      throw new ProbeError(`the probe needs one webhook: ${err.message}`);
    }
    throw err;
  }
}

/** Deletes the probe's webhook (DELETE_WEBHOOK_PATH, default the pack's), and says whether that worked. */
export async function removeWebhook(target: string, p: Provisioned, exchanges: Exchanges): Promise<Finding> {
  const path = p.settings.deleteWebhookPath || '/api/v1/webhooks/{token}';
  if (!p.session) {
    return finding({
      property: 'deletion',
      value: 'not probed: WEBHOOK_TOKEN given',
      confidence: 'undetermined',
      because: 'the probe deletes only webhooks it created',
    });
  }
  const mark = exchanges.all.length;
  const answer = await exchanges.send(
    'delete the probe webhook',
    targetUrl(target, path.replace('{token}', encodeURIComponent(p.webhook.token))).toString(),
    { method: 'DELETE', headers: { authorization: `Bearer ${p.session}` } },
  );
  const ok = answer !== undefined && answer.status >= 200 && answer.status < 300;
  return finding({
    property: 'deletion',
    value: ok ? path : 'undetermined',
    confidence: ok ? 'sure' : 'undetermined',
    settings: ok ? { DELETE_WEBHOOK_PATH: path } : {},
    because: ok
      ? 'the probe webhook was deleted there'
      : `DELETE ${path} did not delete it (set DELETE_WEBHOOK_PATH, and delete the "webhook-stress probe" webhook on the server)`,
    evidence: exchanges.since(mark),
  });
}
