// artillery-plugin-expect runs silent (its own lines print the request's URL and, on a failure,
// every variable of the virtual user): the pack prints each failed check itself, masked.
import { type CheckedRequest, failedExpectationLines } from '../lib/expectation-report.ts';
import type { Context, Done, Events, SignalRequest, SignalResponse } from './artillery.ts';
import { say } from './say.ts';

/** afterResponse after expect's checks of this request: each failed check, one masked line. */
export function reportFailedExpectations(
  _p: SignalRequest,
  _response: SignalResponse,
  context: Context,
  _events: Events,
  done: Done,
): void {
  const checked = context.expectations as CheckedRequest[] | undefined;
  for (const line of failedExpectationLines(checked?.at(-1))) say('log', line);
  done();
}
