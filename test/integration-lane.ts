// The integration lane of `npm test`: every test/integration file by the real CLI, three at a time,
// the longest first (longest-processing-time order), so the lane's last minutes are not one long
// file running alone beside two idle slots. The order is by the durations measured on this
// machine (docs/internals/tests.md); a file not listed runs after them, in name order.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const DIR = path.join(import.meta.dirname, 'integration');
const CONCURRENCY = 3;
const LONGEST_FIRST = [
  'secret-scan',
  'fault-matrix',
  'independent-receivers',
  'monitor-real-trees',
  'gate-faults',
  'scenarios',
  'hostile',
  'installable-packages',
  'html-report',
  'server-monitor',
  'fastapi-example',
  'clear-errors',
  'cli-package',
  'cloud-bundle',
];

const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.test.ts'))
  .map((f) => f.replace(/\.test\.ts$/, ''));
const rank = (name: string) => {
  const at = LONGEST_FIRST.indexOf(name);
  return at < 0 ? LONGEST_FIRST.length : at;
};
const ordered = files.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
const result = spawnSync(
  process.execPath,
  ['--test', `--test-concurrency=${CONCURRENCY}`, ...ordered.map((f) => path.join(DIR, `${f}.test.ts`))],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
