// `npm run target` writes the reference target's contract as a profile (packages/common
// profile.ts), so `npx artillery run scenarios/burst.yml` in this folder measures exactly-once on
// the target's own counter without a setting to type. A profile that is not the target's
// (a probed receiver's) is never overwritten: the target's goes beside it, and one line says how to use it.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_PROFILE } from 'webhook-stress-common';
import { processedCountEnv } from './launch.ts';

const HEADER = '# webhook-stress profile of the reference target';
export const TARGET_PROFILE = 'reference-target.profile';

/** The profile's text: every value is the target's own contract (reference-server/), none probed. */
export function targetProfileText(url: string, at: Date): string {
  const lines = [
    `${HEADER}, written by npm run target at ${at.toISOString()}.`,
    "# Every value is the reference target's own contract (reference-server/), not probed. Flags and",
    '# environment variables win over it; delete this file (or WEBHOOK_STRESS_PROFILE=off) to read none.',
    '# The target these settings were written for (a guard for targets that are not yours).',
    `PROFILE_TARGET=${url}`,
    '# Where the scenarios send (their config.target is http://127.0.0.1:8000).',
    `BASE_URL=${url}`,
    "# The exactly-once oracle: the target's count of signals it really acted on.",
    ...Object.entries(processedCountEnv(url)).map(([k, v]) => `${k}=${v}`),
    '# The target deletes webhooks here: a run leaves none behind.',
    'DELETE_WEBHOOK_PATH=/api/v1/webhooks/{token}',
    '',
  ];
  return lines.join('\n');
}

/** Writes the profile into `dir`; returns the file and, when a foreign profile was kept, the line saying so. */
export function writeTargetProfile(dir: string, url: string, at = new Date()): { file: string; note?: string } {
  const preferred = path.join(dir, DEFAULT_PROFILE);
  const foreign = existsSync(preferred) && !readFileSync(preferred, 'utf8').startsWith(HEADER);
  const file = foreign ? path.join(dir, TARGET_PROFILE) : preferred;
  writeFileSync(file, targetProfileText(url, at));
  return foreign
    ? {
        file,
        note: `kept ${DEFAULT_PROFILE} (not the target's); to run against the target: WEBHOOK_STRESS_PROFILE=${TARGET_PROFILE} npx artillery run scenarios/burst.yml`,
      }
    : { file };
}
