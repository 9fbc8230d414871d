// The exactly-once oracle: how many signals the server says it really acted on, read
// from its own counter (Prometheus text or JSON) before and after a run. The delta is
// ground truth where the client's view (status codes, bodies) can only guess.
import { parseSeriesSelector as parseSelector, type SeriesSelector, sumSeries } from 'webhook-stress-common';

export interface ProcessedCountSource {
  url: string;
  format: 'prometheus' | 'json';
  /** Prometheus: `name` or `name{label="value",...}`. JSON: a dot path such as `stats.processed`. */
  selector: string;
}

export class ProcessedCountError extends Error {}

/** `name` or `name{label="value"}`; throws a one-line error naming the setting when malformed. */
export function parseSeriesSelector(selector: string): SeriesSelector {
  try {
    return parseSelector(selector);
  } catch (err) {
    throw new ProcessedCountError(`PROCESSED_COUNT_METRIC=${(err as Error).message}`);
  }
}

/**
 * The count in a Prometheus text page: the series the selector names, added up (one rule for
 * the whole pack: webhook-stress-common prometheus-text.ts).
 */
export function countFromPrometheus(text: string, selector: string): number {
  const total = sumSeries(text, parseSeriesSelector(selector));
  if (total === undefined) throw new ProcessedCountError(`no series matches ${selector}`);
  if (!Number.isFinite(total)) throw new ProcessedCountError(`the value of ${selector} is not a number`);
  return total;
}

/** The number at a dot path (`a.b.0.c`) of a JSON document; a numeric string is accepted. */
export function countFromJson(text: string, dotPath: string): number {
  let node: unknown;
  try {
    node = JSON.parse(text);
  } catch {
    throw new ProcessedCountError(`the answer is not JSON (starts with "${text.slice(0, 40)}")`);
  }
  for (const key of dotPath.split('.')) {
    if (node === null || typeof node !== 'object' || !(key in node)) {
      throw new ProcessedCountError(`the JSON answer has no "${dotPath}" (missing "${key}")`);
    }
    node = (node as Record<string, unknown>)[key];
  }
  const value = typeof node === 'string' && node.trim() !== '' ? Number(node) : node;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ProcessedCountError(`"${dotPath}" in the JSON answer is ${JSON.stringify(node)}, not a number`);
  }
  return value;
}

export function parseProcessedCount(text: string, source: Pick<ProcessedCountSource, 'format' | 'selector'>): number {
  return source.format === 'prometheus'
    ? countFromPrometheus(text, source.selector)
    : countFromJson(text, source.selector);
}

/** The URL without credentials or query, safe to print. */
export function printableUrl(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname}`;
}

function causeOf(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? String((err as Error).message ?? err);
}

/** One read of the oracle; any failure is one line naming the URL and what to check. */
export async function fetchProcessedCount(source: ProcessedCountSource, timeoutMs: number): Promise<number> {
  const where = printableUrl(source.url);
  let text: string;
  try {
    const response = await fetch(source.url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) throw new ProcessedCountError(`HTTP ${response.status}`);
    text = await response.text();
  } catch (err) {
    const reason =
      err instanceof ProcessedCountError
        ? err.message
        : err instanceof Error && err.name === 'TimeoutError'
          ? `no answer within ${timeoutMs} ms`
          : causeOf(err);
    throw new ProcessedCountError(`processed count: cannot read ${where}: ${reason}; check PROCESSED_COUNT_URL`);
  }
  try {
    return parseProcessedCount(text, source);
  } catch (err) {
    const setting = source.format === 'prometheus' ? 'PROCESSED_COUNT_METRIC' : 'PROCESSED_COUNT_JSON_PATH';
    throw new ProcessedCountError(`processed count: ${where}: ${(err as Error).message}; check ${setting}`);
  }
}
