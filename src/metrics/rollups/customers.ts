import { createHash } from 'node:crypto';
import { CompiledQuery, sql, type Kysely, type RawBuilder } from 'kysely';
import { addPeriods, listPeriods } from '../../calendar/periods.ts';
import { localToUtcMs } from '../../calendar/zoned-time.ts';
import type { Db } from '../../db/connect.ts';
import type { Database } from '../../db/schema.ts';
import type { Organization } from '../../orgs/index.ts';
import { findDimension } from '../dimensions.ts';
import type { PreparedMetric } from '../query-metrics.ts';
import type { Components } from '../statistics.ts';
import type { RollupQuery } from './index.ts';

/**
 * Customer-state rollups (docs/scaling.md): per organization, customer and local month, whether
 * the customer is active at the month's start instant and the MRR of the spans active then, for
 * the months an activity span touches (closed at the next month's start, as the raw query's join
 * is); and per customer the start of their first span. Periods of month, quarter, year and all
 * grains on month starts begin and end on month starts, so these rows give each customer's
 * state at both instants and whether a span touches the period: exactly what the raw
 * `customer_state` query computes from the spans. Spans are the default activity options (the
 * basis 'auto' resolved for the organization, a window of 365 days); open subscriptions are
 * active up to a horizon (HORIZON_MONTHS after the build month). Customer fields are read from
 * the customer record at query time, as raw rows are, so moving a customer to another segment
 * needs no recomputation. Writers mark the customers of the subscriptions and orders they
 * change (before and after), and the transaction's end computes those customers again.
 */
const ENTITY = 'customers';
const WINDOW_DAYS = 365;
const HORIZON_MONTHS = 36;
/** Rebuilt when the horizon is nearer than this (the job finds it). */
const HORIZON_SLACK_MONTHS = 12;
const SOURCES = new Set(['subscriptions', 'orders']);
const TABLES = { subscriptions: 'subscription', orders: 'customer_order' } as const;
/** Customer dimensions kept: the customer and the fields of its record. */
const KEPT = new Set([
  'customer',
  'customer.segment',
  'customer.plan',
  'customer.country',
  'customer.language',
  'customer.acquisition_channel',
]);

/** Changes whenever what the rows hold would (stored in rollup_state.version). */
export function customerRollupVersion(): number {
  return createHash('sha256')
    .update(JSON.stringify(['customer-month-state', 1, WINDOW_DAYS, HORIZON_MONTHS, [...KEPT]]))
    .digest()
    .readInt32BE(0);
}

/** The activity basis 'auto' resolves to for the organization now (as query-metrics.ts's activityBasis). */
async function currentBasis(db: Kysely<Database>, orgId: string): Promise<'subscriptions' | 'orders'> {
  const any = await db.selectFrom('subscription').select('id').where('org_id', '=', orgId).limit(1).executeTakeFirst();
  return any ? 'subscriptions' : 'orders';
}

function spansSql(orgId: string, basis: string, customers: RawBuilder<unknown> | null): RawBuilder<unknown> {
  const only = (alias: string) => (customers ? sql`and ${sql.ref(`${alias}.customer_id`)} in (${customers})` : sql``);
  return basis === 'subscriptions'
    ? sql`select s.customer_id, s.started_at as start_at, coalesce(s.ended_at, 'infinity') as end_at,
        s.mrr_reporting::float8 as mrr
      from subscription s where s.org_id = ${orgId}::uuid ${only('s')}`
    : sql`select o.customer_id, o.ordered_at as start_at, o.ordered_at + make_interval(days => ${WINDOW_DAYS}) as end_at,
        0::float8 as mrr
      from customer_order o where o.org_id = ${orgId}::uuid and o.status = 'completed' ${only('o')}`;
}

