// One reading of the Prometheus text format for the pack (the exactly-once oracle, the
// monitor's remote source, the probe): parsed by a maintained port of Prometheus's own parser,
// and one rule for what a selector means: `name` or `name{label="value",...}` adds up every
// series of that name that carries those labels (one series per worker process or per webhook).
import parsePrometheusTextFormat from 'parse-prometheus-text-format';

export interface SeriesSelector {
  name: string;
  labels: Record<string, string>;
}

export class SelectorError extends Error {}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** The selector without the blanks a person types between labels (`{a="1", b="2"}`), quoted values kept. */
function withoutBlanks(selector: string): string {
  let out = '';
  let quoted = false;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i] as string;
    if (quoted && c === '\\') {
      out += c + (selector[++i] ?? '');
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (quoted || !/\s/.test(c)) out += c;
  }
  return out;
}

/** `name` or `name{label="value"}`, read by the same parser as the pages it selects from. */
export function parseSeriesSelector(selector: string): SeriesSelector {
  const brace = selector.indexOf('{');
  const name = (brace < 0 ? selector : selector.slice(0, brace)).trim();
  const bad = new SelectorError(
    `"${selector}" is not a metric selector; use e.g. signals_processed_total or signals_processed_total{webhook="a"}`,
  );
  if (!METRIC_NAME.test(name) || (brace >= 0 && !selector.trimEnd().endsWith('}'))) throw bad;
  if (brace < 0) return { name, labels: {} };
  let families: ReturnType<typeof parsePrometheusTextFormat>;
  try {
    families = parsePrometheusTextFormat(`${withoutBlanks(selector)} 0\n`);
  } catch {
    throw bad;
  }
  const labels = families[0]?.metrics[0]?.labels;
  if (families.length !== 1 || families[0]?.name !== name || !labels) throw bad;
  return { name, labels };
}

/** Every sample of every family of the page, by family name (a name may appear in several runs of lines). */
export function seriesOf(text: string): Map<string, { value: number; labels: Record<string, string> }[]> {
  const byName = new Map<string, { value: number; labels: Record<string, string> }[]>();
  for (const family of parsePrometheusTextFormat(text)) {
    const list = byName.get(family.name) ?? [];
    for (const m of family.metrics) list.push({ value: Number(m.value), labels: m.labels ?? {} });
    byName.set(family.name, list);
  }
  return byName;
}

/** The sum of the series the selector names, or undefined when none matches. */
export function sumSeries(text: string, selector: SeriesSelector): number | undefined {
  const matching = (seriesOf(text).get(selector.name) ?? []).filter((s) =>
    Object.entries(selector.labels).every(([k, v]) => s.labels[k] === v),
  );
  if (matching.length === 0) return undefined;
  return matching.reduce((total, s) => total + s.value, 0);
}
