// For a server that is not on this machine: memory and CPU from its Prometheus
// metrics endpoint (process_resident_memory_bytes, process_cpu_seconds_total), and
// process_start_time_seconds, which changes when the process restarts (a crash).
import type { Sample } from 'webhook-stress-common';

export interface Scrape {
  ok: boolean;
  /** process_start_time_seconds; undefined when the endpoint does not expose it. */
  startTimeSeconds: number | undefined;
}

export function parsePrometheus(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const match = /^([A-Za-z_:][\w:]*)(?:\{[^}]*\})?\s+(\S+)/.exec(line);
    if (match?.[1] && match[2] !== undefined && !values.has(match[1])) values.set(match[1], Number(match[2]));
  }
  return values;
}

export interface RemoteSampler {
  sample(): Promise<Sample & { scrape: Scrape }>;
}

export function createRemoteSampler(metricsUrl: string, timeoutMs = 2000): RemoteSampler {
  let previous: { at: number; cpuSeconds: number } | undefined;
  return {
    async sample() {
      const at = Date.now();
      let values: Map<string, number>;
      try {
        const response = await fetch(metricsUrl, { signal: AbortSignal.timeout(timeoutMs) });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        values = parsePrometheus(await response.text());
      } catch {
        const scrape = { ok: false, startTimeSeconds: undefined };
        return { at, rootAlive: false, processes: {}, exited: [], totals: emptyTotals(), scrape };
      }
      const scrape = { ok: true, startTimeSeconds: values.get('process_start_time_seconds') };
      const rss = values.get('process_resident_memory_bytes') ?? 0;
      const cpuSeconds = values.get('process_cpu_seconds_total');
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
