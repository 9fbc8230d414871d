// What decides the run's gates, sent once to the verdict plugin (its report's "What decided the
// verdict"): the scheme and where delivery ids travel, the exactly-once evidence, the sender's
// deadline, the pool, and the scenario's own settings. Never a secret, token or password.
import { type DecisiveSettings, SETTINGS_EVENT } from 'webhook-stress-common';
import { DELIVERY_ID_HEADERS } from '../lib/delivery.ts';
import { printableUrl } from '../lib/processed-count.ts';
import type { Settings } from '../lib/settings.ts';

function shown(value: unknown): string {
  if (value !== null && typeof value === 'object')
    return Object.entries(value)
      .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
      .join(', ');
  return String(value);
}

export function decisiveSettings(
  settings: Settings,
  pool: { size: number; given: boolean },
  own: unknown,
): DecisiveSettings {
  const evidence = settings.processedCount
    ? `the server's count: ${printableUrl(settings.processedCount.url)} ${settings.processedCount.selector}`
    : settings.replayEvidence.declared
      ? `the acceptances, replays marked by ${settings.replayEvidence.kinds.join(', ')} (REPLAY_EVIDENCE)`
      : 'not measured (no PROCESSED_COUNT_URL, no REPLAY_EVIDENCE)';
  const decisive: DecisiveSettings = {
    'signing scheme': settings.scheme,
    'delivery id': DELIVERY_ID_HEADERS[settings.scheme] ?? "none: the body's signal_id",
    'exactly-once evidence': evidence,
    "sender's deadline": `${settings.senderTimeoutS} s (SENDER_TIMEOUT_S)`,
    'webhook pool': `${pool.size} (${pool.given ? 'given in WEBHOOK_TOKEN' : 'created by the run'})`,
  };
  if (own !== undefined) decisive["scenario's own settings"] = shown(own);
  return decisive;
}

/** Hands them to the verdict plugin through Artillery's global events (main thread, `before` flow). */
export function publishDecisiveSettings(decisive: DecisiveSettings): void {
  const events = (globalThis as { artillery?: { globalEvents?: { emit(e: string, p: unknown): void } } }).artillery
    ?.globalEvents;
  events?.emit(SETTINGS_EVENT, decisive);
}
