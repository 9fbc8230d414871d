// Writes the test bundle Artillery's cloud runners would upload, to a local folder, with
// Artillery's own code: createTest() (bill of materials, manifest filtering, metadata.json)
// given a sync client that writes files instead of calling S3, as run-aci passes its own.
// Usage (cwd = the folder Artillery is run from): node write-artillery-bundle.ts <scenario> <outDir> [--packages <file>]
// Prints the manifest Artillery computed as one JSON line.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../../reference-server/launch.ts';

interface PutObject {
  input: { Key: string; Body: Buffer | string };
}

interface BundleManifest {
  files: { noPrefixPosix: string }[];
  modules: string[];
}

const LEGACY = path.join(ROOT, 'node_modules/artillery/dist/lib/platform/aws-ecs/legacy');

// bom.js prints its table through the global `artillery` the CLI normally installs.
const quiet = { log: () => {} };
Object.assign(globalThis, { artillery: { ...quiet, logger: () => quiet } });

const [scenario, outDir] = process.argv.slice(2);
const packagesFlag = process.argv.indexOf('--packages');
if (!scenario || !outDir) {
  console.error('usage: write-artillery-bundle.ts <scenario> <outDir> [--packages <file>]');
  process.exit(2);
}
const testName = 'local-bundle';
const { createTest } = (await import(pathToFileURL(path.join(LEGACY, 'create-test.js')).href)) as {
  createTest: (
    script: string,
    options: Record<string, unknown>,
    callback: (err: unknown, context: { manifest: BundleManifest }) => void,
  ) => Promise<unknown>;
};

// createTest only logs an error and never settles, so a deadline turns that into a failure.
const deadline = setTimeout(() => {
  console.error('createTest did not finish within 60 s');
  process.exit(1);
}, 60_000);

createTest(
  scenario,
  {
    name: testName,
    flags: {},
    // run-fargate resolves --packages against the working directory before createTest.
    packageJsonPath: packagesFlag === -1 ? undefined : path.resolve(process.argv[packagesFlag + 1] ?? ''),
    customSyncClient: {
      send: async (command: PutObject) => {
        const relative = path.posix.relative(`tests/${testName}`, command.input.Key);
        const file = path.join(outDir, relative);
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, command.input.Body);
      },
    },
  },
  (err, context) => {
    clearTimeout(deadline);
    if (err) {
      console.error(`createTest failed: ${String(err)}`);
      process.exit(1);
    }
    const { files, modules } = context.manifest;
    console.log(JSON.stringify({ files: files.map((f) => f.noPrefixPosix).sort(), modules }));
  },
);
