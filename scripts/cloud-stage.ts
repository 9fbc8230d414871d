// Writes the folder to hand to Artillery's cloud runners (run-fargate, run-aci, run-lambda):
// the scenarios and the processor's sources as in this repository, the slim manifest of
// cloud/ as its package.json, and the pack's packages as tarballs in vendor/.
// Why a folder of its own: Artillery uploads the package.json found at the common root of
// the bundled files, and in 2.0.34 its --packages option drops the manifest it is given.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
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

/** Writes the stage folder (replacing an older one) and returns the files it holds, relative to it. */
export function writeCloudStage(stageDir: string = DEFAULT_STAGE_DIR): string[] {
  rmSync(stageDir, { recursive: true, force: true });
  mkdirSync(stageDir, { recursive: true });
  const sources = [
    ...readdirSync(path.join(ROOT, 'scenarios'))
      .filter((f) => f.endsWith('.yml'))
      .map((f) => `scenarios/${f}`),
    'processors/webhook.ts',
    ...readdirSync(path.join(ROOT, 'processors/lib'))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => `processors/lib/${f}`),
    'processors/dist/package.json',
  ];
  for (const file of sources) copyInto(stageDir, file);
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
