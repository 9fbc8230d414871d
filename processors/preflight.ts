// Preflight: the receiver's contract, checked with one signal before any load
// (scenarios/preflight.yml). `npm run stress` stops when it fails: load would only repeat it.
import type { Context, Done, Events } from './core/artillery.ts';
import { reportFailedExpectations } from './core/expectations.ts';
import { coreHooks } from './core/hooks.ts';
import { ownSettings } from './core/own-settings.ts';
import { defineScenario } from './core/scenario.ts';
import type { Env } from './lib/read-env.ts';

/** What an acceptance must look like: RESPONSE_CONTENT_TYPE (json), and RESPONSE_ID_FIELD when set. */
export function readContractSettings(env: Env): { contentType: string; idField: string | undefined } {
  return { contentType: env.RESPONSE_CONTENT_TYPE || 'json', idField: env.RESPONSE_ID_FIELD || undefined };
}

const own = ownSettings(readContractSettings);

export const scenario = defineScenario({
  order: 10,
  title: "Preflight: the receiver's contract",
  // artillery-plugin-expect's counters: ensure must meet no undefined.
  counters: ['plugins.expect.ok', 'plugins.expect.failed'],
  settings: ['RESPONSE_CONTENT_TYPE', 'RESPONSE_ID_FIELD'],
  readSettings: own.read,
  stopsSuiteOnFailure: true,
});

export const {
  provisionCredentials,
  removeProvisionedWebhooks,
  pickWebhook,
  signSignal,
  recordOutcome,
  recordTransportError,
} = coreHooks(scenario);
export { reportFailedExpectations };

/** Flow step: what expect compares the answer with. */
export function startContractChecks(context: Context, _events: Events, done: Done): void {
  const contract = own.get();
  context.vars.contractContentType = contract.contentType;
  context.vars.contractIdField = contract.idField ?? '';
  done();
}

/** ifTrue of the preflight steps: the id field is checked only when RESPONSE_ID_FIELD names it. */
export function responseIdFieldSet(): boolean {
  return own.get().idField !== undefined;
}
export function responseIdFieldUnset(): boolean {
  return own.get().idField === undefined;
}
