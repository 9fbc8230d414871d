// A program a test needs (Debian's nginx, the Pushgateway, openssl): missing, the test fails
// with one line saying what to install, never skips. `.ci/run` installs them all.
import { existsSync } from 'node:fs';

export function requireInstalled(program: string, debianPackage: string): void {
  if (!existsSync(program)) throw new Error(`${program} is not installed: apt-get install ${debianPackage}`);
}

/** A number a metrics page must show: a missing line fails the test (Number(undefined) is NaN, and NaN passes assert.equal with NaN). */
export function metricValue(text: string, name: string): number {
  const match = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} (\\d+(?:\\.\\d+)?)$`, 'm').exec(text);
  if (!match) throw new Error(`the metrics page has no ${name} line`);
  return Number(match[1]);
}
