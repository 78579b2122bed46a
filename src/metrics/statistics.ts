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
} from '../stats/index.ts';
import type { Formula } from './catalog/index.ts';

/**
 * Turns the components of one period and group into the value, its n and its 95 % interval,
 * and decides whether two periods differ significantly (5 %), by the metric's formula; the
 * statistics themselves are in src/stats.
 */
export type Components = Record<string, unknown> & { group: Record<string, string | null> };

export interface Estimate {
  value: number | null;
  n: number;
  low: number | null;
  high: number | null;
}

const num = (value: unknown) => (value === null || value === undefined ? 0 : Number(value));
const NONE: Estimate = { value: null, n: 0, low: null, high: null };
const NONE_N = (n: number): Estimate => ({ ...NONE, n });

const npsCounts = (c: Components): NpsCounts => ({
  promoters: num(c.promoters),
  detractors: num(c.detractors),
  passives: num(c.n) - num(c.promoters) - num(c.detractors),
});
const meanComponents = (c: Components): MeanComponents => ({ n: num(c.n), sum: num(c.s), sumOfSquares: num(c.ss) });

export function estimate(formula: Formula, aggregate: string, c: Components | undefined): Estimate {
  if (formula.kind === 'customer_state') return customerEstimate(formula, c);
  if (formula.kind === 'custom') {
    const tree = formula.compiled.tree;
    if (tree.type === 'aggregate' && (tree.fn === 'share' || tree.fn === 'avg') && c)
      return estimate({ kind: tree.fn === 'share' ? 'proportion' : 'mean', success: '', value: '' }, aggregate, c);
    return c ? { value: c.value as number | null, n: num(c.n), low: null, high: null } : NONE;
  }
  if (formula.kind === 'orders_per_customer')
    return estimate(
      { kind: formula.measure === 'repeat' ? 'proportion' : 'mean', success: '', value: '' },
      aggregate,
      c,
    );
  const n = num(c?.n);
  if (!c || n === 0) return NONE;
  switch (formula.kind) {
    case 'count':
    case 'open_at_end':
      // n is the population; k what is counted in it (every row when the metric counts all).
      return { value: c.k === undefined ? n : num(c.k), n, low: null, high: null };
    case 'sum':
    case 'prorated_sum':
    case 'prorated_mrr':
    case 'sum_of_metrics':
      return { value: num(c.s), n, low: null, high: null };
    case 'ratio_of_metrics':
    case 'clv':
      // No value on either side (no costs recorded, nobody churned) is no value, not 0.
      if (c.s === null || c.s === undefined || c.den === null || c.den === undefined || num(c.den) === 0)
        return NONE_N(n);
      return { value: num(c.s) / num(c.den), n, low: null, high: null };
    case 'proportion': {
      const interval = wilsonInterval(num(c.k), n);
      return { value: num(c.k) / n, n, low: interval?.low ?? null, high: interval?.high ?? null };
    }
    case 'nps': {
      const counts = npsCounts(c);
      const interval = npsInterval(counts);
      return { value: npsScore(counts), n, low: interval?.low ?? null, high: interval?.high ?? null };
    }
    case 'mean':
    case 'distribution': {
      if (formula.kind === 'distribution' && aggregate !== 'mean')
        return { value: num(c.pct), n, low: null, high: null };
      const interval = meanInterval(meanComponents(c));
      return { value: num(c.s) / n, n, low: interval?.low ?? null, high: interval?.high ?? null };
    }
  }
}

/**
 * Start population and churned customers; with `withNew`, also the customers who joined after
 * the start instant (a customer starting exactly at it is already in the start population).
 */
function churnCounts(formula: Extract<Formula, { kind: 'customer_state' }>, c: Components) {
  return formula.withNew
    ? { start: num(c.n_start) + num(c.joined), churned: num(c.churned) + num(c.joined_churned) }
    : { start: num(c.n_start), churned: num(c.churned) };
}

function customerEstimate(formula: Extract<Formula, { kind: 'customer_state' }>, c: Components | undefined): Estimate {
  if (!c) return NONE;
  const { measure } = formula;
  const { start, churned } = churnCounts(formula, c);
  switch (measure) {
    case 'active_end':
      return { value: num(c.n_end), n: num(c.n_end), low: null, high: null };
    case 'average_active':
      // n: the customers active at the start or the end (those at the end, and those who left),
      // so a group whose customers all left still has its average (and its ARPU).
      return {
        value: (num(c.n_start) + num(c.n_end)) / 2,
        n: num(c.n_end) + num(c.churned),
        low: null,
        high: null,
      };
    case 'new':
      return { value: num(c.new), n: num(c.new), low: null, high: null };
    case 'churned':
      // The population is the customers active at the start (and, with withNew, those joining).
      if (start === 0) return NONE;
      return { value: churned, n: start, low: null, high: null };
    case 'mrr':
      return { value: num(c.mrr_end), n: num(c.n_end), low: null, high: null };
    case 'net_revenue_retention':
    case 'gross_revenue_retention': {
      const n = num(c.n_mrr_start);
      if (n === 0 || num(c.mrr_start) === 0) return { ...NONE, n };
      const kept = measure === 'net_revenue_retention' ? num(c.mrr_kept) : num(c.mrr_kept_capped);
      return { value: kept / num(c.mrr_start), n, low: null, high: null };
    }
    default: {
      if (start === 0) return NONE;
      const kept = measure === 'retention_rate' ? start - churned : churned;
      const interval = wilsonInterval(kept, start);
      return { value: kept / start, n: start, low: interval?.low ?? null, high: interval?.high ?? null };
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
  if (!a || !b) return null;
  if (formula.kind === 'custom') {
    const tree = formula.compiled.tree;
    if (tree.type !== 'aggregate' || (tree.fn !== 'share' && tree.fn !== 'avg')) return null;
    return compareComponents(
      { kind: tree.fn === 'share' ? 'proportion' : 'mean', success: '', value: '' },
      aggregate,
      a,
      b,
    );
  }
  if (formula.kind === 'orders_per_customer') {
    const as = formula.measure === 'repeat' ? 'proportion' : 'mean';
    return compareComponents({ kind: as, success: '', value: '' }, aggregate, a, b);
  }
  switch (formula.kind) {
    case 'proportion':
      return twoProportionTest(num(a.k), num(a.n), num(b.k), num(b.n))?.significant ?? null;
    case 'nps':
      return compareNps(npsCounts(a), npsCounts(b))?.significant ?? null;
    case 'mean':
    case 'distribution':
      if (formula.kind === 'distribution' && aggregate !== 'mean') return null;
      return welchTest(meanComponents(a), meanComponents(b))?.significant ?? null;
    case 'customer_state': {
      if (!['churn_rate', 'retention_rate'].includes(formula.measure)) return null;
      const x = churnCounts(formula, a);
      const y = churnCounts(formula, b);
      return twoProportionTest(x.churned, x.start, y.churned, y.start)?.significant ?? null;
    }
    default:
      return null;
  }
}
