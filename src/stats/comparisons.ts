// The comparison's names and the sample-ratio check are part of experiment answers (src/contract/api.ts).
import type { ComparisonTest, SampleRatioCheck } from '../contract/api.ts';
import {
  chiSquareCdf,
  logGamma,
  normalCdf,
  normalQuantile,
  normalUpperTail,
  studentCdf,
  studentQuantile,
} from './distributions.ts';
import {
  npsScore,
  npsVariance,
  sampleVariance,
  type Interval,
  type MeanComponents,
  type NpsCounts,
} from './estimators.ts';

/**
 * Two-group comparisons for experiments: each returns the difference treatment - control (here
 * `a - b`), its interval, the test, its statistic and a two-sided p-value. Degenerate input
 * (an empty arm, no variance) gives null. Formulas and references: docs/analytics.md.
 */
export interface Comparison {
  test: ComparisonTest;
  /** a - b: in share units for proportions, NPS points, the value's unit for means and durations. */
  difference: number;
  low: number;
  high: number;
  statistic: number;
  pValue: number;
  /** Degrees of freedom (Welch). */
  df?: number;
}

const zFor = (confidence: number) => normalQuantile(1 - (1 - confidence) / 2);
const twoSided = (z: number) => Math.min(1, 2 * normalUpperTail(Math.abs(z)));

/**
 * Two-proportion z test (pooled standard error; z² is R's `prop.test(correct = FALSE)` X-squared)
 * with the unpooled Wald interval of the difference, as prop.test gives it without correction.
 */
