import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { badRequest } from '../../errors.ts';
import type { Organization } from '../../orgs/index.ts';
import type { Formula } from '../catalog/types.ts';
import { compareAs, NONE, num, plain, proportionEstimate, type Components, type Estimate } from './estimators.ts';
import type { FormulaKind } from './types.ts';

type F = Extract<Formula, { kind: 'customer_state' }>;

/** Which rows make customers active under the `activity` options (see ACTIVITY_OPTIONS). */
export async function activityBasis(
  db: Kysely<Database>,
  org: Organization,
  options: Record<string, string | number | boolean>,
) {
  let activity = String(options.activity ?? 'auto');
  if (!['auto', 'subscriptions', 'orders', 'either'].includes(activity)) {
    throw badRequest('invalid-option', 'activity is auto, subscriptions, orders or either.');
  }
  const windowDays = Number(options.activity_window_days ?? 365);
  if (!Number.isInteger(windowDays) || windowDays < 1 || windowDays > 3660) {
    throw badRequest('invalid-option', 'activity_window_days is a whole number of days from 1 to 3660.');
  }
  if (activity === 'auto') {
    const any = await db
      .selectFrom('subscription')
      .select('id')
      .where('org_id', '=', org.id)
      .limit(1)
      .executeTakeFirst();
    activity = any ? 'subscriptions' : 'orders';
  }
  return {
    subscriptions: activity !== 'orders',
    orders: activity === 'orders' || activity === 'either',
    windowDays,
  };
}

/**
 * The activity spans [start_at, end_at) of an organization's customers (customer_id, start_at,
 * end_at, mrr, subscription): subscriptions, and for order activity each completed order for the window.
 * `customers` (SQL of customer ids) keeps those customers only. MRR stays numeric, so sums of it
 * are exact and equal however they are added up (the customer rollups add and subtract them).
 */
export function activitySpansSql(
  orgId: string,
  basis: { subscriptions: boolean; orders: boolean; windowDays: number },
  customers?: RawBuilder<unknown>,
): RawBuilder<unknown> {
  const only = (column: string) => (customers ? sql`and ${sql.raw(column)} in (${customers})` : sql``);
  return sql`
        select s.customer_id, s.started_at as start_at, coalesce(s.ended_at, 'infinity') as end_at,
          s.mrr_reporting as mrr, true as subscription
        from subscription s where s.org_id = ${orgId}::uuid and ${basis.subscriptions} ${only('s.customer_id')}
        union all
        select o.customer_id, o.ordered_at, o.ordered_at + make_interval(days => ${basis.windowDays}), 0::numeric, false
        from customer_order o where o.org_id = ${orgId}::uuid and o.status = 'completed' and ${basis.orders}
          ${only('o.customer_id')}`;
}

/**
 * Start population and churned customers; with `withNew`, also the customers who joined after
 * the start instant (a customer starting exactly at it is already in the start population).
 */
function churnCounts(formula: F, c: Components) {
  return formula.withNew
    ? { start: num(c.n_start) + num(c.joined), churned: num(c.churned) + num(c.joined_churned) }
    : { start: num(c.n_start), churned: num(c.churned) };
}

function customerEstimate(formula: F, c: Components | undefined): Estimate {
  if (!c) return { ...NONE };
  const { measure } = formula;
  const { start, churned } = churnCounts(formula, c);
  switch (measure) {
    case 'active_end':
      return plain(num(c.n_end), num(c.n_end));
    case 'average_active':
      // n: the customers active at the start or the end (those at the end, and those who left),
      // so a group whose customers all left still has its average (and its ARPU).
      return plain((num(c.n_start) + num(c.n_end)) / 2, num(c.n_end) + num(c.churned));
    case 'new':
      return plain(num(c.new), num(c.new));
    case 'churned':
      // The population is the customers active at the start (and, with withNew, those joining).
      if (start === 0) return { ...NONE };
      return plain(churned, start);
    case 'mrr':
      return plain(num(c.mrr_end), num(c.n_end));
    case 'net_revenue_retention':
    case 'gross_revenue_retention': {
      const n = num(c.n_mrr_start);
      if (n === 0 || num(c.mrr_start) === 0) return { ...NONE, n };
      const kept = measure === 'net_revenue_retention' ? num(c.mrr_kept) : num(c.mrr_kept_capped);
      return plain(kept / num(c.mrr_start), n);
    }
    default: {
      if (start === 0) return { ...NONE };
      const kept = measure === 'retention_rate' ? start - churned : churned;
      return proportionEstimate({ k: kept, n: start, group: {} });
    }
  }
}

