// Hostile requests mixed into legitimate load (scenarios/hostile.yml): each class is one
// thing an attacker or a broken sender does. Pure: what to send is decided here, the hook
// in processors/hostile.ts only signs and addresses it.
import { forgedKey, type SigningKey, type SigningScheme } from './signing.ts';

export const HOSTILE_CLASSES = [
  'forged_sig',
  'missing_sig',
  'stale_ts',
  'oversized',
  'malformed',
  'unknown_action',
  'unknown_token',
] as const;
export type HostileClass = (typeof HOSTILE_CLASSES)[number];

/** Schemes that sign a timestamp; only they can reject a stale one. */
export const TIMESTAMPED_SCHEMES: readonly SigningScheme[] = ['stripe', 'standard', 'slack'];

export function appliesTo(hostile: HostileClass, scheme: SigningScheme): boolean {
  return hostile !== 'stale_ts' || TIMESTAMPED_SCHEMES.includes(scheme);
}

export interface HostileOptions {
  /** Age of the stale timestamp, beyond every usual tolerance (Stripe, Slack, Standard Webhooks: 300 s). */
  staleAgeS: number;
  /** Size of the oversized body, above the limit a receiver (or its proxy) should enforce. */
  oversizedBytes: number;
}

export interface HostileRequest {
  body: string;
  /** The key to sign with; undefined sends no signature at all. */
  key: SigningKey | undefined;
  nowS: number;
  token: string;
}

/** What to send for one hostile class, derived from a legitimate signal body and its webhook. */
export function hostileRequest(
  hostile: HostileClass,
  legit: { body: string; key: SigningKey; token: string; nowS: number },
  opts: HostileOptions,
): HostileRequest {
  const base: HostileRequest = { body: legit.body, key: legit.key, nowS: legit.nowS, token: legit.token };
  switch (hostile) {
    case 'forged_sig':
      // From the key bytes, not the secret's text: `${secret}-forged` is the real key to a lenient base64 decoder.
      return { ...base, key: forgedKey(legit.key) };
    case 'missing_sig':
      return { ...base, key: undefined };
    case 'stale_ts':
      return { ...base, nowS: legit.nowS - opts.staleAgeS };
    case 'oversized': {
      // Exactly oversizedBytes long (the default is one byte past nginx's 1 MiB client_max_body_size):
      // the comment is padded by what the rest of the JSON leaves.
      const signal = JSON.parse(legit.body) as Record<string, unknown>;
      const rest = Buffer.byteLength(JSON.stringify({ ...signal, comment: '' }));
      return {
        ...base,
        body: JSON.stringify({ ...signal, comment: 'x'.repeat(Math.max(0, opts.oversizedBytes - rest)) }),
      };
    }
    case 'malformed':
      // Valid signature over invalid JSON: the body check, not the signature check, must reject it.
      return { ...base, body: legit.body.slice(0, Math.floor(legit.body.length / 2)) };
    case 'unknown_action': {
      const signal = JSON.parse(legit.body) as Record<string, unknown>;
      return { ...base, body: JSON.stringify({ ...signal, action: 'HOLD' }) };
    }
    case 'unknown_token':
      return { ...base, token: `unknown${legit.token.slice(0, 4)}${Math.random().toString(36).slice(2, 12)}` };
  }
}

/** Expected rejection statuses per class (HOSTILE_STATUS), e.g. "forged_sig=401|403,oversized=413". */
export type HostileStatuses = Partial<Record<HostileClass, number[]>>;

export function parseHostileStatuses(raw: string | undefined): HostileStatuses {
  const statuses: HostileStatuses = {};
  for (const entry of (raw ?? '').split(',').map((s) => s.trim())) {
    if (entry === '') continue;
    const [name, codes] = entry.split('=', 2);
    if (!(HOSTILE_CLASSES as readonly string[]).includes(name ?? '') || !codes) {
      throw new Error(
        `HOSTILE_STATUS entry "${entry}" is not <class>=<status>[|<status>] with a class among ${HOSTILE_CLASSES.join(', ')}`,
      );
    }
    const list = codes.split('|').map(Number);
    if (list.some((c) => !Number.isInteger(c) || c < 400 || c > 499)) {
      throw new Error(`HOSTILE_STATUS entry "${entry}": every status must be a 4xx code`);
    }
    statuses[name as HostileClass] = list;
  }
  return statuses;
}

/**
 * A rejection is a 4xx other than 429 (a rate limit says nothing about whether the check
 * holds), or exactly the codes HOSTILE_STATUS names for the class.
 */
export function isRejection(hostile: HostileClass, status: number, expected: HostileStatuses): boolean {
  const codes = expected[hostile];
  if (codes) return codes.includes(status);
  return status >= 400 && status < 500 && status !== 429;
}