/** Writes the rows of all customers (null) or of those the dirty table names. */
async function buildCustomers(db: Kysely<Database>, org: Organization, dirty: boolean): Promise<number> {
  const basis = await currentBasis(db, org.id);
  const zone = org.timezone;
  const customers = dirty ? sql`select customer_id from customer_rollup_dirty` : null;
  const only = customers ? sql`and customer_id in (${customers})` : sql``;
  await sql`delete from customer_month_state where org_id = ${org.id}::uuid ${only}`.execute(db);
  await sql`delete from customer_rollup_first where org_id = ${org.id}::uuid ${only}`.execute(db);
  let horizon: string;
  if (dirty) {
    const extent = await sql<{ horizon: string }>`
      select horizon::text as horizon from customer_rollup_extent where org_id = ${org.id}::uuid`.execute(db);
    horizon = extent.rows[0]!.horizon;
  } else {
    const now = await sql<{ horizon: string }>`
      select (date_trunc('month', now() at time zone ${zone}) + make_interval(months => ${HORIZON_MONTHS}))::date::text
        as horizon`.execute(db);
    horizon = now.rows[0]!.horizon;
  }
  const spans = spansSql(org.id, basis, customers);
  const firsts = await sql`insert into customer_rollup_first (org_id, customer_id, first_start)
    select ${org.id}::uuid, customer_id, min(start_at) from (${spans}) sp group by customer_id`.execute(db);
  // A span [a, b) touches month m when a <= start(m + 1) and b > start(m); start(x) local midnight.
  const start = (month: RawBuilder<unknown>) => sql`(${month}::timestamp at time zone ${zone})`;
  const months = await sql`insert into customer_month_state (org_id, customer_id, month, active, mrr)
    select ${org.id}::uuid, sp.customer_id, m.month,
      bool_or(sp.start_at <= ${start(sql`m.month`)} and sp.end_at > ${start(sql`m.month`)}),
      coalesce(sum(sp.mrr) filter (where sp.start_at <= ${start(sql`m.month`)} and sp.end_at > ${start(sql`m.month`)}), 0)
    from (${spans}) sp
    cross join lateral (
      select g::date as month from generate_series(
        date_trunc('month', sp.start_at at time zone ${zone}) - interval '1 month',
        least(case when sp.end_at = 'infinity' then ${horizon}::timestamp
          else date_trunc('month', sp.end_at at time zone ${zone}) end, ${horizon}::timestamp),
        interval '1 month') g
    ) m
    where sp.start_at <= ${start(sql`(m.month + interval '1 month')`)} and sp.end_at > ${start(sql`m.month`)}
    group by sp.customer_id, m.month`.execute(db);
  await sql`insert into customer_rollup_extent (org_id, basis, horizon) values (${org.id}::uuid, ${basis}, ${horizon}::date)
    on conflict (org_id) do update set basis = excluded.basis, horizon = excluded.horizon`.execute(db);
  await sql`
    insert into rollup_state (org_id, entity, timezone, version, status, built_at)
    values (${org.id}::uuid, ${ENTITY}, ${org.timezone}, ${customerRollupVersion()}, 'ready', now())
    on conflict (org_id, entity) do update set timezone = excluded.timezone, version = excluded.version,
      status = 'ready', built_at = now()`.execute(db);
  return Number(firsts.numAffectedRows ?? 0) + Number(months.numAffectedRows ?? 0);
}

async function ensureDirtyTable(db: Kysely<Database>) {
  await db.executeQuery(
    CompiledQuery.raw('create temporary table if not exists customer_rollup_dirty (customer_id text) on commit drop'),
  );
}

/** Marks the customers of subscriptions or orders about to change or just changed (before and after the write). */
export async function markCustomerRows(
  db: Kysely<Database>,
  org: Organization,
  entity: string,
  ids: unknown[],
): Promise<void> {
  if (!SOURCES.has(entity) || !ids.length) return;
  await ensureDirtyTable(db);
  const table = TABLES[entity as keyof typeof TABLES];
  await sql`insert into customer_rollup_dirty (customer_id)
    select distinct customer_id from ${sql.table(table)}
    where org_id = ${org.id}::uuid and id = any(${ids.map(String)}::text[])`.execute(db);
}

interface State {
  timezone: string;
  version: number;
  status: string;
  basis: string | null;
  horizon: string | null;
}

async function readState(db: Kysely<Database>, orgId: string): Promise<State | undefined> {
  const result = await sql<State>`
    select s.timezone, s.version, s.status, x.basis, x.horizon::text as horizon
    from rollup_state s left join customer_rollup_extent x on x.org_id = s.org_id
    where s.org_id = ${orgId}::uuid and s.entity = ${ENTITY}`.execute(db);
  return result.rows[0];
}

function minimumHorizon(tz: string): string {
  const now = new Date();
  const local = new Date(now.getTime()).toLocaleString('sv-SE', { timeZone: tz }).slice(0, 7);
  return addPeriods(`${local}-01`, 'month', HORIZON_MONTHS - HORIZON_SLACK_MONTHS);
}

