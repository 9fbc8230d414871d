// The gates a scenario declares, as ensure will phrase them: thresholds become
// `<metric> < <max>`; conditions keep their expression and strictness.
export interface EnsureConfig {
  thresholds?: Record<string, number>[];
  conditions?: { expression: string; strict?: boolean; validity?: unknown }[];
}

export function gateExpressions(ensure: EnsureConfig | undefined): { expression: string; strict: boolean }[] {
  const thresholds = (ensure?.thresholds ?? []).flatMap((t) =>
    Object.entries(t).map(([metric, max]) => ({ expression: `${metric} < ${max}`, strict: true })),
  );
  const conditions = (ensure?.conditions ?? []).map((c) => ({ expression: c.expression, strict: c.strict ?? true }));
  return [...thresholds, ...conditions];
}
