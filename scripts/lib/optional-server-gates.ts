// `--server-gates optional`: the scenario's gates on server.* figures handed to Artillery as
// explicit non-strict ensure conditions (`strict: false`) in --overrides. They still show in the
// verdict, as not measured when nothing was sampled, but no longer fail the run. The caller
// states this on the command line; no plugin rewrites another's conditions.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

interface Condition {
  expression: string;
  strict?: boolean;
  [key: string]: unknown;
}

export const SERVER_GATE = /\bserver\./;

export function optionalServerConditions(scenarioFile: string): Condition[] | undefined {
  const script = parse(readFileSync(scenarioFile, 'utf8')) as { config?: { ensure?: { conditions?: Condition[] } } };
  const conditions = script.config?.ensure?.conditions ?? [];
  if (!conditions.some((c) => SERVER_GATE.test(c.expression))) return undefined;
  return conditions.map((c) => (SERVER_GATE.test(c.expression) ? { ...c, strict: false } : c));
}
