// The registry of scenarios: every scenarios/*.yml, with what its processor module declares
// about itself (processors/core/scenario.ts). `npm run stress`, its summary, the docs table and
// the contract tests read scenarios from here, so adding one is its YAML, its module, its test
// and its doc page, and no list elsewhere.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import type { ScenarioModule } from '../../processors/core/scenario.ts';
import { ROOT } from '../../reference-server/launch.ts';

export const SCENARIOS_DIR = path.join(ROOT, 'scenarios');

/** An ensure condition as a scenario's YAML writes it. */
export interface Condition {
  expression: string;
  strict?: boolean;
  validity?: unknown;
  [key: string]: unknown;
}

export interface ScenarioScript {
  config: {
    target?: string;
    processor?: string;
    phases?: Record<string, unknown>[];
    variables?: Record<string, unknown>;
    plugins?: Record<string, unknown>;
    ensure?: { thresholds?: Record<string, number>[]; conditions?: Condition[] };
  };
  before?: { flow?: Record<string, unknown>[] };
  after?: { flow?: Record<string, unknown>[] };
  scenarios?: Record<string, unknown>[];
}

export interface RegisteredScenario {
  name: string;
  /** Absolute path of the YAML. */
  file: string;
  script: ScenarioScript;
  /** Absolute path of the processor Artillery loads (built JavaScript). */
  processorFile: string;
  module: ScenarioModule;
  /** How many webhooks it spreads its load over (`variables.webhookPool`, default 1). */
  webhookPool: number;
}

export class RegistryError extends Error {}

async function register(file: string): Promise<RegisteredScenario> {
  const name = path.basename(file, '.yml');
  const script = parse(readFileSync(file, 'utf8')) as ScenarioScript;
  const processor = script.config?.processor;
  if (!processor) throw new RegistryError(`scenarios/${name}.yml names no config.processor`);
  const processorFile = path.resolve(path.dirname(file), processor);
  let loaded: { scenario?: ScenarioModule };
  try {
    loaded = (await import(pathToFileURL(processorFile).href)) as { scenario?: ScenarioModule };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new RegistryError(
      code === 'ERR_MODULE_NOT_FOUND'
        ? `scenarios/${name}.yml: ${path.relative(ROOT, processorFile)} is not built; run npm run build`
        : `scenarios/${name}.yml: its processor cannot be loaded: ${(err as Error).message}`,
    );
  }
  if (!loaded.scenario)
    throw new RegistryError(`scenarios/${name}.yml: ${path.relative(ROOT, processorFile)} exports no \`scenario\``);
  const pool = Number(script.config.variables?.webhookPool ?? 1);
  return {
    name,
    file,
    script,
    processorFile,
    module: loaded.scenario,
    webhookPool: Number.isInteger(pool) && pool > 0 ? pool : 1,
  };
}

/** Every scenario of the folder, in suite order. */
export async function loadRegistry(dir: string = SCENARIOS_DIR): Promise<RegisteredScenario[]> {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.yml'))
    .map((f) => path.join(dir, f));
  const all = await Promise.all(files.map(register));
  return all.sort((a, b) => a.module.order - b.module.order || a.name.localeCompare(b.name));
}

/** The scenarios `--only a,b` names (all when unset), in suite order; an unknown name is one line. */
export function selectScenarios(registry: RegisteredScenario[], only: string | undefined): RegisteredScenario[] {
  if (!only) return registry;
  const wanted = only.split(',').map((s) => s.trim());
  const names = registry.map((s) => s.name);
  const unknown = wanted.filter((s) => !names.includes(s));
  if (unknown.length > 0)
    throw new Error(`unknown scenario "${unknown.join('", "')}"; choose from ${names.join(', ')}`);
  return registry.filter((s) => wanted.includes(s.name));
}

/** A failed contract scenario (the preflight) means load results would only repeat it: the suite stops. */
export function stopsSuite(scenario: RegisteredScenario, exitCode: number | null): boolean {
  return scenario.module.stopsSuiteOnFailure === true && exitCode !== 0;
}