function fresh(state: State | undefined, org: Organization, basis: string): boolean {
  return (
    !!state &&
    state.status === 'ready' &&
    state.timezone === org.timezone &&
    state.version === customerRollupVersion() &&
    state.basis === basis &&
    !!state.horizon &&
    state.horizon >= minimumHorizon(org.timezone)
  );
}

/**
 * At the end of a writer's transaction: the marked customers again, or everything when the rows
 * are missing, stale, of another zone, version or activity basis (a first subscription turns
 * 'auto' from orders to subscriptions), or near their horizon. Serialized per organization.
 */
export async function refreshCustomerRollups(db: Kysely<Database>, org: Organization, imported: string): Promise<void> {
  await ensureDirtyTable(db);
  const dirty = await sql<{ n: number }>`select count(*)::int as n from customer_rollup_dirty`.execute(db);
  if (!SOURCES.has(imported) && !dirty.rows[0]!.n) return;
  await sql`select pg_advisory_xact_lock(hashtext(${`cxkpi-rollup:${org.id}:${ENTITY}`}))`.execute(db);
  const state = await readState(db, org.id);
  if (!fresh(state, org, await currentBasis(db, org.id))) await buildCustomers(db, org, false);
  else if (dirty.rows[0]!.n) await buildCustomers(db, org, true);
  await sql`delete from customer_rollup_dirty`.execute(db);
}

/** Rebuilds all customer rows of an organization (in the caller's transaction). */
export async function rebuildCustomerRollups(db: Kysely<Database>, org: Organization): Promise<number> {
  await sql`select pg_advisory_xact_lock(hashtext(${`cxkpi-rollup:${org.id}:${ENTITY}`}))`.execute(db);
  return buildCustomers(db, org, false);
}

/** SQL of the organizations whose customer rows are missing (with subscriptions or orders), stale or outdated. */
export function outdatedCustomerOrgsSql(): RawBuilder<{ id: string }> {
  return sql<{ id: string }>`select o.id from organization o
    left join rollup_state s on s.org_id = o.id and s.entity = ${ENTITY}
    left join customer_rollup_extent x on x.org_id = o.id
    where case when s.org_id is null
      then exists (select 1 from subscription y where y.org_id = o.id)
        or exists (select 1 from customer_order y where y.org_id = o.id)
      else s.status <> 'ready' or s.version <> ${customerRollupVersion()} or s.timezone <> o.timezone
        or x.org_id is null
        or x.basis <> case when exists (select 1 from subscription y where y.org_id = o.id)
          then 'subscriptions' else 'orders' end
        or x.horizon < (date_trunc('month', now() at time zone o.timezone)
          + make_interval(months => ${HORIZON_MONTHS - HORIZON_SLACK_MONTHS}))::date end`;
}

/** Why customer rollups cannot answer, or null when they can (before looking at the stored state). */
export function customerRollupRefusal(
  item: PreparedMetric,
  query: RollupQuery,
  tz: string,
  org: Organization,
): string | null {
  if (query.exact) return 'exact was asked';
  if (item.formula.kind !== 'customer_state') return 'the metric has no rollup';
  if (
    String(item.options.activity ?? 'auto') !== 'auto' ||
    Number(item.options.activity_window_days ?? WINDOW_DAYS) !== WINDOW_DAYS
  )
    return 'options change what is counted';
  if (query.business_hours) return 'business hours change what is counted';
  if (tz !== org.timezone) return "the time zone is not the organization's";
  if (query.scope) return 'a scoped caller is answered from raw rows';
  if (query.grain === 'day' || query.grain === 'week') return `rollups are kept by month, not ${query.grain}`;
  for (const id of [...query.by, ...Object.keys(query.where)]) {
    const dimension = findDimension('customers', id);
    if (!dimension || dimension.attribute || !KEPT.has(dimension.id)) return `rollups are not kept by ${id}`;
  }
  return null;
}

function instant(date: string, tz: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(localToUtcMs(tz, y, m, d)).toISOString();
}

/**
 * The components of a customer_state metric per period and group from the month rows, or null
 * when they do not cover the query (see customerRollupRefusal; ranges not on month starts, rows
 * not ready or of another basis, periods past the horizon).
 */
