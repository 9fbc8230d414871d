// The docs say what the code does: every environment variable the code reads is in the settings
// reference and every one documented there is read; every scenario the registry finds has its
// page and its row; the README stays short; every relative link resolves (anchors included);
// every `npm run X` a doc shows is a script. A change to the code that the docs do not follow
// fails here, naming the file and what to write.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it, test } from 'node:test';
import ts from 'typescript';
import { ROOT } from '../../reference-server/launch.ts';
import { loadRegistry, type RegisteredScenario } from '../../scripts/lib/registry.ts';

const SOURCE_DIRS = ['processors', 'plugins', 'scripts', 'packages', 'reference-server', 'engines'];
// Artillery templates that read the environment: `{{ $env.NAME }}`, `{{ $processEnvironment.NAME }}`.
const TEMPLATE_DIRS = ['scenarios', 'metrics-out'];
const SETTINGS_DOC = 'docs/reference/settings.md';
const SCENARIOS_DOC = 'docs/reference/scenarios.md';
const README_MAX_LINES = 250;

/** Read by the code, on purpose not in the settings reference. */
const UNDOCUMENTED_READS: Record<string, string> = {
  TARGET_KEY: "the reference target's primary hands its signing key to its cluster workers (reference-server/main.ts)",
  TARGET_PORT: "the reference target's primary hands the chosen port to its cluster workers (reference-server/main.ts)",
};

/** In the settings reference, read by Artillery or Node rather than by the pack's code. */
const READ_BY_OTHERS: Record<string, string> = {
  ARTILLERY_DISABLE_TELEMETRY: 'Artillery reads it; npm run stress and the tests set it for their runs',
  DEBUG: 'the debug package reads it for the plugins and the burst engine',
  CUSTOM_REPORTERS: 'Artillery reads it; --generators sets it to the sketch reporter',
  ARTILLERY_PLUGIN_PATH: 'Artillery reads it to find plugins installed elsewhere',
  NODE_PATH: 'Node reads it; a global Artillery finds the burst engine through it',
};

/** Reads whose names the scanner cannot see: the name comes from elsewhere, said here. */
const DYNAMIC_READS: Record<string, string> = {
  'processors/lib/read-env.ts': 'the shared readers take the name from their callers, which the scanner reads',
  'scripts/stress.ts': "a profile's own variables, looked up to see which the environment leaves unset",
  'scripts/probe.ts': 'the settings it used as given (GIVEN_SETTINGS), each documented, written back into the profile',
  'packages/common/profile.ts': "a profile's own variables, filled in where the environment leaves them unset",
};

/** Shown in the docs before the code that makes them true is merged: each entry says where it is built. */
const PENDING_SCRIPTS: Record<string, string> = {};
const PENDING_LINKS: Record<string, string> = {};

const UPPER = /^[A-Z][A-Z0-9_]*$/;

function filesUnder(dir: string, keep: (file: string) => boolean): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'dist') found.push(...filesUnder(relative, keep));
    } else if (keep(relative)) found.push(relative);
  }
  return found;
}

/** `env`, `process.env`, `opts.env`: an expression that holds the environment. */
function isEnv(node: ts.Expression): boolean {
  if (ts.isIdentifier(node)) return node.text === 'env';
  return ts.isPropertyAccessExpression(node) && node.name.text === 'env';
}

function isWritten(node: ts.Node): boolean {
  const parent = node.parent;
  return (
    ts.isBinaryExpression(parent) &&
    parent.left === node &&
    parent.operatorToken.kind >= ts.SyntaxKind.FirstAssignment &&
    parent.operatorToken.kind <= ts.SyntaxKind.LastAssignment
  );
}

interface EnvReads {
  names: Set<string>;
  /** Reads whose name is not a literal (one line each: file:line and the code). */
  dynamic: string[];
}

/**
 * The environment variables a TypeScript source reads: `env.NAME`, `env['NAME']`,
 * `process.env.NAME`, `const { NAME } = env`, and the shared readers' `reader(env, 'NAME', ...)`.
 * Comments and strings that merely mention a name are not reads; assignments are writes.
 */
