// For a server that is not on this machine: memory and CPU from its Prometheus
// metrics endpoint (process_resident_memory_bytes, process_cpu_seconds_total), and
// process_start_time_seconds, which changes when the process restarts (a crash).
import { type Sample, seriesOf, sumSeries } from 'webhook-stress-common';

export interface Scrape {
  ok: boolean;
  /** process_start_time_seconds; undefined when the endpoint does not expose it. */
  startTimeSeconds: number | undefined;
}

/**
 * A server's figures from its metrics page, by the pack's one rule (webhook-stress-common
 * prometheus-text.ts): memory and CPU add up every series of their name (one per worker process,
 * as a multi-process exporter writes them); the start time is the latest of its series, the
 * process that (re)started last.
 */
export function remoteFigures(text: string): {
  rss: number;
  cpuSeconds: number | undefined;
  startTimeSeconds: number | undefined;
} {
  const pick = (name: string) =>
    seriesOf(text)
      .get(name)
      ?.map((s) => s.value);
  const all = (name: string) => sumSeries(text, { name, labels: {} });
  const starts = pick('process_start_time_seconds');
  return {
    rss: all('process_resident_memory_bytes') ?? 0,
    cpuSeconds: all('process_cpu_seconds_total'),
    startTimeSeconds: starts && starts.length > 0 ? Math.max(...starts) : undefined,
  };
}

export interface RemoteSampler {
  sample(): Promise<Sample & { scrape: Scrape }>;
}

export function createRemoteSampler(metricsUrl: string, timeoutMs = 2000): RemoteSampler {
  let previous: { at: number; cpuSeconds: number } | undefined;
  return {
    async sample() {
      const at = Date.now();
      let values: ReturnType<typeof remoteFigures>;
      try {
        const response = await fetch(metricsUrl, { signal: AbortSignal.timeout(timeoutMs) });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        values = remoteFigures(await response.text());
      } catch {
        const scrape = { ok: false, startTimeSeconds: undefined };
        return { at, rootAlive: false, processes: {}, exited: [], totals: emptyTotals(), scrape };
      }
      const scrape = { ok: true, startTimeSeconds: values.startTimeSeconds };
      const { rss, cpuSeconds } = values;
      const cpuPercent =
        previous && cpuSeconds !== undefined
          ? ((cpuSeconds - previous.cpuSeconds) / ((at - previous.at) / 1000)) * 100
          : 0;
      if (cpuSeconds !== undefined) previous = { at, cpuSeconds };
      return {
        at,
        rootAlive: true,
        processes: {},
        exited: [],
        scrape,
        totals: { ...emptyTotals(), rssBytes: rss, memoryBytes: rss, cpuPercent: Math.max(0, cpuPercent) },
      };
    },
  };
}

function emptyTotals(): Sample['totals'] {
  return { rssBytes: 0, memoryBytes: 0, memoryMeasure: 'rss', cpuPercent: 0, threads: 0, openFiles: 0, connections: 0 };
}