export async function customerRollupComponents(
  db: Db,
  org: Organization,
  item: PreparedMetric,
  query: RollupQuery,
  tz: string,
  range: { from: string; to: string },
): Promise<Map<string, Components> | null> {
  if (customerRollupRefusal(item, query, tz, org)) return null;
  const { from, to } = range;
  if (!from.endsWith('-01') || !to.endsWith('-01')) return null;
  const state = await readState(db.kysely, org.id);
  if (
    !state ||
    state.status !== 'ready' ||
    state.timezone !== org.timezone ||
    state.version !== customerRollupVersion()
  )
    return null;
  if (state.basis !== (await currentBasis(db.kysely, org.id)) || !state.horizon || to > state.horizon) return null;
  const bounds =
    query.grain === 'all'
      ? [{ period: null as string | null, start: from, end: to }]
      : listPeriods(from, to, query.grain as 'month' | 'quarter' | 'year').map((p) => {
          const next = addPeriods(p, query.grain as 'month' | 'quarter' | 'year', 1);
          return { period: p as string | null, start: p > from ? p : from, end: next < to ? next : to };
        });
  const periods = bounds.map((p) => ({
    period: p.period,
    s: p.start,
    e: p.end,
    start_at: instant(p.start, tz),
    end_at: instant(p.end, tz),
  }));
  const groupSelects: RawBuilder<unknown>[] = [];
  for (const [i, id] of query.by.entries()) {
    const dimension = findDimension('customers', id)!;
    groupSelects.push(sql`${sql.raw(dimension.sql)} as ${sql.ref(`g${i}`)}`);
    groupSelects.push(
      sql`${dimension.name ? sql.raw(`min(${dimension.name})`) : sql`null`} as ${sql.ref(`g${i}_name`)}`,
    );
  }
  const filters: RawBuilder<unknown>[] = [];
  for (const [id, raw] of Object.entries(query.where)) {
    const dimension = findDimension('customers', id)!;
    const values = (Array.isArray(raw) ? raw : raw.split(',')).map((v) => v.trim());
    if (values.some((v) => v.includes('\0'))) return null; // the raw path gives the error
    filters.push(sql`${sql.raw(dimension.sql)} in (${sql.join(values)})`);
  }
  const groupSql = groupSelects.length ? sql`${sql.join(groupSelects)},` : sql``;
  const filterSql = filters.length ? sql`and ${sql.join(filters, sql` and `)}` : sql``;
  const groupBy = sql.join([sql`1`, ...query.by.map((_, i) => sql.ref(`g${i}`))]);
  // The state table of the raw query, from the month rows: a span touches the period when it
  // touches one of its months (month rows are closed at the next month's start).
  const result = await sql<Record<string, unknown>>`
    with state as (
      select p.period, p.start_at, p.end_at, m.customer_id,
        bool_or(m.month = p.s and m.active) as active_start, bool_or(m.month = p.e and m.active) as active_end,
        coalesce(sum(m.mrr) filter (where m.month = p.s and m.active), 0) as mrr_start,
        coalesce(sum(m.mrr) filter (where m.month = p.e and m.active), 0) as mrr_end
      from json_to_recordset(${JSON.stringify(periods)}::json)
        as p(period text, s date, e date, start_at timestamptz, end_at timestamptz)
      join customer_month_state m on m.org_id = ${org.id}::uuid and m.month >= p.s and m.month <= p.e
      group by p.period, p.start_at, p.end_at, m.customer_id
      having bool_or(m.month < p.e)
    )
    select p.period, ${groupSql}
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
    join customer_rollup_first c on c.org_id = ${org.id}::uuid and c.customer_id = p.customer_id
    left join customer e on e.org_id = c.org_id and e.id = c.customer_id
    where true ${filterSql}
    group by ${groupBy}`.execute(db.kysely);
  const map = new Map<string, Components>();
  for (const row of result.rows) {
    const group: Record<string, string | null> = {};
    const ids: Array<string | null> = [];
    for (const [i, id] of query.by.entries()) {
      const value = row[`g${i}`] as string | null;
      ids.push(value);
      group[id] = value;
      if (row[`g${i}_name`] !== null && row[`g${i}_name`] !== undefined)
        group[`${id}_name`] = row[`g${i}_name`] as string;
    }
    map.set(JSON.stringify([row.period ?? null, ...ids]), { ...(row as Components), group });
  }
  return map;
}
