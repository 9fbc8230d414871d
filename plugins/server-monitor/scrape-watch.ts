// A remote source's scrapes over the run: which failed (server.scrape_failures, and a server
// whose endpoint stopped answering for good counts as dead), and the process start time
// at each sample, which segments the memory series at a restart.
import type { Sample } from 'webhook-stress-common';
import type { Scrape } from './remote-source.ts';

export interface ScrapeWatch {
  /** Records one scrape; false when it failed (its sample is not a figure of the server). */
  observe(sample: Sample, scrape: Scrape): boolean;
  failuresSince(from: number): number;
  lastFailed(): boolean;
  segmentOf(sample: Sample): string | undefined;
}

export interface ScrapeNotices {
  firstFailure(): void;
  noStartTime(): void;
}

export function createScrapeWatch(notices: ScrapeNotices): ScrapeWatch {
  const failures: number[] = [];
  const segments = new Map<Sample, string>();
  let lastFailed = false;
  let startTimeNoticed = false;
  return {
    observe(sample, scrape) {
      lastFailed = !scrape.ok;
      if (!scrape.ok) {
        if (failures.length === 0) notices.firstFailure();
        failures.push(sample.at);
        return false;
      }
      if (scrape.startTimeSeconds === undefined && !startTimeNoticed) {
        startTimeNoticed = true;
        notices.noStartTime();
      }
      segments.set(sample, String(scrape.startTimeSeconds ?? ''));
      return true;
    },
    failuresSince: (from) => failures.filter((at) => at >= from).length,
    lastFailed: () => lastFailed,
    segmentOf: (sample) => segments.get(sample),
  };
}
