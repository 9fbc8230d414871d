// What the probe found about one property of the receiver: the profile lines it implies, how
// sure it is, and the evidence (requests and answers, masked) it rests on.

export type Confidence = 'sure' | 'likely' | 'undetermined';

export interface Finding {
  /** The property, as a person names it: "signing scheme", "processed counter". */
  property: string;
  /** What was found, in a few words ("standard", "signals_processed_total", "none"). */
  value: string;
  confidence: Confidence;
  /** Profile lines (variable -> value); none when undetermined or when the default holds. */
  settings: Record<string, string>;
  /** Why: one short line a person can check. */
  because: string;
  evidence: string[];
}

export function finding(
  f: Omit<Finding, 'settings' | 'evidence'> & Partial<Pick<Finding, 'settings' | 'evidence'>>,
): Finding {
  return { settings: {}, evidence: [], ...f };
}
