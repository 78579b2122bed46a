import { sql, type RawBuilder } from 'kysely';
import { z } from 'zod';
import { isDate } from '../calendar/periods.ts';
import type { Db } from '../db/connect.ts';
import { badRequest } from '../errors.ts';
import type { Organization } from '../orgs/index.ts';
import type { Cohort, CohortCell, CohortGroup, CohortResult } from '../contract/api.ts';
// The answer's shape is the HTTP contract's (src/contract/api.ts), which the dashboard imports too.
export type { Cohort, CohortCell, CohortResult } from '../contract/api.ts';
import { wilsonInterval } from '../stats/index.ts';

/**
 * Retention matrices: customers grouped by the month they started (first subscription start,
 * or first completed order for order businesses) x months since, in the organization's time zone.
 *
 * Subscriptions: a customer is retained at month k when a subscription of theirs is active at
 * the end of month c + k (started_at <= t < ended_at); revenue retention is the MRR active then
 * over the MRR of the subscriptions that started in month c. Orders: retained at month k means
 * a completed order in month c + k (so month 0 is 100 %); revenue retention is the month's
 * completed revenue over month 0's. Each cell has its n (the cohort), the count retained and the
 * value; cells after the range's end are left out, and those of a month not over yet are partial.
 */
const ZDate = z.string().refine(isDate, 'must be a date such as 2026-01-01');
export const COHORT_GROUPS = [
  'channel',
  'plan',
  'segment',
  'first_ticket_csat_group',
] as const satisfies readonly CohortGroup[];
export const ZCohortQuery = z
  .object({
    metric: z.enum(['customer_retention', 'revenue_retention']),
    from: ZDate,
    to: ZDate,
    grain: z.enum(['month']).default('month'),
    by: z.enum(COHORT_GROUPS).optional(),
    /** What "active" means; `auto`: subscriptions when the organization has any, else orders. */
    basis: z.enum(['auto', 'subscriptions', 'orders']).default('auto'),
  })
  .refine((q) => q.from < q.to, { message: 'from must be before to (the range is [from, to))', path: ['to'] });
export type CohortQuery = z.input<typeof ZCohortQuery>;

const GROUP_SQL: Record<(typeof COHORT_GROUPS)[number], string> = {
  channel: 'cu.acquisition_channel',
  plan: 'cu.plan',
  segment: 'cu.segment',
  // The latest CSAT answer to the customer's first ticket: satisfied (4-5), not satisfied (1-3).
  first_ticket_csat_group: `coalesce((
      select case when r.score >= 4 then 'satisfied' else 'not_satisfied' end
      from survey_response r
      where r.org_id = cu.org_id and r.kind = 'csat' and r.ticket_id = (
        select t.id from ticket t where t.org_id = cu.org_id and t.customer_id = cu.id
        order by t.created_at, t.id limit 1)
      order by r.submitted_at desc limit 1),
    case when exists (select 1 from ticket t where t.org_id = cu.org_id and t.customer_id = cu.id)
      then 'no_answer' else 'no_ticket' end)`,
};

