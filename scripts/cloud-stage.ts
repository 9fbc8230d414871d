// Writes the folder to hand to Artillery's cloud runners (run-fargate, run-aci, run-lambda):
// the scenarios (with the files their bundler must add), the built processors, the slim manifest of
// cloud/ as its package.json, and the pack's packages as tarballs in vendor/.
// Why a folder of its own: Artillery uploads the package.json found at the common root of
// the bundled files, and in 2.0.34 its --packages option drops the manifest it is given.
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { ROOT } from '../reference-server/launch.ts';

/** The workspaces whose tarballs the workers install, as named in cloud/package.json. */
export const VENDORED_WORKSPACES = [
  'packages/common',
  'packages/report',
  'plugins/server-monitor',
  'plugins/verdict',
  'engines/burst',
] as const;

export const DEFAULT_STAGE_DIR = path.join(ROOT, 'cloud/stage');

interface PackResult {
  name: string;
  filename: string;
}

function copyInto(stageDir: string, relative: string): void {
  const to = path.join(stageDir, relative);
  mkdirSync(path.dirname(to), { recursive: true });
  copyFileSync(path.join(ROOT, relative), to);
}

function packWorkspaces(vendorDir: string): void {
  for (const workspace of VENDORED_WORKSPACES) {
    if (!existsSync(path.join(ROOT, workspace, 'dist/index.js'))) {
      throw new Error(`${workspace}/dist/index.js is missing: run npm run build first`);
    }
  }
  mkdirSync(vendorDir, { recursive: true });
  const args = ['pack', '--json', '--pack-destination', vendorDir, ...VENDORED_WORKSPACES.map((w) => `-w=${w}`)];
  const packed = JSON.parse(execFileSync('npm', args, { cwd: ROOT, encoding: 'utf8' })) as PackResult[];
  // Versionless names, so cloud/package.json need not change with each release.
  for (const { name, filename } of packed) {
    renameSync(path.join(vendorDir, filename), path.join(vendorDir, `${name}.tgz`));
  }
}

/** The built processors (dist/processors/**.js): what the scenarios name and the workers run. */
function builtProcessors(): string[] {
  const dir = path.join(ROOT, 'dist/processors');
  if (!existsSync(dir)) throw new Error('dist/processors is missing: run npm run build first');
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.js'))
    .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)));
}

/**
 * A scenario as the cloud runners get it: the same file, with what their bundler must upload
 * beside the processor it traces (the pack's tarballs), which a local run never needs.
 */
function stageScenario(stageDir: string, file: string): void {
  const script = parse(readFileSync(path.join(ROOT, file), 'utf8')) as { config: Record<string, unknown> };
  script.config.includeFiles = ['../vendor'];
  const to = path.join(stageDir, file);
  mkdirSync(path.dirname(to), { recursive: true });
  writeFileSync(to, stringify(script));
}

/** Writes the stage folder (replacing an older one) and returns the files it holds, relative to it. */
export function writeCloudStage(stageDir: string = DEFAULT_STAGE_DIR): string[] {
  rmSync(stageDir, { recursive: true, force: true });
  mkdirSync(stageDir, { recursive: true });
  for (const f of readdirSync(path.join(ROOT, 'scenarios')).filter((f) => f.endsWith('.yml')))
    stageScenario(stageDir, `scenarios/${f}`);
  for (const file of builtProcessors()) copyInto(stageDir, file);
  copyFileSync(path.join(ROOT, 'cloud/package.json'), path.join(stageDir, 'package.json'));
  copyFileSync(path.join(ROOT, 'cloud/.npmrc'), path.join(stageDir, '.npmrc'));
  packWorkspaces(path.join(stageDir, 'vendor'));
  return readdirSync(stageDir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(stageDir, path.join(entry.parentPath, entry.name)))
    .sort();
}

if (import.meta.main) {
  const outFlag = process.argv.indexOf('--out');
  const stageDir = outFlag === -1 ? DEFAULT_STAGE_DIR : path.resolve(process.argv[outFlag + 1] ?? '');
  try {
    const files = writeCloudStage(stageDir);
    console.log(`Cloud stage written to ${path.relative(process.cwd(), stageDir) || '.'} (${files.length} files).`);
    const scenario = path.join(path.relative(process.cwd(), stageDir), 'scenarios/hft.yml');
    console.log(
      `Give Artillery a scenario from it, e.g.: npx artillery run-fargate --count 4 --region eu-west-1 ${scenario}`,
    );
  } catch (error) {
    console.error(`cloud:stage: ${(error as Error).message}`);
    process.exit(1);
  }
}
