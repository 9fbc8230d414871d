// A burst smeared by other load on the machine makes a run INVALID: not a verdict, and the tests
// assert verdicts. The one rule for every test that runs a burst: run again, at most twice, and
// say so in the test output, so a test run shows how often load smeared a burst.

/** `attempt()`, then again (at most twice) while `invalid` gives the run's reason for being INVALID. */
export async function rerunWhileInvalid<T>(
  label: string,
  attempt: () => Promise<T>,
  invalid: (run: T) => string | undefined,
): Promise<T> {
  let run = await attempt();
  for (let retry = 0; retry < 2; retry++) {
    const reason = invalid(run);
    if (reason === undefined) break;
    console.log(`${label}: INVALID (${reason}), run again`);
    run = await attempt();
  }
  return run;
}
