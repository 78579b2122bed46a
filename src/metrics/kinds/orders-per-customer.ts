import { sql } from 'kysely';
import type { Formula } from '../catalog/types.ts';
import { compareAs, meanEstimate, proportionEstimate } from './estimators.ts';
import type { FormulaKind } from './types.ts';

type F = Extract<Formula, { kind: 'orders_per_customer' }>;

/**
 * Completed orders counted per ordering customer and period, then customers per period and
 * group: the share with two or more (`repeat`, Wilson interval) or the mean number per customer
 * (`frequency`, t interval).
 */
export const ordersPerCustomer: FormulaKind<F> = {
  describe: () => 'completed orders counted per ordering customer in the period',
  components: async (ctx) => {
    const { query, time, item } = ctx;
    const outerGroups = query.by.flatMap((_, i) => [
      sql`t.${sql.ref(`g${i}`)}`,
      sql`min(t.${sql.ref(`g${i}_name`)}) as ${sql.ref(`g${i}_name`)}`,
    ]);
    const innerGroupBy = [sql`1`, sql`e.customer_id`, ...query.by.map((_, i) => sql.ref(`g${i}`))];
    const result = await sql<Record<string, unknown>>`
      select t.period, ${outerGroups.length ? sql`${sql.join(outerGroups)},` : sql``}
        count(*) as n, count(*) filter (where t.orders >= 2) as k,
        sum(t.orders)::float8 as s, sum(t.orders::float8 * t.orders) as ss
      from (
        select ${ctx.period} as period, ${ctx.groups} count(*) as orders
        from ${sql.raw(ctx.table)} e ${ctx.joins}
        where e.org_id = ${ctx.org.id}::uuid
          and ${time} >= ${ctx.instant(ctx.from)}::timestamptz and ${time} < ${ctx.instant(ctx.to)}::timestamptz
          and (${sql.raw(item.where)}) ${ctx.filters}
        group by ${sql.join(innerGroupBy)}
      ) t
      group by ${sql.join([sql`1`, ...query.by.map((_, i) => sql`t.${sql.ref(`g${i}`)}`)])}`.execute(ctx.db.kysely);
    return ctx.keyed(result.rows);
  },
  estimate: (f, _a, c) => (f.measure === 'repeat' ? proportionEstimate(c) : meanEstimate(c)),
  test: (f) => (f.measure === 'repeat' ? 'proportion' : 'mean'),
  compare: (f, _a, a, b) => compareAs(f.measure === 'repeat' ? 'proportion' : 'mean', a, b),
  rows: () => [],
  rollup: { form: 'raw' },
};
