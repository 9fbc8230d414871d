// The idempotency window: the same delivery repeated at growing delays after its first copy,
// until the processed count says it was processed again. The window then lies between the last
// delay that was still a replay and the first that was not; IDEMPOTENCY_TTL_MS is written as
// the latter (an upper bound), so the idempotency scenario's repeat (TTL + 500 ms) falls after
// the window for sure; its in-window copies are sent at once, well inside it.
import { type SigningScheme, signingKey } from '../../../processors/lib/signing.ts';
import { type CounterSource, readCounters } from './counter.ts';
import { is2xx, sleep } from './exchange.ts';
import { type Finding, finding } from './finding.ts';
import { deliverPatiently, freshSignal, type ProbeContext } from './sending.ts';

/** Delays after the first copy, 500 ms apart (the scenario's margin), then one long look. */
export const REPEAT_DELAYS_MS = [500, 1000, 1500, 2000, 2500, 3000, 5000] as const;

export async function probeWindow(
  ctx: ProbeContext,
  scheme: SigningScheme,
  processed: { source: CounterSource; name: string },
): Promise<Finding> {
  const mark = ctx.exchanges.all.length;
  const key = signingKey(scheme, ctx.webhook.secret);
  const settle = Math.max(300, ctx.settings.processedSettleMs);
  const count = async (label: string) =>
    (await readCounters(processed.source, ctx.exchanges, label))?.get(processed.name);
  const signal = freshSignal(ctx, scheme, key);
  const startedAt = Date.now();
  const first = await deliverPatiently(ctx, 'a fresh signal', signal);
  await sleep(settle);
  let last = await count('count after it');
  let stillReplay = 0;
  for (const delay of REPEAT_DELAYS_MS) {
    await sleep(Math.max(0, startedAt + delay - Date.now()));
    const answer = await deliverPatiently(ctx, `the same delivery ${delay} ms after the first`, signal);
    await sleep(settle);
    const now = await count(`count after the ${delay} ms repeat`);
    if (!is2xx(first) || last === undefined || now === undefined || answer === undefined) break;
    if (now > last) {
      return finding({
        property: 'idempotency window',
        value: `between ${stillReplay} and ${delay} ms`,
        confidence: stillReplay > 0 ? 'likely' : 'undetermined',
        settings: stillReplay > 0 ? { IDEMPOTENCY_TTL_MS: String(delay), REPROCESS_AFTER_TTL: 'true' } : {},
        because:
          stillReplay > 0
            ? `a repeat ${stillReplay} ms after the first copy was a replay, one ${delay} ms after was processed again (the window's upper bound is written)`
            : `the first repeat (${delay} ms) was processed again: the window is shorter than the probe can see`,
        evidence: ctx.exchanges.since(mark),
      });
    }
    stillReplay = delay;
    last = now;
  }
  if (stillReplay === REPEAT_DELAYS_MS.at(-1)) {
    return finding({
      property: 'idempotency window',
      value: `longer than ${stillReplay} ms`,
      confidence: 'likely',
      settings: { REPROCESS_AFTER_TTL: 'false' },
      because: `the same delivery was still a replay ${stillReplay} ms after its first copy: the server remembers deliveries, so a repeat after the window is a replay too`,
      evidence: ctx.exchanges.since(mark),
    });
  }
  return finding({
    property: 'idempotency window',
    value: 'undetermined',
    confidence: 'undetermined',
    because: 'the repeats or the count did not answer',
    evidence: ctx.exchanges.since(mark),
  });
}
