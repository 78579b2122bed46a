import type { Formula } from '../catalog/types.ts';
import { compareAs, meanEstimate, num, NONE, plain } from './estimators.ts';
import { scanComponents } from './scan.ts';
import type { FormulaKind } from './types.ts';

type F = Extract<Formula, { kind: 'distribution' }>;

/**
 * A percentile (type 7, PostgreSQL percentile_cont) of `value`, the median by default; the
 * `aggregate` option asks for the mean (t interval, Welch test) or p90 instead. Rollups keep the
 * exact count of each distinct value, so percentiles from them equal percentile_cont.
 */
export const distribution: FormulaKind<F> = {
  describe: () => 'median (type-7 percentile) of the durations; options: mean, p90',
  components: (ctx) => {
    const lateral = `cross join lateral (select (${ctx.item.formula.value})::float8 as x) v`;
    if (ctx.item.aggregate === 'mean')
      return scanComponents(ctx, 'count(v.x) as n, sum(v.x) as s, sum(v.x * v.x) as ss', lateral);
    const p = ctx.item.aggregate === 'p90' ? 0.9 : 0.5;
    return scanComponents(ctx, `count(v.x) as n, percentile_cont(${p}) within group (order by v.x) as pct`, lateral);
  },
  estimate: (_f, aggregate, c) => {
    if (!c || num(c.n) === 0) return { ...NONE };
    return aggregate === 'mean' ? meanEstimate(c) : plain(num(c.pct), num(c.n));
  },
  test: (_f, aggregate) => (aggregate === 'mean' ? 'mean' : 'rank'),
  compare: (_f, aggregate, a, b) => (aggregate === 'mean' ? compareAs('mean', a, b) : null),
  rows: (f) => [['measured_value', `(${f.value})::float8`]],
  rollup: { form: 'histogram' },
};
