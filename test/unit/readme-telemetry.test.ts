// Every artillery command the README and docs/ give turns Artillery's telemetry off
// (ARTILLERY_DISABLE_TELEMETRY), in code blocks and in inline code alike.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../../reference-server/launch.ts';

interface CodeLine {
  line: number;
  text: string;
}

/** Lines of fenced blocks (continuations joined) and inline code spans of the prose, with their line numbers. */
function codeLines(markdown: string): CodeLine[] {
  const lines = markdown.split('\n');
  const found: CodeLine[] = [];
  let fenced = false;
  let pending: CodeLine | undefined;
  for (const [i, raw] of lines.entries()) {
    if (/^\s*```/.test(raw)) {
      fenced = !fenced;
      continue;
    }
    if (fenced) {
      const joined: CodeLine = pending
        ? { line: pending.line, text: `${pending.text} ${raw.trim()}` }
        : { line: i + 1, text: raw };
      pending = joined.text.endsWith('\\') ? { line: joined.line, text: joined.text.slice(0, -1) } : undefined;
      if (!pending) found.push(joined);
      continue;
    }
    for (const span of raw.matchAll(/`([^`]+)`/g)) found.push({ line: i + 1, text: span[1] ?? '' });
  }
  return found;
}

// A command: `artillery`, a subcommand and at least one argument ("`npx artillery`" alone is a name).
const ARTILLERY_COMMAND = /\bartillery\s+[a-z][\w-]*\s+\S/;

test('codeLines finds fenced lines, joins continuations and finds inline spans', () => {
  const md = 'Run `npx artillery run a.yml` now.\n```bash\nX=1 npx artillery run \\\n  b.yml\necho ok\n```\n';
  assert.deepEqual(codeLines(md), [
    { line: 1, text: 'npx artillery run a.yml' },
    { line: 3, text: 'X=1 npx artillery run  b.yml' },
    { line: 5, text: 'echo ok' },
  ]);
});

/** README.md and every Markdown file under docs/, relative to the repository. */
function userDocs(): string[] {
  const docs = readdirSync(path.join(ROOT, 'docs'), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.md'))
    .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)));
  return ['README.md', ...docs.sort()];
}

test('every artillery command in README.md and docs/ sets ARTILLERY_DISABLE_TELEMETRY', () => {
  const commands = userDocs().flatMap((file) =>
    codeLines(readFileSync(path.join(ROOT, file), 'utf8'))
      .filter((c) => ARTILLERY_COMMAND.test(c.text))
      .map((c) => ({ ...c, file })),
  );
  assert.ok(
    commands.some((c) => c.file === 'README.md'),
    'the README gives an artillery command: none found',
  );
  // The docs give many; finding few would mean the scan is broken, not the docs fixed.
  assert.ok(commands.length >= 10, `only ${commands.length} artillery commands found`);
  const missing = commands.filter((c) => !/\bARTILLERY_DISABLE_TELEMETRY=\S/.test(c.text));
  assert.deepEqual(
    missing.map((c) => `${c.file}:${c.line}: ${c.text.trim()}`),
    [],
    'prefix these with ARTILLERY_DISABLE_TELEMETRY=true',
  );
});
