/**
 * Durations in rollups: how many rows had each distinct value (seconds), merged by adding the
 * counts of equal values. Day rows round nothing, so percentiles from them equal PostgreSQL's
 * percentile_cont (type 7) over the raw rows: the two order statistics around rank (n - 1)p,
 * interpolated the same way. A month row keeps its values exactly too while they number at most
 * EXACT_VALUES; beyond that (a busy helpdesk's month) it keeps logarithmic buckets, DDSketch
 * style: every value x > 0 in (g^(i-1), g^i] counts for the bucket's representative
 * 2 g^i / (g + 1), which is within RELATIVE_ERROR of x. Each order statistic, and so each
 * interpolated percentile, is then within RELATIVE_ERROR of the exact one, and buckets merge by
 * adding counts. The answer's meta says so (percentile_error).
 */

/** Most distinct values a month row keeps one by one. */
export const EXACT_VALUES = 10_000;
/** The relative error of a percentile read from bucketed rows. */
export const RELATIVE_ERROR = 0.01;
const GAMMA = (1 + RELATIVE_ERROR) / (1 - RELATIVE_ERROR);

/** SQL of the bucket representative of a value x (float8) > 0; 0 and below stay themselves. */
export function sketchKeySql(x: string): string {
  return `case when ${x} > 0 then 2 * power(${GAMMA}::float8, ceil(ln(${x}) / ln(${GAMMA}::float8))) / ${GAMMA + 1}::float8 else ${x} end`;
}

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
