/**
 * Durations in rollups: how many rows had each distinct value (seconds), merged by adding the
 * counts of equal values. Nothing is rounded, so percentiles from them equal PostgreSQL's
 * percentile_cont (type 7) over the raw rows: the two order statistics around rank (n - 1)p,
 * interpolated the same way. Helpdesk durations are whole seconds, so the maps stay far smaller
 * than the rows (docs/scaling.md has the sizes measured).
 */

/** Counts by value. */
export type Histogram = Map<number, number>;

export function mergeInto(target: Histogram, values: number[] | null, counts: number[] | null): void {
  if (!values || !counts) return;
  for (let i = 0; i < values.length; i++) target.set(values[i]!, (target.get(values[i]!) ?? 0) + counts[i]!);
}

/** The type-7 percentile p (0..1) of the histogram's values; null when it is empty. */
export function percentile(histogram: Histogram, p: number): number | null {
  const values = [...histogram.keys()].sort((a, b) => a - b);
  let n = 0;
  for (const value of values) n += histogram.get(value)!;
  if (!n) return null;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  let seen = 0;
  let low: number | undefined;
  for (const value of values) {
    seen += histogram.get(value)!;
    if (low === undefined && seen > lo) low = value;
    if (seen > hi) return low! + (h - lo) * (value - low!);
  }
  return low!;
}
