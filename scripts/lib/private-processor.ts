// Artillery bundles a TypeScript processor beside itself (processors/dist/webhook.js) and
// deletes that bundle when the run exits, so two runs of one processor at the same time
// (the test files side by side, `--generators`, a suite beside a single run) delete each
// other's bundle. Each run gets an entry file of its own that re-exports the processor,
// in a folder of its own: Artillery bundles it there and the run's end removes the folder.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

export interface PrivateProcessor {
  /** `--overrides` with config.processor pointing at the run's own entry, merged into `overrides`. */
  overrides: string | undefined;
  remove(): void;
}

// Artillery writes the bundle as CommonJS; the project itself is an ES module package.
const COMMONJS_MANIFEST = '{ "type": "commonjs" }\n';

/** Written once, and whole: a run starting beside another reads it (Node resolves the bundle's type) while it is written. */
function writeCommonJsManifest(file: string): void {
  if (existsSync(file) && readFileSync(file, 'utf8') === COMMONJS_MANIFEST) return;
  const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(partial, COMMONJS_MANIFEST);
  renameSync(partial, file);
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
  writeCommonJsManifest(path.join(runsDir, 'package.json'));
  const dir = mkdtempSync(path.join(runsDir, 'run-'));
  const entry = path.join(dir, path.basename(source));
  writeFileSync(entry, `export * from ${JSON.stringify(source)};\n`);
  return {
    overrides: JSON.stringify({ ...given, config: { ...given.config, processor: entry } }),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
