// Hostile traffic mixed into legitimate load: scenarios/hostile.yml. One legitimate signal, then
// one request of each hostile class in turn (processors/lib/hostile.ts says what each sends);
// every hostile one must be rejected and none processed.

import type { Context, Done, Events, SignalRequest, SignalResponse } from './core/artillery.ts';
import { PROCESSED_COLUMN } from './core/columns.ts';
import { coreHooks } from './core/hooks.ts';
import { countProcessed, readProcessedCount } from './core/oracle.ts';
import { recordOutcome } from './core/outcome.ts';
import { ownSettings } from './core/own-settings.ts';
import { webhookUrl } from './core/pool.ts';
import { rt } from './core/runtime.ts';
import { defineScenario } from './core/scenario.ts';
import { address, webhookKey } from './core/sender.ts';
import {
  appliesTo,
  HOSTILE_CLASSES,
  type HostileClass,
  type HostileStatuses,
  hostileRequest,
  isRejection,
  parseHostileStatuses,
  TIMESTAMPED_SCHEMES,
} from './lib/hostile.ts';
import { type Env, positive, SettingsError } from './lib/read-env.ts';

const FIGURES = ['sent', 'rejected', 'not_applicable'] as const;

export interface HostileSettings {
  staleAgeS: number;
  oversizedBytes: number;
  statuses: HostileStatuses;
}

/** HOSTILE_STALE_AGE_S (600), HOSTILE_BODY_BYTES (1 MiB + 1) and HOSTILE_STATUS (any 4xx but 429). */
export function readHostileSettings(env: Env): HostileSettings {
  let statuses: HostileStatuses;
  try {
    statuses = parseHostileStatuses(env.HOSTILE_STATUS);
  } catch (err) {
    throw new SettingsError((err as Error).message);
  }
  return {
    staleAgeS: positive(env, 'HOSTILE_STALE_AGE_S', 600),
    // Just above nginx's default client_max_body_size (1 MiB).
    oversizedBytes: positive(env, 'HOSTILE_BODY_BYTES', 1024 * 1024 + 1),
    statuses,
  };
}

const own = ownSettings(readHostileSettings);

export const METRICS = {
  /** hostile.<class>.<figure> */
  of: (hostile: HostileClass, figure: (typeof FIGURES)[number]) => `hostile.${hostile}.${figure}`,
  serverError: 'hostile.server_error',
  legitMs: 'webhook.legit_ms',
} as const;

export const scenario = defineScenario({
  order: 100,
  sendsHostileTraffic: true,
  title: 'Hostile traffic mixed into legitimate load',
  counters: [...HOSTILE_CLASSES.flatMap((h) => FIGURES.map((f) => METRICS.of(h, f))), METRICS.serverError],
  histograms: [METRICS.legitMs],
  settings: ['HOSTILE_STALE_AGE_S', 'HOSTILE_BODY_BYTES', 'HOSTILE_STATUS'],
  readSettings: own.read,
  columns: [
    {
      header: 'hostile rejected',
      cell: ({ counters: c }) => {
        const sum = (figure: string) =>
          HOSTILE_CLASSES.reduce((total, h) => total + (c[`hostile.${h}.${figure}`] ?? 0), 0);
        const sent = sum('sent');
        return sent > 0 ? `${((100 * sum('rejected')) / sent).toFixed(1)} %` : '-';
      },
    },
    PROCESSED_COLUMN,
  ],
});

const core = coreHooks(scenario);
export const { provisionCredentials, removeProvisionedWebhooks, signSignal, recordTransportError } = core;
export { countProcessed, readProcessedCount };

/**
 * beforeScenario: the shared pick, and a class that cannot apply to the scheme (a stale timestamp
 * where none is signed) is not sent: one line says so, and its gate reads not_applicable.
 */
export function pickWebhook(context: Context, events: Events, done: Done): void {
  const { scheme } = rt().settings;
  core.pickFrom(context, events, (err) => {
    if (err) return done(err);
    for (const hostile of HOSTILE_CLASSES) {
      if (appliesTo(hostile, scheme)) continue;
      events.emit('counter', METRICS.of(hostile, 'not_applicable'), 1);
      console.log(
        `hostile ${hostile}: not applicable to SIGNING_SCHEME=${scheme} (no signed timestamp; only ${TIMESTAMPED_SCHEMES.join(', ')} sign one): not sent, its gate reads not_applicable`,
      );
    }
    done();
  });
}

/** ifTrue of the stale-timestamp step: only schemes that sign a timestamp can reject a stale one. */
export function timestampSigned(): boolean {
  return appliesTo('stale_ts', rt().settings.scheme);
}

function hostileHook(hostile: HostileClass) {
  return (params: SignalRequest, context: Context, events: Events, done: Done): void => {
    const { signals } = rt();
    const nowMs = Date.now();
    const request = hostileRequest(
      hostile,
      {
        body: JSON.stringify(signals.next(nowMs)),
        key: webhookKey(context),
        token: String(context.vars.webhookToken),
        nowS: Math.floor(nowMs / 1000),
      },
      own.get(),
    );
    // What the YAML's `url: "{{ hostileUrl }}"` names: the webhook's, or an unknown token's.
    context.vars.hostileUrl = webhookUrl(context, request.token);
    address(params, context, request.body, { ...request, nowMs });
    context.vars.hostileClass = hostile;
    events.emit('counter', METRICS.of(hostile, 'sent'), 1);
    done();
  };
}

export const sendForgedSignature = hostileHook('forged_sig');
export const sendMissingSignature = hostileHook('missing_sig');
export const sendStaleTimestamp = hostileHook('stale_ts');
export const sendOversizedBody = hostileHook('oversized');
export const sendMalformedJson = hostileHook('malformed');
export const sendUnknownAction = hostileHook('unknown_action');
export const sendUnknownToken = hostileHook('unknown_token');

/** afterResponse of a hostile request: a rejection as HOSTILE_STATUS defines it (default any 4xx but 429), or a 5xx. */
export function recordHostile(
  _p: SignalRequest,
  response: SignalResponse,
  context: Context,
  events: Events,
  done: Done,
) {
  const hostile = context.vars.hostileClass as HostileClass;
  if (isRejection(hostile, response.statusCode, own.get().statuses))
    events.emit('counter', METRICS.of(hostile, 'rejected'), 1);
  if (response.statusCode >= 500) events.emit('counter', METRICS.serverError, 1);
  done();
}

/** afterResponse of the legitimate stream among hostile traffic: its own latency (http.response_time mixes both). */
export function recordLegitimate(
  p: SignalRequest,
  response: SignalResponse,
  context: Context,
  events: Events,
  done: Done,
) {
  const firstByte = response.timings?.phases?.firstByte;
  if (firstByte !== undefined) events.emit('histogram', METRICS.legitMs, firstByte);
  recordOutcome(p, response, context, events, done);
}
