// Turns each response into one outcome. A 2xx is a duplicate only on positive evidence:
// a 409 or the replay header (always honoured: neither can be mistaken), a repeated
// id in RESPONSE_ID_FIELD or an identical body (only when REPLAY_EVIDENCE names them,
// since many receivers answer every acceptance with the same constant body).
import { createHash } from 'node:crypto';
import type { Outcome } from 'webhook-stress-common';
import type { ReplayEvidence } from './settings.ts';

export interface ResponseFacts {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface ReplayRules {
  /** Lower-case header name whose truthy value marks a replay. */
  replayHeader: string;
  /** Field of a JSON answer that identifies the processing (e.g. an order id). */
  responseIdField: string;
  replayEvidence: { kinds: readonly ReplayEvidence[] };
}

export function outcomeOfStatus(status: number): Outcome {
  if (status >= 200 && status < 300) return 'accepted';
  if (status === 409) return 'duplicate';
  if (status === 429) return 'rate_limited';
  if (status === 401 || status === 403) return 'auth_failed';
  if (status === 400 || status === 413 || status === 422) return 'invalid';
  if (status === 404) return 'not_found';
  if (status >= 500) return 'server_error';
  return 'unexpected';
}

function idOf(body: string, idField: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object' && idField in parsed) {
      return String((parsed as Record<string, unknown>)[idField]);
    }
  } catch {
    // Not JSON: no id.
  }
  return undefined;
}

/** What identifies one processing under the named evidence, or undefined when nothing is to be compared. */
function processingFingerprint(body: string, rules: ReplayRules): string | undefined {
  const kinds = rules.replayEvidence.kinds;
  if (kinds.includes('id')) {
    const id = idOf(body, rules.responseIdField);
    if (id !== undefined) return `id:${id}`;
  }
  if (kinds.includes('body')) return `body:${createHash('sha256').update(body).digest('hex')}`;
  return undefined;
}

const REMEMBERED_FINGERPRINTS = 100_000;

export interface Classifier {
  classify(response: ResponseFacts): Outcome;
}

export function createClassifier(rules: ReplayRules): Classifier {
  // Insertion-ordered, so the oldest fingerprint is dropped first when full.
  const seen = new Set<string>();
  return {
    // Per thread: with `id` or `body` evidence a replay is seen only by the thread that saw the first answer.
    classify(response) {
      const outcome = outcomeOfStatus(response.status);
      if (outcome !== 'accepted') return outcome;
      const flag = response.headers[rules.replayHeader];
      if (flag !== undefined && String(flag).toLowerCase() !== 'false') return 'duplicate';
      const fingerprint = processingFingerprint(response.body, rules);
      if (fingerprint === undefined) return 'accepted';
      if (seen.has(fingerprint)) return 'duplicate';
      seen.add(fingerprint);
      if (seen.size > REMEMBERED_FINGERPRINTS) {
        const oldest = seen.values().next().value;
        if (oldest !== undefined) seen.delete(oldest);
      }
      return 'accepted';
    },
  };
}

const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT']);

/** A request that got no HTTP answer: past the sender's deadline, or any other transport failure. */
export function outcomeOfTransportError(err: { code?: string } | undefined): Outcome {
  return err?.code !== undefined && TIMEOUT_CODES.has(err.code) ? 'timed_out' : 'transport_error';
}
