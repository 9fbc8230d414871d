// The probe's profile: dotenv lines (packages/common profile.ts reads them), each value under a
// comment saying what it is, how sure the probe is and why. Undetermined properties are left as
// commented lines to fill in. Secrets are written only when the user asks (--store-secrets).
import type { Finding } from './finding.ts';

export const PROBE_HEADER = '# webhook-stress profile, written by npm run probe';

/** Settings the probe used as given (not found): written back so the profile reproduces the probe. */
export const GIVEN_SETTINGS = [
  'WEBHOOK_PATH',
  'SIGNATURE_HEADER',
  'SIGNAL_CONTENT_TYPE',
  'BODY_SECRET_FIELD',
  'AUTH_EMAIL',
  'ACCESS_TOKEN_FIELD',
  'WEBHOOK_TOKEN_FIELD',
  'WEBHOOK_SECRET_FIELD',
] as const;

export interface ProfileInput {
  target: string;
  at: Date;
  findings: Finding[];
  given: Record<string, string>;
  /** Present only with --store-secrets. */
  secrets: Record<string, string> | undefined;
}

/** `# text` lines of at most ~100 characters. */
function comment(text: string): string[] {
  const words = text.split(' ');
  const lines: string[] = [];
  let line = '#';
  for (const w of words) {
    if (line.length + w.length > 98) {
      lines.push(line);
      line = '#';
    }
    line += ` ${w}`;
  }
  lines.push(line);
  return lines;
}

export function profileText({ target, at, findings, given, secrets }: ProfileInput): string {
  const out = [
    `${PROBE_HEADER} at ${at.toISOString()}.`,
    '# Each value says where it came from. Flags and environment variables win over it',
    '# (flag > environment > profile > default); a commented line is yours to fill in.',
    '',
    '# The target probed: hostile requests, creating and deleting webhooks may go there.',
    `PROFILE_TARGET=${target}`,
    `BASE_URL=${target}`,
  ];
  for (const f of findings) {
    out.push('', ...comment(`${f.property}: ${f.value} (${f.confidence}): ${f.because}`));
    const entries = Object.entries(f.settings);
    if (f.confidence === 'undetermined' && entries.length === 0) continue;
    for (const [k, v] of entries) out.push(`${k}=${v}`);
  }
  const givenEntries = Object.entries(given);
  if (givenEntries.length > 0) {
    out.push('', '# Given to the probe in its environment or profile, and used as given:');
    for (const [k, v] of givenEntries) out.push(`${k}=${v}`);
  }
  out.push('');
  if (secrets) {
    out.push('# Stored on request (--store-secrets): keep this file out of version control.');
    for (const [k, v] of Object.entries(secrets)) out.push(`${k}=${v}`);
  } else {
    out.push('# No secret is stored: give WEBHOOK_TOKEN and WEBHOOK_SECRET (or AUTH_PASSWORD) in the environment,');
    out.push('# or probe again with --store-secrets.');
  }
  out.push('');
  return out.join('\n');
}
