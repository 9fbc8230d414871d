// Preflight: the receiver's contract, checked with one signal before any load
// (scenarios/preflight.yml). `npm run stress` stops when it fails: load would only repeat it.
import type { Context, Done, Events } from './core/artillery.ts';
import { reportFailedExpectations } from './core/expectations.ts';
import { coreHooks } from './core/hooks.ts';
import { rt } from './core/runtime.ts';
import { defineScenario } from './core/scenario.ts';

export const scenario = defineScenario({
  order: 10,
  title: "Preflight: the receiver's contract",
  // artillery-plugin-expect's counters: ensure must meet no undefined.
  counters: ['plugins.expect.ok', 'plugins.expect.failed'],
  settings: ['RESPONSE_CONTENT_TYPE', 'RESPONSE_ID_FIELD'],
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
  const { contract } = rt().settings;
  context.vars.contractContentType = contract.contentType;
  context.vars.contractIdField = contract.idField ?? '';
  done();
}

/** ifTrue of the preflight steps: the id field is checked only when RESPONSE_ID_FIELD names it. */
export function responseIdFieldSet(): boolean {
  return rt().settings.contract.idField !== undefined;
}
export function responseIdFieldUnset(): boolean {
  return rt().settings.contract.idField === undefined;
}
