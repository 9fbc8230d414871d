// Opens a report in Debian's headless Chromium (driven by playwright-core) the way a
// person would, and returns what it shows: console errors, drawn charts, gate rows.
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface RenderedReport {
  errors: string[];
  charts: { id: string; points: number; canvas: boolean }[];
  verdict: string;
  gateRows: { status: string; gate: string }[];
  /** The baseline comparison table: one row per figure. */
  baselineRows: { figure: string; baseline: string; current: string; result: string }[];
  /** Links in the page (the trend index links each run's files). */
  links: string[];
  loadMs: number;
}

export async function openReport(htmlFile: string, screenshot?: string): Promise<RenderedReport> {
  if (!existsSync(CHROMIUM))
    throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    // Offline: any request that leaves the file is an error.
    await page.route(/^(?!file:)/, (route) => {
      errors.push(`network request to ${route.request().url()}`);
      return route.abort();
    });
    const started = Date.now();
    await page.goto(pathToFileURL(htmlFile).href);
    await page.waitForFunction(() => Array.isArray((globalThis as unknown as { __charts?: unknown[] }).__charts));
    const loadMs = Date.now() - started;
    const charts = await page.evaluate(
      () => (globalThis as unknown as { __charts: RenderedReport['charts'] }).__charts,
    );
    const verdict = (await (await page.$('#verdict'))?.textContent()) ?? '';
    const gateRows = await page.$$eval('#gates tbody tr', (rows) =>
      rows.map((r) => ({
        status: r.querySelector('td.status')?.textContent ?? '',
        gate: r.querySelector('code')?.textContent ?? '',
      })),
    );
    const baselineRows = await page.$$eval('#baseline tbody tr', (rows) =>
      rows.map((r) => {
        const cells = [...r.querySelectorAll('td')].map((td) => td.textContent ?? '');
        return { figure: cells[0] ?? '', baseline: cells[1] ?? '', current: cells[2] ?? '', result: cells[5] ?? '' };
      }),
    );
    const links = await page.$$eval('a[href]', (anchors) => anchors.map((a) => a.getAttribute('href') ?? ''));
    if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
    return { errors, charts, verdict, gateRows, baselineRows, links, loadMs };
  } finally {
    await browser.close();
  }
}
