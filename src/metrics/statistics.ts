import type { Formula } from './catalog/index.ts';

/**
 * Turns the components of one period and group into the value, its n and its 95 % interval,
 * and decides whether two periods differ significantly (5 %), by the metric's formula.
 */
export type Components = Record<string, unknown> & { group: Record<string, string | null> };

export interface Estimate {
  value: number | null;
  n: number;
  low: number | null;
  high: number | null;
}

const Z = 1.959963984540054;
const num = (value: unknown) => (value === null || value === undefined ? 0 : Number(value));

export function estimate(formula: Formula, aggregate: string, c: Components | undefined): Estimate {
  if (formula.kind === 'customer_state') return customerEstimate(formula.measure, c);
  const n = num(c?.n);
  if (!c || n === 0) return { value: null, n: 0, low: null, high: null };
  switch (formula.kind) {
    case 'count':
    case 'open_at_end':
      return { value: n, n, low: null, high: null };
    case 'sum':
    case 'prorated_sum':
    case 'prorated_mrr':
    case 'sum_of_metrics':
      return { value: num(c.s), n, low: null, high: null };
    case 'ratio_of_metrics':
      return { value: num(c.den) === 0 ? null : num(c.s) / num(c.den), n, low: null, high: null };
    case 'proportion': {
      const k = num(c.k);
      const [low, high] = wilson(k, n);
      return { value: k / n, n, low, high };
    }
    case 'nps': {
      const p = num(c.promoters) / n;
      const d = num(c.detractors) / n;
      const value = 100 * (p - d);
      const se = 100 * Math.sqrt((p + d - (p - d) ** 2) / n);
      return { value, n, low: Math.max(-100, value - Z * se), high: Math.min(100, value + Z * se) };
    }
    case 'mean':
    case 'distribution': {
      const mean = num(c.s) / n;
      if (formula.kind === 'distribution' && aggregate !== 'mean')
        return { value: num(c.pct), n, low: null, high: null };
      const interval = tInterval(n, num(c.s), num(c.ss));
      return { value: mean, n, low: interval?.[0] ?? null, high: interval?.[1] ?? null };
    }
  }
}

function customerEstimate(measure: string, c: Components | undefined): Estimate {
  if (!c) return { value: null, n: 0, low: null, high: null };
  const start = num(c.n_start);
  const churned = num(c.churned);
  switch (measure) {
    case 'active_end':
      return { value: num(c.n_end), n: num(c.n_end), low: null, high: null };
    case 'average_active':
      return { value: (num(c.n_start) + num(c.n_end)) / 2, n: num(c.n_end), low: null, high: null };
    case 'new':
      return { value: num(c.new), n: num(c.new), low: null, high: null };
    case 'churned':
      return { value: churned, n: start, low: null, high: null };
    case 'mrr':
      return { value: num(c.mrr_end), n: num(c.n_end), low: null, high: null };
    default: {
      if (start === 0) return { value: null, n: 0, low: null, high: null };
      const kept = measure === 'retention_rate' ? start - churned : churned;
      const [low, high] = wilson(kept, start);
      return { value: kept / start, n: start, low, high };
    }
  }
}