const isRate = (f: F) => f.measure === 'churn_rate' || f.measure === 'retention_rate';

/**
 * Customers by their activity at each period's start and end instant: activity spans
 * [start_at, end_at) from subscriptions and (order businesses) each completed order for the
 * activity window; a customer is active at t when a span contains t, and only spans touching a
 * period matter to it.
 */
export const customerState: FormulaKind<F> = {
  describe: () => 'from the customers active (subscription or recent order) at the period start and end',
  components: async (ctx) => {
    const { db, org, item } = ctx;
    const periods = ctx.bounds.map((p) => ({
      period: p.period,
      start_at: ctx.instant(p.start),
      end_at: ctx.instant(p.end),
    }));
    const basis = await activityBasis(db.kysely, org, item.options);
    const on = (at: string) => `sp.start_at <= ${at} and sp.end_at > ${at}`;
    const result = await sql<Record<string, unknown>>`
      with spans as (${activitySpansSql(org.id, basis)}
      ), firsts as (
        select ${org.id}::uuid as org_id, customer_id, min(start_at) as first_start from spans group by customer_id
      ), state as (
        select p.period, p.start_at, p.end_at, sp.customer_id,
          bool_or(${sql.raw(on('p.start_at'))}) as active_start, bool_or(${sql.raw(on('p.end_at'))}) as active_end,
          coalesce(sum(sp.mrr) filter (where ${sql.raw(on('p.start_at'))}), 0) as mrr_start,
          coalesce(sum(sp.mrr) filter (where ${sql.raw(on('p.end_at'))}), 0) as mrr_end
        from json_to_recordset(${JSON.stringify(periods)}::json) as p(period text, start_at timestamptz, end_at timestamptz)
        join spans sp on sp.start_at <= p.end_at and sp.end_at > p.start_at
        group by p.period, p.start_at, p.end_at, sp.customer_id
      )
      select p.period, ${ctx.groups}
        count(*) filter (where p.active_start) as n_start,
        count(*) filter (where p.active_end) as n_end,
        count(*) filter (where p.active_start and not p.active_end) as churned,
        count(*) filter (where c.first_start >= p.start_at and c.first_start < p.end_at) as new,
        count(*) filter (where c.first_start > p.start_at and c.first_start < p.end_at) as joined,
        count(*) filter (where c.first_start > p.start_at and c.first_start < p.end_at and not p.active_end) as joined_churned,
        sum(p.mrr_end) as mrr_end,
        count(*) filter (where p.mrr_start > 0) as n_mrr_start,
        sum(p.mrr_start) as mrr_start,
        coalesce(sum(p.mrr_end) filter (where p.mrr_start > 0), 0) as mrr_kept,
        coalesce(sum(least(p.mrr_end, p.mrr_start)) filter (where p.mrr_start > 0), 0) as mrr_kept_capped
      from state p
      join firsts c on c.customer_id = p.customer_id
      left join customer e on e.org_id = c.org_id and e.id = c.customer_id
      where true ${ctx.filters}
      group by ${sql.join(ctx.groupBy)}`.execute(db.kysely);
    return ctx.keyed(result.rows);
  },
  estimate: (f, _a, c) => customerEstimate(f, c),
  test: (f) => (isRate(f) ? 'proportion' : null),
  compare: (f, _a, a, b) => {
    if (!isRate(f) || !a || !b) return null;
    const x = churnCounts(f, a);
    const y = churnCounts(f, b);
    return compareAs('proportion', { k: x.churned, n: x.start, group: {} }, { k: y.churned, n: y.start, group: {} });
  },
  rollup: { form: 'customer-state' },
};