function envReads(source: string, file = 'source.ts'): EnvReads {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const names = new Set<string>();
  const dynamic: string[] = [];
  const where = (node: ts.Node) =>
    `${file}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${node.getText().slice(0, 80)}`;
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAccessExpression(node) && isEnv(node.expression) && UPPER.test(node.name.text)) {
      if (!isWritten(node)) names.add(node.name.text);
    } else if (ts.isElementAccessExpression(node) && isEnv(node.expression)) {
      const key = node.argumentExpression;
      if (ts.isStringLiteralLike(key)) {
        if (!isWritten(node)) names.add(key.text);
      } else dynamic.push(where(node));
    } else if (ts.isCallExpression(node)) {
      const [first, second] = node.arguments;
      if (first && second && isEnv(first) && ts.isStringLiteralLike(second) && UPPER.test(second.text))
        names.add(second.text);
    } else if (
      ts.isVariableDeclaration(node) &&
      ts.isObjectBindingPattern(node.name) &&
      node.initializer &&
      isEnv(node.initializer)
    ) {
      for (const element of node.name.elements) {
        const key = element.propertyName ?? element.name;
        if (!ts.isIdentifier(key) && !ts.isStringLiteralLike(key)) dynamic.push(where(element));
        else if (UPPER.test(key.text)) names.add(key.text);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { names, dynamic };
}

/** Variable -> the files that read it, over the pack's sources and Artillery templates. */
function codeReads(): { reads: Map<string, Set<string>>; dynamic: Map<string, string[]> } {
  const reads = new Map<string, Set<string>>();
  const dynamic = new Map<string, string[]>();
  const add = (name: string, file: string) => reads.set(name, (reads.get(name) ?? new Set()).add(file));
  const sources = SOURCE_DIRS.flatMap((d) => filesUnder(d, (f) => f.endsWith('.ts') && !f.endsWith('.d.ts')));
  for (const file of sources) {
    const found = envReads(readFileSync(path.join(ROOT, file), 'utf8'), file);
    for (const name of found.names) add(name, file);
    if (found.dynamic.length > 0) dynamic.set(file, found.dynamic);
  }
  const templates = TEMPLATE_DIRS.flatMap((d) => filesUnder(d, (f) => /\.(ya?ml|json)$/.test(f)));
  for (const file of templates)
    for (const m of readFileSync(path.join(ROOT, file), 'utf8').matchAll(
      /\$(?:env|processEnvironment)\.([A-Z][A-Z0-9_]*)/g,
    ))
      add(m[1] ?? '', file);
  return { reads, dynamic };
}

/** Upper-case names in backticks in the first cell of every table row of a Markdown text. */
function documentedVariables(markdown: string): Set<string> {
  const names = new Set<string>();
  for (const line of markdown.split('\n')) {
    const first = /^\|([^|]*)\|/.exec(line)?.[1] ?? '';
    for (const m of first.matchAll(/`([A-Z][A-Z0-9_]{2,})`/g)) names.add(m[1] ?? '');
  }
  return names;
}

const markdownFiles = () => ['README.md', ...filesUnder('docs', (f) => f.endsWith('.md'))];
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

const withoutFences = (markdown: string) => markdown.replace(/^\s*```[\s\S]*?^\s*```/gm, '');

/** The prose of a Markdown text: fenced blocks and inline code removed (links there are examples). */
const prose = (markdown: string) => withoutFences(markdown).replace(/`[^`\n]*`/g, '');

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchors(markdown: string): Set<string> {
  const found = new Set<string>();
  for (const m of withoutFences(markdown).matchAll(/^#{1,6}\s+(.+)$/gm))
    found.add(anchorOf((m[1] ?? '').replace(/`/g, '')));
  return found;
}

function relativeLinks(markdown: string): string[] {
  return [...prose(markdown).matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1] ?? '')
    .filter((target) => !/^[a-z][a-z+.-]*:/i.test(target));
}

test('envReads sees reads in every form and nothing that is not one', () => {
  const source = `
    // env.IN_A_COMMENT is not a read
    const a = process.env.DOTTED;
    const b = env['QUOTED'];
    const c = number(env, 'BY_READER', 5);
    const { DESTRUCTURED, other: RENAMED_NOT } = process.env;
    env.WRITTEN = 'x';
    const d = { ...process.env, SPREAD_KEY: '1' };
    const e = 'env.IN_A_STRING';
    const f = env[name];
    const g = runEnv.NOT_ENV;
  `;
  const { names, dynamic } = envReads(source, 'x.ts');
  assert.deepEqual([...names].sort(), ['BY_READER', 'DESTRUCTURED', 'DOTTED', 'QUOTED']);
  assert.deepEqual(dynamic, ['x.ts:10: env[name]']);
});

