// Calls processor functions the way Artillery's http engine does: a plain function
// takes a callback as its last argument, an async one returns a promise.
export type ProcessorFunction = (...args: unknown[]) => unknown;
export type Processor = Record<string, ProcessorFunction | undefined>;

export function callHook(processor: Processor | undefined, name: string, args: unknown[]): Promise<void> {
  const fn = processor?.[name];
  if (typeof fn !== 'function') {
    return Promise.reject(new Error(`burst engine: function "${name}" is not exported by the scenario's processor`));
  }
  if (fn.constructor.name !== 'Function') {
    return Promise.resolve(fn(...args)).then(() => undefined);
  }
  return new Promise((resolve, reject) => {
    fn(...args, (err?: unknown) => (err ? reject(err) : resolve()));
  });
}

export async function callHooks(processor: Processor | undefined, names: string[], args: unknown[]): Promise<void> {
  for (const name of names) await callHook(processor, name, args);
}

/** YAML allows one name or a list. */
export function hookNames(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value.map(String) : [String(value)];
}
