// Exactly-once evidence: a fresh signal, the same delivery again (byte for byte), then a different
// signal. The counter that rose by 1, then 0, then 1 is the processed count; how the second answer
// differs from the first is how the server marks a replay; and whether two different signals get
// different answers says whether an identical body can be evidence at all.
import { type SigningScheme, signingKey } from '../../../processors/lib/signing.ts';
import { type CounterPage, type CounterSource, rankCandidates, readCounters, rises } from './counter.ts';
import { type Answer, is2xx, sleep } from './exchange.ts';
import { type Finding, finding } from './finding.ts';
import { PACE_MS } from './scheme.ts';
import { deliverPatiently, freshSignal, type ProbeContext, type Sent } from './sending.ts';

const MARK_HEADER = /replay|idempot|duplicate/i;

export interface ReplayResult {
  counter: Finding;
  marking: Finding;
  /** The counter found, for the window step. */
  processed: { source: CounterSource; name: string } | undefined;
}

/** Reads the page until some counter rose since `before` (at most `waitMs`), then once more for late writers. */
async function afterWork(ctx: ProbeContext, source: CounterSource, before: CounterPage, label: string, waitMs: number) {
  const deadline = Date.now() + waitMs;
  let page = await readCounters(source, ctx.exchanges, label);
  while (page && Date.now() < deadline && ![...rises(before, page).values()].some((r) => r > 0)) {
    await sleep(200);
    page = await readCounters(source, ctx.exchanges, label);
  }
  await sleep(300);
  return (await readCounters(source, ctx.exchanges, label)) ?? page;
}

function jsonFields(body: string): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(body);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string' || typeof v === 'number') out[k] = String(v);
    return out;
  } catch {
    return {};
  }
}

/** How the answer to a replay (second) differs from the first copy's, against a different signal's (third). */
function marking(first: Answer, second: Answer | undefined, third: Answer | undefined, ctx: ProbeContext): Finding {
  const kinds: string[] = [];
  const settings: Record<string, string> = {};
  const why: string[] = [];
  if (second?.status === 409) {
    kinds.push('status');
    why.push('the replay answered 409');
  }
  const header = Object.keys(second?.headers ?? {}).find((h) => MARK_HEADER.test(h) && first.headers[h] === undefined);
  if (second && header && String(second.headers[header]).toLowerCase() !== 'false') {
    kinds.push('header');
    settings.REPLAY_HEADER = header;
    why.push(`the replay carried ${header} and the first copy did not`);
  }
  if (is2xx(second) && is2xx(third)) {
    const [a, b, c] = [jsonFields(first.body), jsonFields(second.body), jsonFields(third.body)];
    const preferred = ctx.settings.responseIdField;
    const ids = Object.keys(a).filter((k) => a[k] === b[k] && c[k] !== undefined && c[k] !== a[k]);
    const id = ids.includes(preferred) ? preferred : ids.find((k) => /id$/i.test(k));
    if (id) {
      kinds.push('id');
      if (id !== preferred) settings.RESPONSE_ID_FIELD = id;
      why.push(`"${id}" repeated for the replay and differed for another signal`);
    } else if (first.body === second.body && third.body !== first.body) {
      kinds.push('body');
      why.push('the replay repeated the first body, another signal got another');
    }
  }
  if (kinds.length > 0) {
    return finding({
      property: 'replay marking',
      value: kinds.join(', '),
      confidence: 'sure',
      settings: { REPLAY_EVIDENCE: kinds.join(','), ...settings },
      because: why.join('; '),
    });
  }
  const constant = is2xx(second) && is2xx(third) && first.body === second.body && second.body === third.body;
  return finding({
    property: 'replay marking',
    value: constant ? 'none: every acceptance answers the same body' : 'none seen',
    confidence: 'undetermined',
    because: constant
      ? 'two different signals got the same answer as the replay, so an identical body is no evidence: the processed count decides'
      : `the replay answered HTTP ${second?.status ?? 'nothing'} with no mark the pack reads`,
  });
}