export function compareProportions(
  k1: number,
  n1: number,
  k2: number,
  n2: number,
  confidence = 0.95,
): Comparison | null {
  if (n1 <= 0 || n2 <= 0) return null;
  const p1 = k1 / n1;
  const p2 = k2 / n2;
  const pooled = (k1 + k2) / (n1 + n2);
  const se0 = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  const se = Math.sqrt((p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2);
  const half = zFor(confidence) * se;
  const d = p1 - p2;
  const statistic = se0 === 0 ? 0 : d / se0;
  return {
    test: 'two-proportion-z',
    difference: d,
    low: Math.max(-1, d - half),
    high: Math.min(1, d + half),
    statistic,
    pValue: se0 === 0 ? 1 : twoSided(statistic),
  };
}

/** Expected cell below 5: the z test's normal approximation is poor; use Fisher's exact test. */
export function needsExactTest(k1: number, n1: number, k2: number, n2: number): boolean {
  const n = n1 + n2;
  const k = k1 + k2;
  if (n === 0) return false;
  return Math.min(n1, n2) * Math.min(k, n - k) < 5 * n;
}

/** log of the hypergeometric probability of `a` successes in group 1 given the margins. */
function logHypergeometric(a: number, k: number, n1: number, n2: number): number {
  const lc = (n: number, r: number) => logGamma(n + 1) - logGamma(r + 1) - logGamma(n - r + 1);
  return lc(n1, a) + lc(n2, k - a) - lc(n1 + n2, k);
}

/**
 * Fisher's exact test of a 2x2 table (k1 of n1 against k2 of n2), two-sided as R's fisher.test:
 * the sum of the probabilities of every table with the same margins no more likely than the one
 * observed (relative tolerance 1e-7). The interval is the Wald interval of the difference (Newcombe's
 * would be better for tiny n; docs/analytics.md says so).
 */
export function fisherExact(k1: number, n1: number, k2: number, n2: number, confidence = 0.95): Comparison | null {
  if (n1 <= 0 || n2 <= 0) return null;
  const k = k1 + k2;
  const lo = Math.max(0, k - n2);
  const hi = Math.min(n1, k);
  const observed = logHypergeometric(k1, k, n1, n2);
  let p = 0;
  for (let a = lo; a <= hi; a++) {
    const l = logHypergeometric(a, k, n1, n2);
    if (l <= observed + Math.log1p(1e-7)) p += Math.exp(l);
  }
  const wald = compareProportions(k1, n1, k2, n2, confidence)!;
  return { ...wald, test: 'fisher-exact', pValue: Math.min(1, p) };
}

/** z test of two NPS values on their variances (src/stats/estimators.ts compareNps), with the Wald interval. */
export function compareNpsArms(a: NpsCounts, b: NpsCounts, confidence = 0.95): Comparison | null {
  const n1 = a.promoters + a.passives + a.detractors;
  const n2 = b.promoters + b.passives + b.detractors;
  const s1 = npsScore(a);
  const s2 = npsScore(b);
  const v1 = npsVariance(a);
  const v2 = npsVariance(b);
  if (s1 === null || s2 === null || v1 === null || v2 === null) return null;
  const se = 100 * Math.sqrt(v1 / n1 + v2 / n2);
  const d = s1 - s2;
  const half = zFor(confidence) * se;
  const statistic = se === 0 ? 0 : d / se;
  return {
    test: 'nps-z',
    difference: d,
    low: Math.max(-200, d - half),
    high: Math.min(200, d + half),
    statistic,
    pValue: se === 0 ? (d === 0 ? 1 : 0) : twoSided(statistic),
  };
}

/** Welch's t test and interval (R's t.test, var.equal = FALSE). */
export function compareMeans(a: MeanComponents, b: MeanComponents, confidence = 0.95): Comparison | null {
  const v1 = sampleVariance(a);
  const v2 = sampleVariance(b);
  if (v1 === null || v2 === null) return null;
  const se2 = v1 / a.n + v2 / b.n;
  if (se2 === 0) return null;
  const d = a.sum / a.n - b.sum / b.n;
  const df = se2 ** 2 / ((v1 / a.n) ** 2 / (a.n - 1) + (v2 / b.n) ** 2 / (b.n - 1));
  const statistic = d / Math.sqrt(se2);
  const half = studentQuantile(1 - (1 - confidence) / 2, df) * Math.sqrt(se2);
  const tail = studentCdf(-Math.abs(statistic), df);
  return {
    test: 'welch-t',
    difference: d,
    low: d - half,
    high: d + half,
    statistic,
    pValue: Math.min(1, 2 * tail),
    df,
  };
}

/** Mean components of a list of values. */
export function meanComponentsOf(values: readonly number[]): MeanComponents {
  let sum = 0;
  let sumOfSquares = 0;
  for (const v of values) {
    sum += v;
    sumOfSquares += v * v;
  }
  return { n: values.length, sum, sumOfSquares };
}

/** Holm's step-down adjustment (R's p.adjust(p, "holm")), in the order given. */
export function holmAdjust(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => [p, i] as const).sort((x, y) => x[0] - y[0]);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach(([p, i], rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}

export type { SampleRatioCheck } from '../contract/api.ts';

/** Sample-ratio mismatch: chi-square goodness of fit (1 df) of the arm sizes to the planned split. */
export function sampleRatioCheck(control: number, treatment: number, treatmentShare = 0.5): SampleRatioCheck | null {
  const n = control + treatment;
  if (n === 0 || !(treatmentShare > 0 && treatmentShare < 1)) return null;
  const eT = n * treatmentShare;
  const eC = n - eT;
  const statistic = (treatment - eT) ** 2 / eT + (control - eC) ** 2 / eC;
  const pValue = 1 - chiSquareCdf(statistic, 1);
  return { observed: [control, treatment], expectedShare: treatmentShare, statistic, pValue, mismatch: pValue < 0.001 };
}

/**
 * Sample size per arm to detect p1 vs p2 with a two-sided test (R's power.prop.test closed form:
 * n = (z_{1-a/2} sqrt(2 pbar qbar) + z_power sqrt(p1 q1 + p2 q2))² / (p1 - p2)²), unrounded.
 */
export function sampleSizeForProportions(p1: number, p2: number, alpha = 0.05, power = 0.8): number | null {
  if (p1 === p2 || !(p1 >= 0 && p1 <= 1 && p2 >= 0 && p2 <= 1)) return null;
  const pbar = (p1 + p2) / 2;
  const top =
    normalQuantile(1 - alpha / 2) * Math.sqrt(2 * pbar * (1 - pbar)) +
    normalQuantile(power) * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  return (top / (p1 - p2)) ** 2;
}

/**
 * Sample size per arm for a difference `effect` of means with standard deviation sd in both arms:
 * the normal formula 2 sd² (z_{1-a/2} + z_power)² / effect² with Student quantiles on 2n - 2 df,
 * iterated to a fixed point (close to R's power.t.test, which uses the noncentral t), unrounded.
 */
export function sampleSizeForMeans(effect: number, sd: number, alpha = 0.05, power = 0.8): number | null {
  if (effect === 0 || !(sd > 0)) return null;
  let n = (2 * sd * sd * (normalQuantile(1 - alpha / 2) + normalQuantile(power)) ** 2) / (effect * effect);
  for (let i = 0; i < 50; i++) {
    const df = Math.max(1, 2 * n - 2);
    const next = (2 * sd * sd * (studentQuantile(1 - alpha / 2, df) + studentQuantile(power, df)) ** 2) / effect ** 2;
    if (Math.abs(next - n) < 1e-9) break;
    n = next;
  }
  return n;
}

/** Sample size per arm for a difference `effect` with per-unit variances v1, v2 (normal formula), unrounded. */
export function sampleSizePerArm(effect: number, v1: number, v2: number, alpha = 0.05, power = 0.8): number | null {
  if (!(effect !== 0 && alpha > 0 && alpha < 1 && power > 0 && power < 1)) return null;
  const z = normalQuantile(1 - alpha / 2) + normalQuantile(power);
  return (z * z * (v1 + v2)) / (effect * effect);
}

/** Power of a two-sided z test with n per arm. */
export function powerPerArm(n: number, effect: number, v1: number, v2: number, alpha = 0.05): number | null {
  if (n <= 0 || v1 + v2 <= 0) return null;
  const shift = Math.abs(effect) / Math.sqrt((v1 + v2) / n);
  const zc = normalQuantile(1 - alpha / 2);
  return normalUpperTail(zc - shift) + normalCdf(-zc - shift);
}

export type { Interval };
