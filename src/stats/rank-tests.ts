import { normalQuantile, normalUpperTail } from './distributions.ts';
import type { Comparison } from './comparisons.ts';

/**
 * Wilcoxon-Mann-Whitney rank-sum test of two samples with the Hodges-Lehmann shift, as R's
 * `wilcox.test(x, y, conf.int = TRUE)`: W = rank sum of x - n1(n1 + 1)/2; exact distribution when
 * both samples are under 50 and there are no ties, otherwise the normal approximation with the tie
 * and continuity corrections. The shift is the median of all n1 n2 differences x_i - y_j; its
 * interval takes order statistics of those differences (exact critical value, or the normal one).
 * Differences are never materialised: the k-th one is found by counting in O((n1 + n2) log).
 */
export function mannWhitney(x: readonly number[], y: readonly number[], confidence = 0.95): Comparison | null {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) return null;
  const all = [...x.map((v) => [v, 0] as const), ...y.map((v) => [v, 1] as const)].sort((p, q) => p[0] - q[0]);
  let rankSumX = 0;
  let tieTerm = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j + 1 < all.length && all[j + 1]![0] === all[i]![0]) j++;
    const rank = (i + j + 2) / 2;
    const t = j - i + 1;
    tieTerm += t * t * t - t;
    for (let r = i; r <= j; r++) if (all[r]![1] === 0) rankSumX += rank;
    i = j + 1;
  }
  const W = rankSumX - (n1 * (n1 + 1)) / 2;
  const exact = n1 < 50 && n2 < 50 && tieTerm === 0;
  const xs = [...x].sort((p, q) => p - q);
  const ys = [...y].sort((p, q) => p - q);
  const total = n1 * n2;
  const kth = (k: number) => kthDifference(xs, ys, k);
  const shift = total % 2 ? kth((total + 1) / 2) : (kth(total / 2) + kth(total / 2 + 1)) / 2;
  const alpha = 1 - confidence;
  let pValue: number;
  let statistic: number;
  let qu: number;
  if (exact) {
    const cdf = wilcoxonCdf(n1, n2);
    const lower = (w: number) => (w < 0 ? 0 : w >= cdf.length ? 1 : cdf[Math.floor(w)]!);
    const p = W > total / 2 ? 1 - lower(W - 1) : lower(W);
    pValue = Math.min(1, 2 * p);
    statistic = W;
    // qwilcox(alpha/2): the smallest w with P(W <= w) >= alpha/2.
    qu = cdf.findIndex((c) => c >= alpha / 2);
  } else {
    const sigma = Math.sqrt((total / 12) * (n1 + n2 + 1 - tieTerm / ((n1 + n2) * (n1 + n2 - 1))));
    const centred = W - total / 2;
    const z = sigma === 0 ? 0 : (centred - Math.sign(centred) * 0.5) / sigma;
    pValue = sigma === 0 ? 1 : Math.min(1, 2 * normalUpperTail(Math.abs(z)));
    statistic = W;
    qu = Math.floor(total / 2 - normalQuantile(1 - alpha / 2) * Math.sqrt((total * (n1 + n2 + 1)) / 12));
  }
  if (qu < 1) qu = 1;
  const ql = total - qu;
  return {
    test: 'mann-whitney-u',
    difference: shift,
    low: kth(qu),
    high: kth(Math.min(total, ql + 1)),
    statistic,
    pValue,
  };
}

/** P(W <= w) for w = 0..n1 n2 under no ties: counts of rank configurations (R's cwilcox). */
function wilcoxonCdf(n1: number, n2: number): number[] {
  // U (the number of pairs with x > y) is distributed as the coefficients of the Gaussian
  // binomial coefficient [n1 + n2 choose n1]_q over their sum.
  const max = n1 * n2;
  let poly = [1];
  // [n1+n2 choose n1]_q = prod_{i=1}^{n1} (1 - q^{n2+i}) / (1 - q^i)
  for (let i = 1; i <= n1; i++) {
    const next = new Array<number>(poly.length + n2).fill(0);
    // multiply by (1 - q^{n2+i})
    for (let d = 0; d < poly.length; d++) {
      next[d]! += poly[d]!;
      next[d + n2 + i] = (next[d + n2 + i] ?? 0) - poly[d]!;
    }
    // divide by (1 - q^i): running sum with stride i
    for (let d = i; d < next.length; d++) next[d]! += next[d - i]!;
    poly = next.slice(0, max + 1);
  }
  const totalWays = poly.reduce((s, v) => s + v, 0);
  const cdf: number[] = [];
  let running = 0;
  for (let w = 0; w <= max; w++) {
    running += poly[w] ?? 0;
    cdf.push(running / totalWays);
  }
  return cdf;
}

/** Number of pairs with x_i - y_j <= d (both sorted ascending). */
function countAtMost(xs: readonly number[], ys: readonly number[], d: number): number {
  let count = 0;
  let j = 0;
  // For increasing x_i, the y_j >= x_i - d start later: walk a pointer over ys.
  for (const xi of xs) {
    while (j < ys.length && ys[j]! < xi - d) j++;
    count += ys.length - j;
  }
  return count;
}

/** The k-th smallest (1-based) of the differences x_i - y_j, exactly. */
function kthDifference(xs: readonly number[], ys: readonly number[], k: number): number {
  let lo = xs[0]! - ys[ys.length - 1]!;
  let hi = xs[xs.length - 1]! - ys[0]!;
  for (let i = 0; i < 200 && hi > lo; i++) {
    const mid = lo + (hi - lo) / 2;
    if (mid === lo || mid === hi) break;
    if (countAtMost(xs, ys, mid) >= k) hi = mid;
    else lo = mid;
  }
  // hi is at or just above the answer: the largest difference <= hi is it.
  let best = -Infinity;
  for (const xi of xs) {
    // the smallest y >= xi - hi gives the largest difference <= hi for this x
    let a = 0;
    let b = ys.length;
    while (a < b) {
      const m = (a + b) >> 1;
      if (ys[m]! < xi - hi) a = m + 1;
      else b = m;
    }
    if (a < ys.length) best = Math.max(best, xi - ys[a]!);
  }
  if (countAtMost(xs, ys, lo) >= k) return lo;
  return best;
}
