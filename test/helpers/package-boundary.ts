// What a package's built JavaScript imports, and which of those imports would break once
// the package is installed on its own: a relative path leaving its dist/ folder, a bare
// name its package.json does not declare, a builtin without `node:`, a computed import.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const LITERAL_IMPORTS = [
  /\bfrom\s*(['"])([^'"]+)\1/g,
  /\bimport\s*(['"])([^'"]+)\1/g,
  /\bimport\s*\(\s*(['"])([^'"]+)\1\s*\)/g,
  /\brequire(?:\.resolve)?\s*\(\s*(['"])([^'"]+)\1\s*\)/g,
];
// An import( or require( whose argument is not a string literal cannot be checked.
const COMPUTED_IMPORT = /\b(?:import|require(?:\.resolve)?)\s*\(\s*(?!['"])[^)\s]/g;

/** Every module specifier written as a string literal in a built ES module or CommonJS file. */
export function importSpecifiers(source: string): string[] {
  const found = new Set<string>();
  for (const pattern of LITERAL_IMPORTS) for (const match of source.matchAll(pattern)) found.add(match[2] as string);
  return [...found];
}

/** `@scope/name/sub/path` -> `@scope/name`, `uplot/dist/x.js` -> `uplot`. */
export function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

/**
 * One line per import of `file` (inside `packageDir/dist`) that would not resolve when the
 * package is installed alone with its declared dependencies and peers.
 */
export function boundaryViolations(packageDir: string, manifest: Manifest, file: string, source: string): string[] {
  const dist = path.join(packageDir, 'dist');
  const declared = new Set([
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}),
  ]);
  const where = path.relative(packageDir, file);
  const problems: string[] = [];
  for (const specifier of importSpecifiers(source)) {
    if (specifier.startsWith('node:')) continue;
    if (specifier.startsWith('.')) {
      const resolved = path.resolve(path.dirname(file), specifier);
      // TypeScript resolves a declaration's './x.ts' or './x.js' to './x.d.ts'.
      const candidates = file.endsWith('.d.ts') ? [resolved, resolved.replace(/\.[jt]s$/, '.d.ts')] : [resolved];
      if (!resolved.startsWith(dist + path.sep)) problems.push(`${where}: '${specifier}' leaves the package's dist/`);
      else if (!candidates.some((c) => existsSync(c))) problems.push(`${where}: '${specifier}' is not a built file`);
    } else if (specifier.startsWith('/') || /^[a-z]+:/.test(specifier)) {
      problems.push(`${where}: '${specifier}' is an absolute path`);
    } else if (!declared.has(packageNameOf(specifier))) {
      problems.push(`${where}: '${specifier}' is not in dependencies or peerDependencies (a builtin needs 'node:')`);
    }
  }
  for (const match of source.matchAll(COMPUTED_IMPORT)) {
    problems.push(`${where}: computed import '${match[0]}' cannot be checked`);
  }
  return problems;
}

/** Violations of every built file of one package directory: its code and its type declarations. */
export function packageViolations(packageDir: string): string[] {
  const manifest = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as Manifest;
  const dist = path.join(packageDir, 'dist');
  return readdirSync(dist, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.js') || f.endsWith('.d.ts'))
    .flatMap((f) => {
      const file = path.join(dist, f);
      return boundaryViolations(packageDir, manifest, file, readFileSync(file, 'utf8'));
    });
}
