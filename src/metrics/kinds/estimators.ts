import {
  compareNps,
  meanInterval,
  npsInterval,
  npsScore,
  twoProportionTest,
  welchTest,
  wilsonInterval,
  type MeanComponents,
  type NpsCounts,
} from '../../stats/index.ts';

/**
 * The estimators and tests that formula kinds share: a share with its Wilson interval, an NPS
 * with its Wald interval, a mean with its t interval, and the two-period tests that go with them
 * (src/stats holds the statistics themselves).
 */
export type Components = Record<string, unknown> & { group: Record<string, string | null> };

export interface Estimate {
  value: number | null;
  n: number;
  low: number | null;
  high: number | null;
}

/** Which test a difference between two periods (or arms) takes; null where none applies. */
export type TestKind = 'proportion' | 'nps' | 'mean' | 'rank';

export const num = (value: unknown) => (value === null || value === undefined ? 0 : Number(value));
export const NONE: Readonly<Estimate> = { value: null, n: 0, low: null, high: null };
export const noValue = (n: number): Estimate => ({ value: null, n, low: null, high: null });
/** A value without an interval. */
export const plain = (value: number, n: number): Estimate => ({ value, n, low: null, high: null });

const npsCounts = (c: Components): NpsCounts => ({
  promoters: num(c.promoters),
  detractors: num(c.detractors),
  passives: num(c.n) - num(c.promoters) - num(c.detractors),
});
const meanComponents = (c: Components): MeanComponents => ({ n: num(c.n), sum: num(c.s), sumOfSquares: num(c.ss) });

/** k of n (components k, n). */
export function proportionEstimate(c: Components | undefined): Estimate {
  const n = num(c?.n);
  if (!c || n === 0) return { ...NONE };
  const interval = wilsonInterval(num(c.k), n);
  return { value: num(c.k) / n, n, low: interval?.low ?? null, high: interval?.high ?? null };
}

/** NPS from promoters, detractors and n. */
export function npsEstimate(c: Components | undefined): Estimate {
  const n = num(c?.n);
  if (!c || n === 0) return { ...NONE };
  const counts = npsCounts(c);
  const interval = npsInterval(counts);
  return { value: npsScore(counts), n, low: interval?.low ?? null, high: interval?.high ?? null };
}

/** The mean from n, s (sum) and ss (sum of squares). */
export function meanEstimate(c: Components | undefined): Estimate {
  const n = num(c?.n);
  if (!c || n === 0) return { ...NONE };
  const interval = meanInterval(meanComponents(c));
  return { value: num(c.s) / n, n, low: interval?.low ?? null, high: interval?.high ?? null };
}

/** Two-sided test at 5 % of the components of two periods, by the test the kind takes. */
export function compareAs(test: TestKind | null, a: Components | undefined, b: Components | undefined): boolean | null {
  if (!a || !b) return null;
  switch (test) {
    case 'proportion':
      return twoProportionTest(num(a.k), num(a.n), num(b.k), num(b.n))?.significant ?? null;
    case 'nps':
      return compareNps(npsCounts(a), npsCounts(b))?.significant ?? null;
    case 'mean':
      return welchTest(meanComponents(a), meanComponents(b))?.significant ?? null;
    default:
      // Percentiles: the components hold no per-row data to test (experiments rank raw rows).
      return null;
  }
}