const monthOf = (date: string) => `${date.slice(0, 7)}-01`;
function addMonths(month: string, k: number): string {
  const d = new Date(`${month}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + k);
  return d.toISOString().slice(0, 10);
}
function monthsBetween(a: string, b: string): number {
  return (Number(b.slice(0, 4)) - Number(a.slice(0, 4))) * 12 + Number(b.slice(5, 7)) - Number(a.slice(5, 7));
}

export async function computeCohorts(
  db: Db,
  org: Organization,
  input: CohortQuery,
  now = new Date(),
): Promise<CohortResult> {
  const parsed = ZCohortQuery.safeParse(input);
  if (!parsed.success)
    throw badRequest(
      'invalid-query',
      parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '),
    );
  const q = parsed.data;
  const tz = org.timezone;
  let basis = q.basis;
  if (basis === 'auto') {
    const any = await sql`select 1 from subscription where org_id = ${org.id}::uuid limit 1`.execute(db.kysely);
    basis = any.rows.length ? 'subscriptions' : 'orders';
  }
  // The whole months of [from, to): a month cut by either end is left out, so no cell counts
  // days outside the range.
  const firstMonth = q.from.slice(8) === '01' ? monthOf(q.from) : addMonths(monthOf(q.from), 1);
  const lastMonth = addMonths(monthOf(q.to), -1);
  if (lastMonth < firstMonth) throw badRequest('invalid-query', 'The range holds no whole month.');
  const group: RawBuilder<unknown> = q.by ? sql.raw(GROUP_SQL[q.by]) : sql`null::text`;
  const local = (column: string) =>
    sql.raw(`(date_trunc('month', ${column} at time zone '${tz.replace(/'/g, "''")}'))::date`);
  const rows =
    basis === 'orders'
      ? await sql<{ cohort: string; grp: string | null; month: string; customers: number; revenue: number }>`
        with active as (
          select o.customer_id, ${local('o.ordered_at')} as month, sum(coalesce(o.amount_reporting, o.amount)) as revenue
          from customer_order o where o.org_id = ${org.id}::uuid and o.status = 'completed'
          group by 1, 2),
        first as (select customer_id, min(month) as cohort from active group by 1)
        select to_char(f.cohort, 'YYYY-MM-DD') as cohort, ${group} as grp, to_char(a.month, 'YYYY-MM-DD') as month,
          count(*)::int as customers, sum(a.revenue)::float8 as revenue
        from first f join active a on a.customer_id = f.customer_id
        left join customer cu on cu.org_id = ${org.id}::uuid and cu.id = f.customer_id
        where f.cohort >= ${firstMonth}::date and f.cohort <= ${lastMonth}::date and a.month <= ${lastMonth}::date
        group by 1, 2, 3`.execute(db.kysely)
      : await sql<{ cohort: string; grp: string | null; month: string; customers: number; revenue: number }>`
        with first as (
          select s.customer_id, min(${local('s.started_at')}) as cohort from subscription s
          where s.org_id = ${org.id}::uuid group by 1),
        months as (select m::date as month from generate_series(${firstMonth}::date, ${lastMonth}::date, interval '1 month') m),
        cohort_start as (
          select f.customer_id, f.cohort, sum(coalesce(s.mrr_reporting, s.mrr))::float8 as mrr
          from first f join subscription s on s.org_id = ${org.id}::uuid and s.customer_id = f.customer_id
            and ${local('s.started_at')} = f.cohort
          group by 1, 2)
        select to_char(f.cohort, 'YYYY-MM-DD') as cohort, ${group} as grp, to_char(m.month, 'YYYY-MM-DD') as month,
          count(distinct s.customer_id)::int as customers, coalesce(sum(coalesce(s.mrr_reporting, s.mrr)), 0)::float8 as revenue
        from first f
        join months m on m.month >= f.cohort
        left join customer cu on cu.org_id = ${org.id}::uuid and cu.id = f.customer_id
        left join subscription s on s.org_id = ${org.id}::uuid and s.customer_id = f.customer_id
          and s.started_at < ((m.month + interval '1 month')::timestamp at time zone ${tz})
          and (s.ended_at is null or s.ended_at >= ((m.month + interval '1 month')::timestamp at time zone ${tz}))
        where f.cohort >= ${firstMonth}::date and f.cohort <= ${lastMonth}::date
        group by 1, 2, 3
        union all
        select to_char(cs.cohort, 'YYYY-MM-DD'), ${group}, 'start', count(*)::int, sum(cs.mrr)::float8
        from cohort_start cs left join customer cu on cu.org_id = ${org.id}::uuid and cu.id = cs.customer_id
        where cs.cohort >= ${firstMonth}::date and cs.cohort <= ${lastMonth}::date
        group by 1, 2`.execute(db.kysely);

  const cohorts = new Map<string, Cohort & { byMonth: Map<string, { customers: number; revenue: number }> }>();
  const key = (cohort: string, grp: string | null) => `${cohort}|${grp ?? ''}`;
  for (const row of rows.rows) {
    const k = key(row.cohort, row.grp);
    let c = cohorts.get(k);
    if (!c) {
      c = { cohort: row.cohort.slice(0, 7), group: row.grp, size: 0, base_revenue: 0, cells: [], byMonth: new Map() };
      cohorts.set(k, c);
    }
    if (row.month === 'start') {
      c.size = Number(row.customers);
      c.base_revenue = Number(row.revenue);
    } else c.byMonth.set(row.month, { customers: Number(row.customers), revenue: Number(row.revenue) });
  }
  const today = now.toISOString().slice(0, 10);
  const result: Cohort[] = [];
  for (const c of [...cohorts.values()].sort((a, b) =>
    (a.cohort + (a.group ?? '')).localeCompare(b.cohort + (b.group ?? '')),
  )) {
    const start = `${c.cohort}-01`;
    if (basis === 'orders') {
      c.size = c.byMonth.get(start)?.customers ?? 0;
      c.base_revenue = c.byMonth.get(start)?.revenue ?? 0;
    }
    const span = monthsBetween(start, lastMonth);
    for (let k = 0; k <= span; k++) {
      const month = addMonths(start, k);
      const cell = c.byMonth.get(month) ?? { customers: 0, revenue: 0 };
      const customerValue = c.size ? cell.customers / c.size : null;
      const interval = q.metric === 'customer_retention' && c.size ? wilsonInterval(cell.customers, c.size) : null;
      c.cells.push({
        months_since: k,
        month: month.slice(0, 7),
        n: c.size,
        retained: cell.customers,
        revenue: cell.revenue,
        value:
          q.metric === 'customer_retention' ? customerValue : c.base_revenue ? cell.revenue / c.base_revenue : null,
        ci_low: interval?.low ?? null,
        ci_high: interval?.high ?? null,
        partial: addMonths(month, 1) > today,
      });
    }
    result.push({ cohort: c.cohort, group: c.group, size: c.size, base_revenue: c.base_revenue, cells: c.cells });
  }
  return {
    meta: {
      metric: q.metric,
      from: q.from,
      to: q.to,
      grain: 'month',
      by: q.by ?? null,
      basis,
      tz,
      currency: org.currency,
      generated_at: now.toISOString(),
    },
    cohorts: result,
  };
}