/** Two-sided test at 5 %: proportions (pooled z), NPS (z on the variances), means (Welch). */
export function compareComponents(
  formula: Formula,
  aggregate: string,
  a: Components | undefined,
  b: Components | undefined,
): boolean | null {
  if (formula.kind === 'customer_state') {
    if (!['churn_rate', 'retention_rate'].includes(formula.measure) || !a || !b) return null;
    const rename = (c: Components): Components => ({ ...c, n: c.n_start, k: num(c.churned) });
    return compareComponents({ kind: 'proportion', success: '' }, aggregate, rename(a), rename(b));
  }
  const n1 = num(a?.n);
  const n2 = num(b?.n);
  if (!a || !b || n1 === 0 || n2 === 0) return null;
  switch (formula.kind) {
    case 'proportion': {
      const p1 = num(a.k) / n1;
      const p2 = num(b.k) / n2;
      const pooled = (num(a.k) + num(b.k)) / (n1 + n2);
      const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
      return se === 0 ? p1 !== p2 : Math.abs(p1 - p2) / se > Z;
    }
    case 'nps': {
      const v = (c: Components, n: number) => {
        const p = num(c.promoters) / n;
        const d = num(c.detractors) / n;
        return { nps: p - d, variance: p + d - (p - d) ** 2 };
      };
      const x = v(a, n1);
      const y = v(b, n2);
      const se = Math.sqrt(x.variance / n1 + y.variance / n2);
      return se === 0 ? x.nps !== y.nps : Math.abs(x.nps - y.nps) / se > Z;
    }
    case 'mean':
    case 'distribution': {
      if (formula.kind === 'distribution' && aggregate !== 'mean') return null;
      if (n1 < 2 || n2 < 2) return null;
      const m1 = num(a.s) / n1;
      const m2 = num(b.s) / n2;
      const v1 = (num(a.ss) - n1 * m1 * m1) / (n1 - 1);
      const v2 = (num(b.ss) - n2 * m2 * m2) / (n2 - 1);
      const se2 = v1 / n1 + v2 / n2;
      if (se2 <= 0) return m1 !== m2;
      const df = se2 ** 2 / ((v1 / n1) ** 2 / (n1 - 1) + (v2 / n2) ** 2 / (n2 - 1));
      return 2 * (1 - studentCdf(Math.abs(m1 - m2) / Math.sqrt(se2), df)) < 0.05;
    }
    case 'count':
    case 'open_at_end':
    case 'sum':
    case 'prorated_sum':
    case 'prorated_mrr':
    case 'sum_of_metrics':
    case 'ratio_of_metrics':
      return null;
  }
}

/** Wilson score interval for k successes out of n. */
function wilson(k: number, n: number): [number, number] {
  const p = k / n;
  const z2 = Z * Z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (Z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** Student t interval of a mean from n, the sum and the sum of squares. */
function tInterval(n: number, sum: number, sumSquares: number): [number, number] | null {
  if (n < 2) return null;
  const mean = sum / n;
  const variance = Math.max(0, (sumSquares - n * mean * mean) / (n - 1));
  const half = studentQuantile(0.975, n - 1) * Math.sqrt(variance / n);
  return [mean - half, mean + half];
}

function studentCdf(t: number, df: number): number {
  const x = df / (df + t * t);
  const tail = 0.5 * incompleteBeta(df / 2, 0.5, x);
  return t >= 0 ? 1 - tail : tail;
}

function studentQuantile(p: number, df: number): number {
  // Bisection on the CDF: 80 halvings of [0, 1e4] reach machine precision for p > 0.5.
  let lo = 0;
  let hi = 1e4;
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    if (studentCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Regularized incomplete beta I_x(a, b), continued fraction (Numerical Recipes 6.4). */
function incompleteBeta(a: number, b: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x > (a + 1) / (a + b + 2)) return 1 - incompleteBeta(b, a, 1 - x);
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < 1e-300) d = 1e-300;
  d = 1 / d;
  let f = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let numerator = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + numerator * d;
    d = Math.abs(d) < 1e-300 ? 1e300 : 1 / d;
    c = 1 + numerator / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    f *= d * c;
    numerator = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + numerator * d;
    d = Math.abs(d) < 1e-300 ? 1e300 : 1 / d;
    c = 1 + numerator / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    const delta = d * c;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return (front * f) / a;
}

function logGamma(x: number): number {
  // Lanczos approximation (g = 7, n = 9), accurate to about 1e-15.
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const y = x - 1;
  let sum = c[0]!;
  for (let i = 1; i < 9; i++) sum += c[i]! / (y + i);
  const t = y + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(sum);
}
