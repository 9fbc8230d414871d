// A burst smeared by other load on the machine (or a generator that bunched its sends) makes a run
// INVALID: not a verdict, and the tests assert verdicts. The one rule for every test that runs
// one: run again, at most four times, and say so in the test output, so a test run shows how often
// load smeared a run. Three files at a time on 2 cores smeared a burst three times in a row about
// once per `npm test` (BENCHMARKS.md); five attempts make that a rare event without judging one.

/** `attempt()`, then again (at most four times) while `invalid` gives the run's reason for being INVALID. */
const RERUNS = 4;

export async function rerunWhileInvalid<T>(
  label: string,
  attempt: () => Promise<T>,
  invalid: (run: T) => string | undefined,
): Promise<T> {
  let run = await attempt();
  for (let retry = 0; retry < RERUNS; retry++) {
    const reason = invalid(run);
    if (reason === undefined) break;
    console.log(`${label}: INVALID (${reason}), run again`);
    run = await attempt();
  }
  return run;
}
