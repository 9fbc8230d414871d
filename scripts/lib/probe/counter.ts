// Reading a page of counters whole, to find the one that counts what the server processed:
// Prometheus text (every family, its series summed, as the oracle sums a name) or JSON (every
// numeric leaf, by dot path, as PROCESSED_COUNT_JSON_PATH names one).
import { seriesOf } from 'webhook-stress-common';
import type { Exchanges } from './exchange.ts';

export type CounterPage = Map<string, number>;

export interface CounterSource {
  url: string;
  format: 'prometheus' | 'json';
}

function numericLeaves(node: unknown, prefix: string, into: CounterPage): void {
  if (typeof node === 'number' && Number.isFinite(node)) into.set(prefix, node);
  else if (node && typeof node === 'object' && !Array.isArray(node)) {
    for (const [k, v] of Object.entries(node)) numericLeaves(v, prefix ? `${prefix}.${k}` : k, into);
  }
}

/** Every counter of the page, or undefined when the page is neither (or did not answer 200). */
export async function readCounters(
  source: CounterSource,
  exchanges: Exchanges,
  label: string,
): Promise<CounterPage | undefined> {
  const answer = await exchanges.send(label, source.url);
  if (answer?.status !== 200) return undefined;
  const page: CounterPage = new Map();
  if (source.format === 'json') {
    try {
      numericLeaves(JSON.parse(answer.body), '', page);
    } catch {
      return undefined;
    }
    return page;
  }
  try {
    for (const [name, series] of seriesOf(answer.body)) {
      const sum = series.reduce((total, s) => total + s.value, 0);
      if (Number.isFinite(sum)) page.set(name, sum);
    }
  } catch {
    return undefined;
  }
  return page;
}

/** How much each counter of `after` rose since `before` (counters new in `after` rose from 0). */
export function rises(before: CounterPage, after: CounterPage): CounterPage {
  const rose: CounterPage = new Map();
  for (const [name, value] of after) rose.set(name, value - (before.get(name) ?? 0));
  return rose;
}

/** Names that sound like a count of work done, first: the tie-break between equal candidates. */
const WORK_WORDS = /process|execut|order|signal|handled|accepted|placed/i;

export function rankCandidates(names: string[]): string[] {
  return [...names].sort((a, b) => Number(WORK_WORDS.test(b)) - Number(WORK_WORDS.test(a)) || a.localeCompare(b));
}
