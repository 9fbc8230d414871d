// The exactly-once oracle: how many signals the server says it really acted on, read
// from its own counter (Prometheus text or JSON) before and after a run. The delta is
// ground truth where the client's view (status codes, bodies) can only guess.

export interface ProcessedCountSource {
  url: string;
  format: 'prometheus' | 'json';
  /** Prometheus: `name` or `name{label="value",...}`. JSON: a dot path such as `stats.processed`. */
  selector: string;
}

export class ProcessedCountError extends Error {}

interface SeriesSelector {
  name: string;
  labels: Map<string, string>;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_PAIR = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(?:,|$)/y;

function parseLabels(text: string, what: string): Map<string, string> {
  const labels = new Map<string, string>();
  LABEL_PAIR.lastIndex = 0;
  while (LABEL_PAIR.lastIndex < text.length) {
    const start = LABEL_PAIR.lastIndex;
    const match = LABEL_PAIR.exec(text);
    if (!match?.[1] || match[2] === undefined) {
      if (text.slice(start).trim() === '') break;
      throw new ProcessedCountError(`cannot read the labels of ${what}`);
    }
    labels.set(
      match[1],
      match[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c)),
    );
  }
  return labels;
}

/** `name` or `name{label="value"}`; throws a one-line error naming the setting when malformed. */
export function parseSeriesSelector(selector: string): SeriesSelector {
  const brace = selector.indexOf('{');
  const name = (brace < 0 ? selector : selector.slice(0, brace)).trim();
  const bad = () =>
    new ProcessedCountError(
      `PROCESSED_COUNT_METRIC="${selector}" is not a metric selector; use e.g. webhook_signals_processed_total or webhook_signals_processed_total{webhook="a"}`,
    );
  if (!METRIC_NAME.test(name)) throw bad();
  if (brace < 0) return { name, labels: new Map() };
  if (!selector.trimEnd().endsWith('}')) throw bad();
  try {
    return { name, labels: parseLabels(selector.slice(brace + 1, selector.trimEnd().length - 1), selector) };
  } catch {
    throw bad();
  }
}

/**
 * Sums every series of the selected metric whose labels include the selector's labels:
 * a bare name adds up all its series (e.g. one per webhook or per worker process).
 */
export function countFromPrometheus(text: string, selector: string): number {
  const wanted = parseSeriesSelector(selector);
  let total = 0;
  let matched = 0;
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#') || !line.startsWith(wanted.name)) continue;
    const rest = line.slice(wanted.name.length);
    let labels = new Map<string, string>();
    let valuePart = rest;
    if (rest.startsWith('{')) {
      const close = rest.lastIndexOf('}');
      if (close < 0) continue;
      labels = parseLabels(rest.slice(1, close), wanted.name);
      valuePart = rest.slice(close + 1);
    } else if (!/^\s/.test(rest)) {
      continue; // another metric whose name starts with this one (e.g. `_created`)
    }
    if (![...wanted.labels].every(([k, v]) => labels.get(k) === v)) continue;
    const value = Number(valuePart.trim().split(/\s+/)[0]);
    if (!Number.isFinite(value)) {
      throw new ProcessedCountError(`the value of ${line.slice(0, 120)} is not a number`);
    }
    total += value;
    matched += 1;
  }
  if (matched === 0) throw new ProcessedCountError(`no series matches ${selector}`);
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
