import { sql } from 'kysely';
import { addPeriods, listPeriods } from '../../calendar/periods.ts';
import type { Formula } from '../catalog/types.ts';
import { num, NONE, plain, type Components, type Estimate } from './estimators.ts';
import type { FormulaKind } from './types.ts';

/** A total: the sum s over a population of n (no interval). */
export function totalEstimate(c: Components | undefined): Estimate {
  return !c || num(c.n) === 0 ? { ...NONE } : plain(num(c.s), num(c.n));
}

/**
 * Subscription MRR earned in the period: each period is cut at calendar-month boundaries (local
 * time), and a slice pays MRR x the share of its month the subscription is active in it.
 */
export const proratedMrr: FormulaKind<Extract<Formula, { kind: 'prorated_mrr' }>> = {
  describe: () => 'MRR x the share of each calendar month the subscription is active in the period',
  components: async (ctx) => {
    const slices = ctx.bounds.flatMap((p) =>
      listPeriods(p.start, p.end, 'month').map((m) => {
        const monthEnd = addPeriods(m, 'month', 1);
        const start = ctx.instant(m > p.start ? m : p.start);
        const end = ctx.instant(monthEnd < p.end ? monthEnd : p.end);
        const monthSeconds = (Date.parse(ctx.instant(monthEnd)) - Date.parse(ctx.instant(m))) / 1000;
        return { period: p.period, start_at: start, end_at: end, month_seconds: monthSeconds };
      }),
    );
    const result = await sql<Record<string, unknown>>`
      select p.period, ${ctx.groups} count(distinct c.customer_id) as n,
        sum(s.mrr_reporting::float8 * extract(epoch from least(coalesce(s.ended_at, 'infinity'), p.end_at)
          - greatest(s.started_at, p.start_at)) / p.month_seconds) as s
      from json_to_recordset(${JSON.stringify(slices)}::json)
        as p(period text, start_at timestamptz, end_at timestamptz, month_seconds float8)
      join subscription s on s.org_id = ${ctx.org.id}::uuid and s.started_at < p.end_at
        and (s.ended_at is null or s.ended_at > p.start_at)
      cross join lateral (select s.org_id, s.customer_id) c
      left join customer e on e.org_id = c.org_id and e.id = c.customer_id
      where true ${ctx.filters}
      group by ${sql.join(ctx.groupBy)}`.execute(ctx.db.kysely);
    return ctx.keyed(result.rows);
  },
  estimate: (_f, _a, c) => totalEstimate(c),
  test: () => null,
  // Kept with each customer's period state (rollups/customers.ts).
  rollup: { form: 'customer-state' },
};

/** `amount` of rows covering a date range (`e.period_start`..`e.period_end`), spread evenly over its days. */
export const proratedSum: FormulaKind<Extract<Formula, { kind: 'prorated_sum' }>> = {
  describe: () => 'amounts spread evenly over the days they cover, summed over the days of the period',
  components: async (ctx) => {
    const periods = ctx.bounds.map((p) => ({ period: p.period, start_date: p.start, end_date: p.end }));
    const result = await sql<Record<string, unknown>>`
      select p.period, ${ctx.groups} count(*) as n,
        sum(${sql.raw(ctx.item.formula.amount)} * (least(e.period_end + 1, p.end_date) - greatest(e.period_start, p.start_date))::float8
          / (e.period_end + 1 - e.period_start)) as s
      from json_to_recordset(${JSON.stringify(periods)}::json) as p(period text, start_date date, end_date date)
      join cost e on e.org_id = ${ctx.org.id}::uuid and e.period_start < p.end_date and e.period_end >= p.start_date
      ${ctx.joins}
      where (${sql.raw(ctx.item.where)}) ${ctx.filters}
      group by ${sql.join(ctx.groupBy)}`.execute(ctx.db.kysely);
    return ctx.keyed(result.rows);
  },
  estimate: (_f, _a, c) => totalEstimate(c),
  test: () => null,
  rollup: { form: 'raw' },
};