export async function probeReplay(
  ctx: ProbeContext,
  scheme: SigningScheme,
  source: CounterSource,
): Promise<ReplayResult> {
  const mark = ctx.exchanges.all.length;
  const key = signingKey(scheme, ctx.webhook.secret);
  const waitMs = Math.max(2000, ctx.settings.processedSettleMs);
  await sleep(1100); // a quiet second: the scheme step's signals are counted and out of any rate window
  const before = await readCounters(source, ctx.exchanges, 'counters before');
  const signal: Sent = freshSignal(ctx, scheme, key);
  const first = await deliverPatiently(ctx, 'a fresh signal', signal);
  const afterFirst = before && (await afterWork(ctx, source, before, 'counters after it', waitMs));
  await sleep(PACE_MS);
  const second = await deliverPatiently(ctx, 'the same delivery again', signal);
  await sleep(Math.max(1000, ctx.settings.processedSettleMs));
  const afterSecond = afterFirst && (await readCounters(source, ctx.exchanges, 'counters after the replay'));
  const third = await deliverPatiently(ctx, 'a different signal', freshSignal(ctx, scheme, key));
  const afterThird = afterSecond && (await afterWork(ctx, source, afterSecond, 'counters after it', waitMs));
  const evidence = ctx.exchanges.since(mark);
  if (!is2xx(first)) {
    const none = (property: string) =>
      finding({
        property,
        value: 'undetermined',
        confidence: 'undetermined',
        because: `a correctly signed signal answered ${first === undefined ? 'nothing' : `HTTP ${(first as Answer).status}`}`,
        evidence,
      });
    return { counter: none('processed counter'), marking: none('replay marking'), processed: undefined };
  }
  // The three signals are the marking's evidence; the counter pages are the counter's.
  const markingFinding = {
    ...marking(first, second, third, ctx),
    evidence: evidence.filter((l) => !l.startsWith('counters ')),
  };
  const noCounter = (because: string): ReplayResult => ({
    marking: markingFinding,
    processed: undefined,
    counter: finding({
      property: 'processed counter',
      value: 'undetermined',
      confidence: 'undetermined',
      because,
      evidence,
    }),
  });
  if (!before || !afterFirst || !afterSecond || !afterThird) {
    return noCounter(
      `${source.url} answered no ${source.format === 'json' ? 'JSON' : 'Prometheus text'}: give your server's count with --count-url URL (and --count-json-path for JSON)`,
    );
  }
  const [r1, r2, r3] = [rises(before, afterFirst), rises(afterFirst, afterSecond), rises(afterSecond, afterThird)];
  const candidates = rankCandidates(
    [...r1.keys()].filter((n) => r1.get(n) === 1 && r2.get(n) === 0 && r3.get(n) === 1),
  );
  const processedTwice = rankCandidates(
    [...r1.keys()].filter((n) => r1.get(n) === 1 && r2.get(n) === 1 && r3.get(n) === 1),
  );
  const [name] = candidates;
  if (name === undefined) {
    return noCounter(
      processedTwice.length
        ? `only ${processedTwice.slice(0, 3).join(', ')} rose by 1 for each of the three, the replay included: the server processed the replay, or counts requests`
        : `no counter at ${source.url} rose by 1 for a fresh signal and by 0 for its replay`,
    );
  }
  const settings: Record<string, string> =
    source.format === 'json'
      ? { PROCESSED_COUNT_URL: source.url, PROCESSED_COUNT_JSON_PATH: name }
      : { PROCESSED_COUNT_URL: source.url, PROCESSED_COUNT_METRIC: name };
  return {
    marking: markingFinding,
    processed: { source, name },
    counter: finding({
      property: 'processed counter',
      value: name,
      confidence: candidates.length === 1 ? 'sure' : 'likely',
      settings,
      because: `rose by 1 for a fresh signal, 0 for its replay, 1 for another signal${candidates.length > 1 ? `; so did ${candidates.slice(1, 4).join(', ')}` : ''}`,
      evidence,
    }),
  };
}
