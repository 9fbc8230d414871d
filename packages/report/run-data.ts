// Everything a report shows about one run, in one plain object: built from what the
// plugin saw during the run, or from a saved --output JSON (scripts/report.ts).
import { resolveTarget } from 'webhook-stress-common';
import type { Phase, RunSettings } from './run-format.ts';

const SHOWN_VARIABLES = ['webhookPool', 'expect'];

/** The scenario settings a report may show: never credentials, tokens or secrets. */
export function publicSettings(
  config: { target?: string; phases?: Phase[]; variables?: Record<string, unknown> },
  env: Record<string, string | undefined>,
): RunSettings {
  let target = '(none)';
  try {
    // The server the run used (BASE_URL applies under the default target); its origin only,
    // since a path or query may carry a token.
    target = new URL(resolveTarget(config.target, env.BASE_URL || undefined)).origin;
  } catch {
    // Keep "(none)".
  }
  const variables: Record<string, string | number> = {};
  for (const name of SHOWN_VARIABLES) {
    const value = config.variables?.[name];
    if (typeof value === 'string' || typeof value === 'number') variables[name] = value;
  }
  return { target, phases: config.phases ?? [], variables };
}
