// Turns each response into one outcome. A duplicate is often an HTTP 200 replaying
// the first answer, so status alone cannot tell it: a replay header, or an answer
// identical to an earlier one (same order id, else same body), marks it.
import { createHash } from 'node:crypto';

export const OUTCOMES = [
  'accepted',
  'duplicate',
  'rate_limited',
  'auth_failed',
  'invalid',
  'not_found',
  'server_error',
  'unexpected',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

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

function processingFingerprint(body: string, idField: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object' && idField in parsed) {
      return `id:${String((parsed as Record<string, unknown>)[idField])}`;
    }
  } catch {
    // Not JSON: the whole body is the fingerprint.
  }
  return `body:${createHash('sha256').update(body).digest('hex')}`;
}

const REMEMBERED_FINGERPRINTS = 100_000;

export interface Classifier {
  classify(response: ResponseFacts): Outcome;
}

export function createClassifier(rules: ReplayRules): Classifier {
  // Insertion-ordered, so the oldest fingerprint is dropped first when full.
  const seen = new Set<string>();
  return {
    classify(response) {
      const outcome = outcomeOfStatus(response.status);
      if (outcome !== 'accepted') return outcome;
      const flag = response.headers[rules.replayHeader];
      if (flag !== undefined && String(flag).toLowerCase() !== 'false') return 'duplicate';
      const fingerprint = processingFingerprint(response.body, rules.responseIdField);
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
