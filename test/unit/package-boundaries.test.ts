// Each workspace package must work when installed alone from its tarball: its built
// dist/*.js import only files in its own dist/, `node:` builtins and the packages its
// package.json declares, at exact versions; plugins and the engine take Artillery as a peer.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from '../../reference-server/launch.ts';
import {
  boundaryViolations,
  importSpecifiers,
  type Manifest,
  packageNameOf,
  packageViolations,
} from '../helpers/package-boundary.ts';

interface WorkspaceManifest extends Manifest {
  main: string;
  exports: { '.': { default: string } };
  files: string[];
}

const workspaces = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] })
  .workspaces;
const manifestOf = (dir: string) =>
  JSON.parse(readFileSync(path.join(ROOT, dir, 'package.json'), 'utf8')) as WorkspaceManifest;
const versions = new Map(workspaces.map((dir) => [manifestOf(dir).name, manifestOf(dir).version]));

describe('the boundary check itself', () => {
  const reportDir = path.join(ROOT, 'packages/report');
  const manifest: Manifest = { name: 'x', version: '1.0.0', dependencies: { uplot: '1.6.32' } };
  const check = (source: string) => boundaryViolations(reportDir, manifest, path.join(reportDir, 'dist/x.js'), source);

  it('finds static, re-export, side-effect, dynamic and require specifiers', () => {
    const source = [
      `import { a } from './escape.js';`,
      `export * from "webhook-stress-common";`,
      `import 'node:fs';`,
      `const m = await import('pidusage');`,
      `require.resolve('uplot/dist/uPlot.min.css');`,
    ].join('\n');
    assert.deepEqual(importSpecifiers(source), [
      './escape.js',
      'webhook-stress-common',
      'node:fs',
      'pidusage',
      'uplot/dist/uPlot.min.css',
    ]);
    assert.equal(packageNameOf('@scope/name/sub/file.js'), '@scope/name');
  });

  it('passes files of its own dist/, node: builtins and declared packages (with subpaths)', () => {
    assert.deepEqual(
      check(`import { a } from './escape.js';\nimport fs from 'node:fs';\nrequire.resolve('uplot/x');`),
      [],
    );
  });

  it("takes a declaration's './x.ts' for its built './x.d.ts', as TypeScript does", () => {
    const declaration = path.join(reportDir, 'dist/x.d.ts');
    assert.deepEqual(boundaryViolations(reportDir, manifest, declaration, `export * from './escape.ts';`), []);
    assert.equal(boundaryViolations(reportDir, manifest, declaration, `export * from './nowhere.ts';`).length, 1);
  });

  it('flags an import escaping the package, an undeclared package, a bare builtin and a computed import', () => {
    const problems = check(
      [
        `import { s } from '../../../processors/lib/settings.ts';`,
        `import { t } from '../index.ts';`,
        `import { u } from './missing.js';`,
        `import YAML from 'yaml';`,
        `import fs from 'fs';`,
        `const m = await import(name);`,
      ].join('\n'),
    );
    assert.equal(problems.length, 6, problems.join('\n'));
    assert.match(problems[0] as string, /settings\.ts' leaves the package's dist/);
    assert.match(problems[1] as string, /index\.ts' leaves the package's dist/);
    assert.match(problems[2] as string, /missing\.js' is not a built file/);
    assert.match(problems[3] as string, /'yaml' is not in dependencies/);
    assert.match(problems[4] as string, /'fs' is not in dependencies/);
    assert.match(problems[5] as string, /computed import/);
  });
});

for (const dir of workspaces) {
  describe(`package ${dir}`, () => {
    const manifest = manifestOf(dir);
    const packageDir = path.join(ROOT, dir);

    it('is built: main and exports point at an existing dist/ file', () => {
      assert.ok(existsSync(path.join(packageDir, 'dist')), `${dir}/dist is missing: run npm run build`);
      assert.equal(manifest.main, './dist/index.js');
      assert.equal(manifest.exports['.'].default, './dist/index.js');
      assert.ok(existsSync(path.join(packageDir, manifest.main)));
      assert.deepEqual(manifest.files, ['dist', '!dist/*.tsbuildinfo']);
    });

    it('imports nothing outside its dist/ but node: builtins and its declared packages (code and .d.ts)', () => {
      assert.deepEqual(packageViolations(packageDir), []);
    });

    it('declares dependencies at exact versions, workspace packages at their current version', () => {
      for (const [name, range] of Object.entries(manifest.dependencies ?? {})) {
        assert.match(range, /^\d+\.\d+\.\d+$/, `${dir}: ${name}@${range} is not an exact version`);
        if (versions.has(name)) assert.equal(range, versions.get(name), `${dir}: ${name} is at ${versions.get(name)}`);
      }
    });

    it('imports every package it declares as a dependency', () => {
      const dist = path.join(packageDir, 'dist');
      const imported = new Set(
        readdirSync(dist)
          .filter((f) => f.endsWith('.js'))
          .flatMap((f) => importSpecifiers(readFileSync(path.join(dist, f), 'utf8')))
          .map(packageNameOf),
      );
      for (const name of Object.keys(manifest.dependencies ?? {})) {
        assert.ok(imported.has(name), `${dir}: ${name} is declared but never imported`);
      }
    });

    const isArtilleryExtension = /^artillery-(plugin|engine)-/.test(manifest.name);
    it(
      isArtilleryExtension
        ? 'takes Artillery as a peer (>=2.0.34), never as a dependency'
        : 'does not depend on Artillery',
      () => {
        assert.equal(manifest.dependencies?.artillery, undefined);
        assert.equal(manifest.peerDependencies?.artillery, isArtilleryExtension ? '>=2.0.34' : undefined);
      },
    );
  });
}
