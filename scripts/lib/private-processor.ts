// Artillery bundles a TypeScript processor beside itself (processors/dist/webhook.js) and
// deletes that bundle when the run exits, so two runs of one processor at the same time
// (the test files side by side, `--generators`, a suite beside a single run) delete each
// other's bundle. Each run gets an entry file of its own that re-exports the processor,
// in a folder of its own: Artillery bundles it there and the run's end removes the folder.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

export interface PrivateProcessor {
  /** `--overrides` with config.processor pointing at the run's own entry, merged into `overrides`. */
  overrides: string | undefined;
  remove(): void;
}

export function privateProcessor(
  scenarioFile: string,
  overrides: string | undefined,
  runsDir: string,
): PrivateProcessor {
  const given = overrides ? (JSON.parse(overrides) as { config?: Record<string, unknown> }) : {};
  const script = parse(readFileSync(scenarioFile, 'utf8')) as { config?: { processor?: unknown } } | null;
  const processor = given.config?.processor ?? script?.config?.processor;
  if (typeof processor !== 'string' || path.extname(processor) !== '.ts') return { overrides, remove: () => {} };
  const source = path.resolve(path.dirname(path.resolve(scenarioFile)), processor);
  mkdirSync(runsDir, { recursive: true });
  // Artillery writes the bundle as CommonJS; the project itself is an ES module package.
  writeFileSync(path.join(runsDir, 'package.json'), '{ "type": "commonjs" }\n');
  const dir = mkdtempSync(path.join(runsDir, 'run-'));
  const entry = path.join(dir, path.basename(source));
  writeFileSync(entry, `export * from ${JSON.stringify(source)};\n`);
  return {
    overrides: JSON.stringify({ ...given, config: { ...given.config, processor: entry } }),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