describe('docs', () => {
  let registry: RegisteredScenario[];
  before(async () => {
    registry = await loadRegistry();
  });

  it('every environment variable the code reads is in the settings reference, and every one there is read', () => {
    const { reads, dynamic } = codeReads();
    // Finding few would mean the scan is broken, not the code simpler.
    assert.ok(reads.size >= 60, `only ${reads.size} variables found`);
    for (const s of registry) for (const name of s.module.settings ?? []) reads.set(name, reads.get(name) ?? new Set());
    const documented = documentedVariables(read(SETTINGS_DOC));
    // A scenario's own settings may be documented on its own page instead (a new scenario is 4 files).
    const onItsPage = new Set(
      registry.flatMap((s) => {
        const page = `docs/scenarios/${s.name}.md`;
        const text = existsSync(path.join(ROOT, page)) ? read(page) : '';
        return (s.module.settings ?? []).filter((name) => text.includes(`\`${name}\``));
      }),
    );
    const missing = [...reads.keys()]
      .filter((name) => !documented.has(name) && !onItsPage.has(name) && !(name in UNDOCUMENTED_READS))
      .map((name) => `${name} (read in ${[...(reads.get(name) ?? [])].join(', ') || 'a module descriptor'})`);
    assert.deepEqual(missing, [], `document these in ${SETTINGS_DOC}: default, who reads it, one line`);
    const unread = [...documented].filter((name) => !reads.has(name) && !(name in READ_BY_OTHERS));
    assert.deepEqual(
      unread,
      [],
      `${SETTINGS_DOC} documents variables nothing reads: remove them or say who reads them`,
    );
    for (const name of Object.keys(READ_BY_OTHERS)) {
      assert.ok(documented.has(name), `${name} is listed as read by Artillery or Node: document it in ${SETTINGS_DOC}`);
      assert.ok(!reads.has(name), `${name} is read by the pack: drop it from READ_BY_OTHERS`);
    }
    for (const name of Object.keys(UNDOCUMENTED_READS))
      assert.ok(reads.has(name) && !documented.has(name), `${name}: no longer an undocumented read; update the list`);
    assert.deepEqual(
      [...dynamic.keys()].filter((file) => !(file in DYNAMIC_READS)).map((f) => dynamic.get(f)),
      [],
      'a read whose name the scanner cannot see: name the variable literally, or list the file in DYNAMIC_READS with the reason',
    );
  });

  it('every scenario the registry finds has its page; the scenarios reference names none that does not exist', () => {
    assert.ok(registry.length >= 11, registry.map((s) => s.name).join(', '));
    const names = registry.map((s) => s.name);
    const pages = readdirSync(path.join(ROOT, 'docs/scenarios')).map((f) => path.basename(f, '.md'));
    assert.deepEqual(
      names.filter((n) => !pages.includes(n)),
      [],
      'write docs/scenarios/<name>.md',
    );
    assert.deepEqual(
      pages.filter((p) => !names.includes(p)),
      [],
      'a page in docs/scenarios/ for no scenario',
    );
    // The table is an overview; a scenario's own page is its doc (adding one touches its 4 files only),
    // and `npm run stress -- --list` lists them all from the registry.
    const rows = read(SCENARIOS_DOC)
      .split('\n')
      .map((line) => /^\|\s*\[([\w-]+)\]\(\.\.\/scenarios\/([\w-]+)\.md\)/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null);
    assert.ok(
      rows.every((m) => m[1] === m[2]),
      'a row links another scenario than it names',
    );
    assert.deepEqual(
      rows.map((m) => m[1]).filter((n) => !names.includes(n as string)),
      [],
      `${SCENARIOS_DOC}: a row for a scenario that does not exist`,
    );
    const listed = rows.map((m) => m[1]);
    assert.deepEqual(
      listed,
      names.filter((n) => listed.includes(n)),
      `${SCENARIOS_DOC}: rows in suite order`,
    );
  });

  it(`README.md has at most ${README_MAX_LINES} lines`, () => {
    const lines = read('README.md').split('\n').length;
    assert.ok(lines <= README_MAX_LINES, `README.md has ${lines} lines; move detail into docs/`);
  });

  it('every relative link in README.md and docs/ resolves to a file, and every anchor to a heading', () => {
    const files = markdownFiles();
    assert.ok(files.length >= 30, `only ${files.length} Markdown files found`);
    const broken: string[] = [];
    let checked = 0;
    for (const file of files) {
      for (const link of relativeLinks(read(file))) {
        checked += 1;
        const [target = '', anchor] = link.split('#');
        const resolved = target === '' ? file : path.normalize(path.join(path.dirname(file), target));
        if (resolved in PENDING_LINKS) {
          assert.ok(!existsSync(path.join(ROOT, resolved)), `${resolved} exists now: drop it from PENDING_LINKS`);
          continue;
        }
        const full = path.join(ROOT, resolved);
        if (!existsSync(full) || !statSync(full).isFile()) broken.push(`${file}: ${link} (no file ${resolved})`);
        else if (anchor && resolved.endsWith('.md') && !anchors(read(resolved)).has(anchor))
          broken.push(`${file}: ${link} (no heading #${anchor} in ${resolved})`);
      }
    }
    assert.ok(checked >= 100, `only ${checked} links found`);
    assert.deepEqual(broken, [], 'fix these links');
  });

  it('every npm run X a doc shows is a script of package.json', () => {
    const scripts = Object.keys((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts);
    const unknown: string[] = [];
    let shown = 0;
    for (const file of markdownFiles()) {
      for (const m of read(file).matchAll(/\bnpm run(?:\s+--silent)?\s+([a-z][\w:-]*)/g)) {
        shown += 1;
        const script = m[1] ?? '';
        if (script in PENDING_SCRIPTS)
          assert.ok(!scripts.includes(script), `npm run ${script} exists now: drop it from PENDING_SCRIPTS`);
        else if (!scripts.includes(script)) unknown.push(`${file}: npm run ${script}`);
      }
    }
    assert.ok(shown >= 30, `only ${shown} npm run commands found`);
    assert.deepEqual(unknown, [], 'not a script in package.json');
  });
});
