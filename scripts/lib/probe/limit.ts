// The rate limit: a quiet second, then more signals at once than the guide's limit (fresh ones,
// so idempotency cannot answer for the limiter), counted by answer; then one signal half a second
// later, which tells a refilling bucket from a window. The model is written only when that
// answer decides it; the limit when some were refused with 429.
import { type SigningScheme, signingKey } from '../../../processors/lib/signing.ts';
import { sleep } from './exchange.ts';
import { type Finding, finding } from './finding.ts';
import { deliver, freshSignal, type ProbeContext } from './sending.ts';

export const LIMIT_BURST = 25;

export async function probeLimit(ctx: ProbeContext, scheme: SigningScheme): Promise<Finding> {
  const mark = ctx.exchanges.all.length;
  const key = signingKey(scheme, ctx.webhook.secret);
  await sleep(1500);
  const signals = Array.from({ length: LIMIT_BURST }, () => freshSignal(ctx, scheme, key));
  const burstAt = Date.now();
  const answers = await Promise.all(signals.map((s, i) => deliver(ctx, `burst signal ${i + 1}`, s)));
  const allowed = answers.filter((a) => a !== undefined && a.status >= 200 && a.status < 300).length;
  const limited = answers.filter((a) => a?.status === 429);
  await sleep(Math.max(0, burstAt + 500 - Date.now()));
  const later = await deliver(ctx, 'one more, 500 ms after the burst', freshSignal(ctx, scheme, key));
  const statuses = new Map<string, number>();
  for (const a of answers) {
    const key = a === undefined ? 'no answer' : `HTTP ${a.status}`;
    statuses.set(key, (statuses.get(key) ?? 0) + 1);
  }
  const sent = ctx.exchanges.all.slice(mark);
  // The burst in one line, one answer of each kind shown whole, and the late signal.
  const shown = [...new Set(sent.slice(0, -1).map((e) => e.status))].map((st) =>
    ctx.exchanges.line(sent.find((e) => e.status === st) as (typeof sent)[number]),
  );
  const evidence = [
    `${LIMIT_BURST} signals at once: ${[...statuses].map(([k, n]) => `${n} ${k}`).join(', ')}`,
    ...shown,
    ...ctx.exchanges.since(mark + sent.length - 1),
  ];
  if (limited.length === 0) {
    return finding({
      property: 'rate limit',
      value: `none seen: ${allowed} of ${LIMIT_BURST} at once accepted`,
      confidence: 'undetermined',
      because:
        "no 429 came: the rate-limit scenario fails on such a receiver, or give RATE_LIMIT_PER_SECOND if its limit is above the probe's burst",
      evidence,
    });
  }
  const retryAfter = limited.find((a) => a?.headers['retry-after'])?.headers['retry-after'];
  const refilled = later?.status !== undefined && later.status >= 200 && later.status < 300;
  return finding({
    property: 'rate limit',
    value: `${allowed} at once${refilled ? ', refilling within 500 ms' : ', none more within 500 ms'}`,
    confidence: 'likely',
    settings: { RATE_LIMIT_PER_SECOND: String(allowed) },
    because: `${allowed} of ${LIMIT_BURST} signals sent at once were accepted, ${limited.length} answered 429${retryAfter ? ` (Retry-After: ${retryAfter})` : ''}; the model (RATE_LIMIT_MODEL) is undetermined: ${refilled ? 'a token bucket or a fixed window that turned over' : 'a sliding window, or a fixed window that did not turn over'} fit the answer 500 ms later`,
    evidence,
  });
}
