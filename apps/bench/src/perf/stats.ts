/** Summary statistics for timings: numpy-compatible percentiles and a least-squares line. */

/** The q-th percentile (0..100) with linear interpolation between order statistics (numpy's default). */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (q / 100) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export const median = (values: readonly number[]): number => percentile(values, 50);

export interface TimeSummary {
  readonly median: number;
  readonly p95: number;
}

export function summarize(times: readonly number[]): TimeSummary {
  return { median: percentile(times, 50), p95: percentile(times, 95) };
}

export interface Line {
  /** change of y per unit of x */
  readonly slope: number;
  readonly intercept: number;
  /** coefficient of determination; 1 for a perfect fit (and for two points) */
  readonly r2: number;
}

/**
 * Ordinary least squares y = slope * x + intercept. Null when fewer than two distinct x values
 * (a slope is then undefined), or when any value is not finite.
 */
export function leastSquares(points: readonly (readonly [number, number])[]): Line | null {
  if (points.some(([x, y]) => !Number.isFinite(x) || !Number.isFinite(y))) return null;
  const n = points.length;
  if (new Set(points.map(([x]) => x)).size < 2) return null;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (const [x, y] of points) {
    sxx += (x - mx) ** 2;
    sxy += (x - mx) * (y - my);
    syy += (y - my) ** 2;
  }
  const slope = sxy / sxx;
  const r2 = syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
  return { slope, intercept: my - slope * mx, r2 };
}
