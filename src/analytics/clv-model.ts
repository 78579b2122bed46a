import { logGamma, nelderMead } from '../stats/index.ts';

/**
 * BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way") for the number of
 * repeat purchases and Gamma-Gamma (Fader, Hardie & Lee 2005, "RFM and CLV", appendix; Colombo &
 * Jiang 1999) for their value, fitted by maximum likelihood. Pure functions over one customer's
 * summary: x repeat purchases (purchase periods after the first), recency t_x (first to last
 * purchase) and age T (first purchase to the end of calibration), in one time unit (weeks in
 * cxkpi, as published). Formulas: docs/analytics.md.
 */
export interface CustomerSummary {
  x: number;
  tx: number;
  T: number;
  /** Mean value of the repeat purchases (Gamma-Gamma uses customers with x > 0). */
  monetary?: number;
}

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

export interface GammaGammaParams {
  p: number;
  q: number;
  v: number;
}

const logAddExp = (u: number, w: number) => {
  const m = Math.max(u, w);
  return m === -Infinity ? -Infinity : m + Math.log(Math.exp(u - m) + Math.exp(w - m));
};

/** Log-likelihood of one customer under BG/NBD (FHL 2005, equation 6). */
export function bgNbdLogLikelihood({ r, alpha, a, b }: BgNbdParams, { x, tx, T }: CustomerSummary): number {
  const a1 = logGamma(r + x) - logGamma(r) + r * Math.log(alpha);
  const a2 = logGamma(a + b) + logGamma(b + x) - logGamma(b) - logGamma(a + b + x);
  const a3 = -(r + x) * Math.log(alpha + T);
  const a4 = x > 0 ? Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx) : -Infinity;
  return a1 + a2 + logAddExp(a3, a4);
}

/** Gauss hypergeometric 2F1(a, b; c; z) by its series, |z| < 1. */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let k = 0; k < 100_000; k++) {
    term *= ((a + k) * (b + k) * z) / ((c + k) * (k + 1));
    sum += term;
    if (Math.abs(term) <= 1e-15 * Math.abs(sum)) break;
  }
  return sum;
}

/** E[X(t)]: expected purchases of a new customer in a period of length t (FHL 2005, eq. 9). */
export function expectedPurchases({ r, alpha, a, b }: BgNbdParams, t: number): number {
  const z = t / (alpha + t);
  return ((a + b - 1) / (a - 1)) * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, z));
}

/** P(alive | x, t_x, T) (FHL 2005 note "Computing P(alive)"); 1 for x = 0 under BG/NBD. */
export function probabilityAlive({ r, alpha, a, b }: BgNbdParams, { x, tx, T }: CustomerSummary): number {
  if (x === 0) return 1;
  return 1 / (1 + (a / (b + x - 1)) * Math.exp((r + x) * (Math.log(alpha + T) - Math.log(alpha + tx))));
}

/** E[Y(t) | x, t_x, T]: expected purchases in the next t given the history (FHL 2005, eq. 10). */
export function conditionalExpectedPurchases(params: BgNbdParams, customer: CustomerSummary, t: number): number {
  const { r, alpha, a, b } = params;
  const { x, tx, T } = customer;
  const z = t / (alpha + T + t);
  const head = (a + b + x - 1) / (a - 1);
  const body = 1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z);
  const tail = x > 0 ? 1 + (a / (b + x - 1)) * ((alpha + T) / (alpha + tx)) ** (r + x) : 1;
  return (head * body) / tail;
}

/** P(X(t) = n) for a new customer (FHL 2005, eq. 8). */
export function purchaseCountProbability({ r, alpha, a, b }: BgNbdParams, t: number, n: number): number {
  const logBeta = (p: number, q: number) => logGamma(p) + logGamma(q) - logGamma(p + q);
  const lz = Math.log(t / (alpha + t));
  const la = r * Math.log(alpha / (alpha + t));
  const nbd = (j: number) => logGamma(r + j) - logGamma(r) - logGamma(j + 1) + la + j * lz;
  let value = Math.exp(logBeta(a, b + n) - logBeta(a, b) + nbd(n));
  if (n > 0) {
    let partial = 0;
    for (let j = 0; j < n; j++) partial += Math.exp(nbd(j));
    value += Math.exp(logBeta(a + 1, b + n - 1) - logBeta(a, b)) * (1 - partial);
  }
  return value;
}

/** Log-likelihood of one customer's mean repeat value under Gamma-Gamma (x > 0). */
export function gammaGammaLogLikelihood({ p, q, v }: GammaGammaParams, x: number, m: number): number {
  return (
    logGamma(p * x + q) -
    logGamma(p * x) -
    logGamma(q) +
    q * Math.log(v) +
    (p * x - 1) * Math.log(m) +
    p * x * Math.log(x) -
    (p * x + q) * Math.log(x * m + v)
  );
}

/** E[M | x, m]: the expected mean purchase value of a customer (FHL "RFM and CLV", eq. 5). */
export function expectedAverageValue({ p, q, v }: GammaGammaParams, x: number, m: number): number {
  return (p * (v + x * m)) / (p * x + q - 1);
}

export interface FitResult<P> {
  params: P;
  logLikelihood: number;
  customers: number;
  converged: boolean;
}

/** Maximum likelihood over all customers, on the log scale (Nelder-Mead). */
export function fitBgNbd(customers: readonly CustomerSummary[]): FitResult<BgNbdParams> | null {
  if (!customers.length || !customers.some((c) => c.x > 0)) return null;
  const toParams = (v: number[]): BgNbdParams => ({
    r: Math.exp(v[0]!),
    alpha: Math.exp(v[1]!),
    a: Math.exp(v[2]!),
    b: Math.exp(v[3]!),
  });
  // Identical summaries contribute identically: weight them once (CDNOW: 2,357 customers, far fewer rows).
  const groups = new Map<string, { c: CustomerSummary; w: number }>();
  for (const c of customers) {
    const key = `${c.x}|${c.tx}|${c.T}`;
    const g = groups.get(key);
    if (g) g.w++;
    else groups.set(key, { c, w: 1 });
  }
  const rows = [...groups.values()];
  const meanT = customers.reduce((s, c) => s + c.T, 0) / customers.length;
  const negLL = (v: number[]) => {
    const params = toParams(v);
    let total = 0;
    for (const { c, w } of rows) total += w * bgNbdLogLikelihood(params, c);
    return -total;
  };
  const result = nelderMead(negLL, [0, Math.log(Math.max(meanT, 1e-3)), 0, 0], { step: 1 });
  return {
    params: toParams(result.x),
    logLikelihood: -result.value,
    customers: customers.length,
    converged: result.converged,
  };
}

export function fitGammaGamma(customers: readonly CustomerSummary[]): FitResult<GammaGammaParams> | null {
  const repeat = customers.filter((c) => c.x > 0 && c.monetary !== undefined && c.monetary > 0);
  if (repeat.length < 2) return null;
  const toParams = (v: number[]): GammaGammaParams => ({ p: Math.exp(v[0]!), q: Math.exp(v[1]!), v: Math.exp(v[2]!) });
  const negLL = (v: number[]) => {
    const params = toParams(v);
    let total = 0;
    for (const c of repeat) total += gammaGammaLogLikelihood(params, c.x, c.monetary!);
    return -total;
  };
  const mean = repeat.reduce((s, c) => s + c.monetary!, 0) / repeat.length;
  const result = nelderMead(negLL, [0, 0, Math.log(mean)], { step: 1 });
  return {
    params: toParams(result.x),
    logLikelihood: -result.value,
    customers: repeat.length,
    converged: result.converged,
  };
}
