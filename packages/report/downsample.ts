// Keeps long series small enough to draw fast: at most `limit` points, each bucket
// represented by its maximum so that peaks (memory, latency) are never hidden.
export function downsampleMax(
  xs: number[],
  ys: (number | null)[][],
  limit: number,
): { xs: number[]; ys: (number | null)[][] } {
  if (xs.length <= limit) return { xs, ys };
  const size = Math.ceil(xs.length / limit);
  const outX: number[] = [];
  const outY: (number | null)[][] = ys.map(() => []);
  for (let start = 0; start < xs.length; start += size) {
    outX.push(xs[start] as number);
    ys.forEach((series, k) => {
      let max: number | null = null;
      for (let i = start; i < Math.min(start + size, xs.length); i++) {
        const v = series[i];
        if (v !== null && v !== undefined && (max === null || v > max)) max = v;
      }
      outY[k]?.push(max);
    });
  }
  return { xs: outX, ys: outY };
}
