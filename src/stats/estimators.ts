import { normalCdf, normalQuantile, studentCdf, studentQuantile } from './distributions.ts';

/**
 * Estimates, intervals and tests from the additive components a SQL query returns (counts, sums,
 * sums of squares). Degenerate inputs give null, never NaN. Shares are fractions in [0, 1];
 * NPS is on -100..100.
 */
export interface Interval {
  low: number;
  high: number;
}

export interface TestResult {
  /** The difference a - b. */
  difference: number;
  statistic: number;
  pValue: number;
  significant: boolean;
}

const z = (confidence: number) => normalQuantile(1 - (1 - confidence) / 2);

/** Wilson score interval for k successes out of n (Wilson 1927); clipped to [0, 1]. */
export function wilsonInterval(k: number, n: number, confidence = 0.95): Interval | null {
  if (n <= 0) return null;
  const q = z(confidence);
  const p = k / n;
  const denominator = 1 + (q * q) / n;
  const centre = (p + (q * q) / (2 * n)) / denominator;
  const half = (q * Math.sqrt((p * (1 - p)) / n + (q * q) / (4 * n * n))) / denominator;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** Wald interval p +- z sqrt(p(1-p)/n); clipped to [0, 1]. */
export function waldInterval(k: number, n: number, confidence = 0.95): Interval | null {
  if (n <= 0) return null;
  const p = k / n;
  const half = z(confidence) * Math.sqrt((p * (1 - p)) / n);
  return { low: Math.max(0, p - half), high: Math.min(1, p + half) };
}

/** Adjusted Wald (Agresti-Coull 1998): the Wald interval of (k + z²/2) / (n + z²); clipped to [0, 1]. */
export function adjustedWaldInterval(k: number, n: number, confidence = 0.95): Interval | null {
  if (n <= 0) return null;
  const q = z(confidence);
  const nTilde = n + q * q;
  const p = (k + (q * q) / 2) / nTilde;
  const half = q * Math.sqrt((p * (1 - p)) / nTilde);
  return { low: Math.max(0, p - half), high: Math.min(1, p + half) };
}

/** Two-sample z test for proportions with the pooled standard error, two-sided. */
export function twoProportionTest(k1: number, n1: number, k2: number, n2: number, alpha = 0.05): TestResult | null {
  if (n1 <= 0 || n2 <= 0) return null;
  const p1 = k1 / n1;
  const p2 = k2 / n2;
  const pooled = (k1 + k2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (se === 0) return { difference: p1 - p2, statistic: 0, pValue: p1 === p2 ? 1 : 0, significant: p1 !== p2 };
  const statistic = (p1 - p2) / se;
  const pValue = Math.min(1, 2 * (1 - normalCdf(Math.abs(statistic))));
  return { difference: p1 - p2, statistic, pValue, significant: pValue < alpha };
}

export interface NpsCounts {
  promoters: number;
  passives: number;
  detractors: number;
}

/** NPS = 100 (promoters - detractors) / n. */
export function npsScore({ promoters, passives, detractors }: NpsCounts): number | null {
  const n = promoters + passives + detractors;
  return n > 0 ? (100 * (promoters - detractors)) / n : null;
}

/** Variance of one answer's score on -1/0/1: V = p + d - (p - d)². */
export function npsVariance({ promoters, passives, detractors }: NpsCounts): number | null {
  const n = promoters + passives + detractors;
  if (n <= 0) return null;
  const p = promoters / n;
  const d = detractors / n;
  return p + d - (p - d) ** 2;
}

/**
 * NPS interval. Wald: NPS +- z 100 sqrt(V/n). Adjusted Wald: the same after adding 3/4 to
 * promoters and to detractors and 3 to n (i.e. 3/2 to passives). Clipped to [-100, 100].
 */
export function npsInterval(
  counts: NpsCounts,
  options: { method?: 'wald' | 'adjusted-wald'; confidence?: number } = {},
): Interval | null {
  const adjusted = options.method === 'adjusted-wald';
  const c = adjusted
    ? { promoters: counts.promoters + 0.75, passives: counts.passives + 1.5, detractors: counts.detractors + 0.75 }
    : counts;
  const n = c.promoters + c.passives + c.detractors;
  const score = npsScore(c);
  const variance = npsVariance(c);
  if (score === null || variance === null) return null;
  const half = z(options.confidence ?? 0.95) * 100 * Math.sqrt(variance / n);
  return { low: Math.max(-100, score - half), high: Math.min(100, score + half) };
}

/** z test of two NPS values: (NPS1 - NPS2) / (100 sqrt(V1/n1 + V2/n2)), two-sided. */
export function compareNps(a: NpsCounts, b: NpsCounts, alpha = 0.05): TestResult | null {
  const n1 = a.promoters + a.passives + a.detractors;
  const n2 = b.promoters + b.passives + b.detractors;
  const s1 = npsScore(a);
  const s2 = npsScore(b);
  const v1 = npsVariance(a);
  const v2 = npsVariance(b);
  if (s1 === null || s2 === null || v1 === null || v2 === null) return null;
  const se = 100 * Math.sqrt(v1 / n1 + v2 / n2);
  if (se === 0) return { difference: s1 - s2, statistic: 0, pValue: s1 === s2 ? 1 : 0, significant: s1 !== s2 };
  const statistic = (s1 - s2) / se;
  const pValue = Math.min(1, 2 * (1 - normalCdf(Math.abs(statistic))));
  return { difference: s1 - s2, statistic, pValue, significant: pValue < alpha };
}

export interface MeanComponents {
  n: number;
  sum: number;
  sumOfSquares: number;
}

/** Sample variance from the components (n - 1 denominator); null for n < 2. */
export function sampleVariance({ n, sum, sumOfSquares }: MeanComponents): number | null {
  if (n < 2) return null;
  return Math.max(0, (sumOfSquares - (sum * sum) / n) / (n - 1));
}

/** Student t interval of a mean from n, sum and sum of squares; null for n < 2. */
export function meanInterval(c: MeanComponents, confidence = 0.95): Interval | null {
  const variance = sampleVariance(c);
  if (variance === null) return null;
  const mean = c.sum / c.n;
  const half = studentQuantile(1 - (1 - confidence) / 2, c.n - 1) * Math.sqrt(variance / c.n);
  return { low: mean - half, high: mean + half };
}

/** Welch's t test of two means (Welch-Satterthwaite degrees of freedom), two-sided. */
export function welchTest(a: MeanComponents, b: MeanComponents, alpha = 0.05): (TestResult & { df: number }) | null {
  const v1 = sampleVariance(a);
  const v2 = sampleVariance(b);
  if (v1 === null || v2 === null) return null;
  const m1 = a.sum / a.n;
  const m2 = b.sum / b.n;
  const se2 = v1 / a.n + v2 / b.n;
  if (se2 === 0)
    return { difference: m1 - m2, statistic: 0, pValue: m1 === m2 ? 1 : 0, significant: m1 !== m2, df: a.n + b.n - 2 };
  const df = se2 ** 2 / ((v1 / a.n) ** 2 / (a.n - 1) + (v2 / b.n) ** 2 / (b.n - 1));
  const statistic = (m1 - m2) / Math.sqrt(se2);
  const pValue = Math.min(1, 2 * (1 - studentCdf(Math.abs(statistic), df)));
  return { difference: m1 - m2, statistic, pValue, significant: pValue < alpha, df };
}

/** Hyndman-Fan type 7 percentile (PostgreSQL percentile_cont): linear between order statistics. */
export function percentile(values: readonly number[], p: number): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((x, y) => x - y);
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Smallest n for a margin of error (half-width) of a share; worst case p = 0.5 by default. */
export function sampleSizeForProportion(margin: number, p = 0.5, confidence = 0.95): number {
  return Math.ceil((z(confidence) ** 2 * p * (1 - p)) / margin ** 2);
}

/** Smallest n for a margin (in NPS points) given expected promoter and detractor shares. */
export function sampleSizeForNps(
  margin: number,
  promoterShare: number,
  detractorShare: number,
  confidence = 0.95,
): number {
  const variance = promoterShare + detractorShare - (promoterShare - detractorShare) ** 2;
  return Math.ceil(((z(confidence) * 100) ** 2 * variance) / margin ** 2);
}

/** Smallest n for a margin of a mean given its standard deviation (normal approximation). */
export function sampleSizeForMean(margin: number, sd: number, confidence = 0.95): number {
  return Math.ceil((z(confidence) * sd) ** 2 / margin ** 2);
}
