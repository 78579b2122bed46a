import { addPeriods, periodStart, type Grain } from '../../calendar/periods.ts';
import { badRequest } from '../../errors.ts';
import type { Formula } from '../catalog/types.ts';
import { estimate } from '../statistics.ts';
import { noValue, num, NONE, plain, type Components, type Estimate } from './estimators.ts';
import { totalEstimate } from './prorated.ts';
import type { FormulaKind } from './types.ts';

/** s over den, both values of other metrics; no value on either side (no costs, nobody churned) is no value, not 0. */
function ratioEstimate(c: Components | undefined): Estimate {
  const n = num(c?.n);
  if (!c || n === 0) return { ...NONE };
  if (c.s === null || c.s === undefined || c.den === null || c.den === undefined || num(c.den) === 0) return noValue(n);
  return plain(num(c.s) / num(c.den), n);
}

/** The sum of other metrics' values per period and group (revenue); a part without a value adds nothing. */
export const sumOfMetrics: FormulaKind<Extract<Formula, { kind: 'sum_of_metrics' }>> = {
  describe: () => 'the sum of other metrics in the same period and group',
  parts: (f) => f.parts,
  components: async (ctx) => {
    const parts = await Promise.all(ctx.item.formula.parts.map((id) => ctx.part(id)));
    const map = new Map<string, Components>();
    for (const key of new Set(parts.flatMap((p) => [...p.map.keys()]))) {
      let sum = 0;
      let n = 0;
      let group: Record<string, string | null> = {};
      for (const part of parts) {
        const c = part.map.get(key);
        if (c) group = c.group;
        const value = estimate(part.item.formula, part.item.aggregate, c);
        sum += value.value ?? 0;
        n += value.n;
      }
      map.set(key, { n, s: sum, group });
    }
    return map;
  },
  estimate: (_f, _a, c) => totalEstimate(c),
  test: () => null,
  rollup: { form: 'combined' },
};

/**
 * One metric divided by another for the same periods and groups: s = the numerator's value, den =
 * the denominator's (either may be null: no value), n = the denominator's n.
 */
export const ratioOfMetrics: FormulaKind<Extract<Formula, { kind: 'ratio_of_metrics' }>> = {
  describe: () => 'one metric divided by another in the same period and group',
  parts: (f) => [f.numerator, f.denominator],
  components: async (ctx) => {
    const { numerator, denominator } = ctx.item.formula;
    const [top, bottom] = await Promise.all([ctx.part(numerator), ctx.part(denominator)]);
    const map = new Map<string, Components>();
    for (const key of new Set([...top.map.keys(), ...bottom.map.keys()])) {
      const x = top.map.get(key);
      const y = bottom.map.get(key);
      const below = estimate(bottom.item.formula, bottom.item.aggregate, y);
      map.set(key, {
        n: below.n,
        s: estimate(top.item.formula, top.item.aggregate, x).value,
        den: below.value,
        group: (x ?? y)!.group,
      });
    }
    return map;
  },
  estimate: (_f, _a, c) => ratioEstimate(c),
  test: () => null,
  rollup: { form: 'combined' },
};

/**
 * CLV per period and group: ARPU x margin over the churn rate pooled across the period and the
 * five before it (churned and start populations summed), or over the range for grain all.
 */
export const clv: FormulaKind<Extract<Formula, { kind: 'clv' }>> = {
  describe: () => 'arpu x gross margin / customer churn rate pooled over the trailing six periods',
  parts: () => ['arpu', 'customer_churn_rate'],
  components: async (ctx) => {
    const { grain } = ctx.query;
    const margin = Number(ctx.item.options.gross_margin ?? 1);
    if (!(margin > 0 && margin <= 1)) throw badRequest('invalid-option', 'clv: gross_margin is above 0 and at most 1.');
    const churnFrom = grain === 'all' ? ctx.from : addPeriods(periodStart(ctx.from, grain), grain, -5);
    const [arpu, churn] = await Promise.all([
      ctx.part('arpu'),
      ctx.part('customer_churn_rate', { from: churnFrom, to: ctx.to }),
    ]);
    const map = new Map<string, Components>();
    for (const [key, a] of arpu.map) {
      const [period = null, ...ids] = JSON.parse(key) as Array<string | null>;
      let churned = 0;
      let start = 0;
      for (let back = 0; back < (grain === 'all' ? 1 : 6); back++) {
        const p = period === null ? null : addPeriods(period, grain as Exclude<Grain, 'all'>, -back);
        const c = churn.map.get(JSON.stringify([p, ...ids]));
        churned += num(c?.churned);
        start += num(c?.n_start);
      }
      const value = estimate(arpu.item.formula, arpu.item.aggregate, a).value;
      map.set(key, {
        n: start,
        s: value === null ? null : value * margin,
        den: start === 0 ? null : churned / start,
        group: a.group,
      });
    }
    return map;
  },
  estimate: (_f, _a, c) => ratioEstimate(c),
  test: () => null,
  rollup: { form: 'combined' },
};
