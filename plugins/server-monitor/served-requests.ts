// Requests the server answered over the run, from Artillery's period stats: the leak
// verdict weighs memory growth by requests served.
import { interpolateCumulative } from './analysis.ts';

export interface ServedRequests {
  /** Adds one period's http.responses, ending at `lastMetricAt`. */
  addPeriod(responses: number, firstMetricAt: number | undefined, lastMetricAt: number): void;
  /** Requests served between two instants, or undefined when the periods cannot say. */
  between(from: number, to: number): number | undefined;
}

export function createServedRequests(): ServedRequests {
  const cumulative: { at: number; total: number }[] = [];
  return {
    addPeriod(responses, firstMetricAt, lastMetricAt) {
      if (cumulative.length === 0 && firstMetricAt !== undefined) cumulative.push({ at: firstMetricAt, total: 0 });
      cumulative.push({ at: lastMetricAt, total: (cumulative.at(-1)?.total ?? 0) + responses });
    },
    // Artillery's period stats are 10 s apart, too coarse to place each request at a 1 s
    // sample: the requests served in the fitted span are interpolated from the cumulative
    // http.responses at period ends (exact at each end, spread evenly within a period).
    between(from, to) {
      if (cumulative.length < 2) return undefined;
      const a = interpolateCumulative(cumulative, from);
      const b = interpolateCumulative(cumulative, to);
      return a === undefined || b === undefined || b - a <= 0 ? undefined : b - a;
    },
  };
}
