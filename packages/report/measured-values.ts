// Which metric values a gate expression was judged on, read from the final report,
// so a failed gate prints "webhook.accepted == 1 (webhook.accepted = 8)".

export interface AggregateReport {
  counters?: Record<string, number>;
  rates?: Record<string, number>;
  summaries?: Record<string, Record<string, number>>;
}

/** Flattens a report the way ensure does: counters, rates and `<summary>.<aggregation>`. */
export function flattenReport(report: AggregateReport): Map<string, number> {
  const values = new Map<string, number>();
  for (const [name, value] of Object.entries({ ...report.counters, ...report.rates })) values.set(name, value);
  for (const [name, aggregations] of Object.entries(report.summaries ?? {})) {
    for (const [aggregation, value] of Object.entries(aggregations)) values.set(`${name}.${aggregation}`, value);
  }
  return values;
}

const METRIC_NAME = /[A-Za-z_][\w.-]*\.[\w.-]*\w/g;

// Artillery counts every HTTP answer by its code and every failure by its error, and emits a
// counter only once it occurs: when the HTTP engine ran (http.requests), an absent one is 0.
const COUNTED_BY_OUTCOME = /^(?:http\.codes\.\d{3}|errors\..+)$/;

function countedAbsent(name: string, values: ReadonlyMap<string, number>): number | undefined {
  return COUNTED_BY_OUTCOME.test(name) && values.has('http.requests') ? 0 : undefined;
}

/** Metric names an expression mentions, each with its value (undefined when never emitted). */
export function measuredValues(
  expression: string,
  values: ReadonlyMap<string, number>,
): [string, number | undefined][] {
  const names = new Set(expression.match(METRIC_NAME) ?? []);
  return [...names].map((name) => [name, values.get(name) ?? countedAbsent(name, values)]);
}

export function describeMeasurements(pairs: [string, number | null | undefined][]): string {
  return pairs.map(([name, value]) => `${name} = ${value ?? 'not measured'}`).join(', ');
}

/** Counters added up over the periods that completed: what is known of a run stopped early. */
export function sumPeriods(periods: AggregateReport[]): AggregateReport {
  const counters: Record<string, number> = {};
  for (const period of periods) {
    for (const [name, value] of Object.entries(period.counters ?? {})) counters[name] = (counters[name] ?? 0) + value;
  }
  return { counters };
}
