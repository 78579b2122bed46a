import { CompiledQuery, sql, type Kysely, type RawBuilder } from 'kysely';
import { addPeriods } from '../../calendar/periods.ts';
import type { Database } from '../../db/schema.ts';
import type { Organization } from '../../orgs/index.ts';
import { CUSTOMER_FIELDS, filterValues, findDimension } from '../dimensions.ts';
import { activityBasis, activitySpansSql } from '../kinds/customer-state.ts';
import type { PreparedMetric } from '../kinds/index.ts';
import type { Components } from '../statistics.ts';
import type { RollupQuery } from './index.ts';

/**
 * Customer rollups (docs/scaling.md): churn, retention, active and new customers, MRR, revenue
 * retention and subscription revenue per calendar month, quarter and year, overall and by one
 * customer field.
 *
 * `customer_state` holds, per customer and period its activity spans touch, what the raw query
 * (kinds/customer-state.ts) derives for it: active at the start and at the end, MRR at both,
 * whether its first activity falls in the period, and its fields. `customer_rollup` holds the
 * sums of those states per period, overall (level 0) and by each field (level 1, 2, 4, 8, 16).
 * A writer of customers, subscriptions or orders marks the customers its rows belong to, before
 * and after the change; at the end of its transaction their stored states are subtracted from the
 * sums, computed again from the raw rows with the same SQL, and added back. MRR is numeric, so the
 * sums are exact and equal a full rebuild.
 *
 * States are kept for periods that start before `covered_to` (the month after the current one,
 * in the organization's time zone); the job extends them when a month begins. They are built on
 * one activity basis (subscriptions, or orders when the organization has no subscriptions, as
 * `activity: auto`); other activity options read raw rows.
 */

/** rollup_state's entity for customer rollups. */
export const CUSTOMER_ENTITY = 'customers';
/** Raise when what a state or sum row means changes: built rollups of another version never answer. */
const VERSION = 1;
/** The customer fields kept (d1..d5 in this order). */
const FIELDS = CUSTOMER_FIELDS;
const GRAINS = ['month', 'quarter', 'year'] as const;
type CustomerGrain = (typeof GRAINS)[number];
/** The entities (as imports name them) whose rows change customer states. */
const WRITERS: Record<string, { table: string; customer: string } | undefined> = {
  customers: { table: 'customer', customer: 'id' },
  subscriptions: { table: 'subscription', customer: 'customer_id' },
  orders: { table: 'customer_order', customer: 'customer_id' },
};

const D = FIELDS.map((_, i) => `d${i + 1}`);

export const isCustomerWriter = (entity: string) => WRITERS[entity] !== undefined;

async function ensureDirtyTable(db: Kysely<Database>) {
  await db.executeQuery(
    CompiledQuery.raw(
      'create temporary table if not exists rollup_dirty_customer (customer_id text collate "C") on commit drop',
    ),
  );
}

/**
 * Marks the customers of rows about to change or just changed (call before and after the write,
 * in the writer's transaction): a subscription moved to another customer changes both.
 */
export async function markCustomerRows(
  db: Kysely<Database>,
  org: Organization,
  entity: string,
  ids: unknown[],
): Promise<void> {
  const writer = WRITERS[entity];
  if (!writer || !ids.length) return;
  await ensureDirtyTable(db);
  await sql`insert into rollup_dirty_customer (customer_id)
    select ${sql.ref(`t.${writer.customer}`)} from ${sql.table(writer.table)} t
    where t.org_id = ${org.id}::uuid and t.id = any(${ids.map(String)}::text[])`.execute(db);
}

/** Whether a writer of this transaction marked customers. */
export async function hasDirtyCustomers(db: Kysely<Database>): Promise<boolean> {
  await ensureDirtyTable(db);
  const any = await sql`select 1 from rollup_dirty_customer limit 1`.execute(db);
  return any.rows.length > 0;
}

interface CustomerState {
  timezone: string;
  version: number;
  status: string;
  basis: string | null;
  covered_to: string | null;
}

async function readState(db: Kysely<Database>, org: Organization): Promise<CustomerState | undefined> {
  const result = await sql<CustomerState>`
    select timezone, version, status, basis, covered_to::text as covered_to from rollup_state
    where org_id = ${org.id}::uuid and entity = ${CUSTOMER_ENTITY}`.execute(db);
  return result.rows[0];
}

/** The activity basis of the default options: subscriptions, or orders without any. */
async function defaultBasis(db: Kysely<Database>, org: Organization) {
  const basis = await activityBasis(db, org, {});
  return { basis, name: basis.subscriptions ? 'subscriptions' : 'orders' };
}

/** The first day of the month after the current one, in the organization's time zone. */
async function coveredTo(db: Kysely<Database>, org: Organization): Promise<string> {
  const result = await sql<{ to: string }>`
    select (date_trunc('month', now() at time zone ${org.timezone}) + interval '1 month')::date::text as to`.execute(
    db,
  );
  return result.rows[0]!.to;
}

/**
 * SELECT of the state rows (customer_state's columns) of the customers `customers` selects (all
 * when undefined), for every month, quarter and year their spans touch that starts before
 * `to`. The same conditions as the raw query: a span touches [start, end] when it starts at or
 * before the end and ends after the start; active at t when it contains t.
 */
function stateRowsSql(
  org: Organization,
  basis: Awaited<ReturnType<typeof defaultBasis>>['basis'],
  to: string,
  customers?: RawBuilder<unknown>,
): RawBuilder<unknown> {
  const tz = sql`${org.timezone}::text`;
  const on = (at: string) => sql.raw(`sp.start_at <= ${at} and sp.end_at > ${at}`);
  return sql`
    with spans as (${activitySpansSql(org.id, basis, customers)}),
    firsts as (select customer_id, min(start_at) as first_start from spans group by customer_id),
    state as (
      select sp.customer_id, g.grain, p.period, p.start_at, p.end_at,
        bool_or(${on('p.start_at')}) as active_start, bool_or(${on('p.end_at')}) as active_end,
        coalesce(sum(sp.mrr) filter (where ${on('p.start_at')}), 0) as mrr_start,
        coalesce(sum(sp.mrr) filter (where ${on('p.end_at')}), 0) as mrr_end
      from spans sp
      cross join (values ('month', interval '1 month'), ('quarter', interval '3 months'), ('year', interval '1 year'))
        as g(grain, step)
      cross join lateral generate_series(
        date_trunc(g.grain, (sp.start_at at time zone ${tz}) - g.step),
        least(sp.end_at at time zone ${tz}, ${to}::timestamp - interval '1 day'),
        g.step) as m(local_start)
      cross join lateral (select m.local_start::date as period, m.local_start at time zone ${tz} as start_at,
        (m.local_start + g.step) at time zone ${tz} as end_at) p
      where sp.start_at <= p.end_at and sp.end_at > p.start_at
      group by sp.customer_id, g.grain, p.period, p.start_at, p.end_at
    ),
    -- Subscription revenue as kinds/prorated.ts earns it: per calendar month a subscription is
    -- active in, its MRR x the share of the month; a quarter's and a year's are their months'.
    month_revenue as (
      select sp.customer_id, m.local_start::date as month, sum(sp.mrr
        * extract(epoch from least(sp.end_at, m.end_at) - greatest(sp.start_at, m.start_at))
        / extract(epoch from m.end_at - m.start_at)) as revenue
      from spans sp
      cross join lateral (select local_start, local_start at time zone ${tz} as start_at,
          (local_start + interval '1 month') at time zone ${tz} as end_at
        from generate_series(date_trunc('month', sp.start_at at time zone ${tz}),
          least(sp.end_at at time zone ${tz}, ${to}::timestamp - interval '1 day'), interval '1 month') as local_start) m
      where sp.subscription and sp.start_at < m.end_at and sp.end_at > m.start_at
      group by sp.customer_id, m.local_start
    ),
    revenue as (
      select r.customer_id, g.grain, date_trunc(g.grain, r.month)::date as period, sum(r.revenue) as revenue
      from month_revenue r cross join (values ('month'), ('quarter'), ('year')) as g(grain)
      group by r.customer_id, g.grain, date_trunc(g.grain, r.month)
    )
    select ${org.id}::uuid as org_id, s.customer_id, s.grain, s.period, s.active_start, s.active_end,
      f.first_start >= s.start_at and f.first_start < s.end_at as is_new,
      f.first_start > s.start_at and f.first_start < s.end_at as joined,
      s.mrr_start, s.mrr_end, coalesce(r.revenue, 0) as revenue, r.customer_id is not null as paying,
      ${sql.join(FIELDS.map((f, i) => sql`e.${sql.ref(f)} as ${sql.ref(D[i]!)}`))}
    from state s
    join firsts f on f.customer_id = s.customer_id
    left join revenue r on r.customer_id = s.customer_id and r.grain = s.grain and r.period = s.period
    left join customer e on e.org_id = ${org.id}::uuid and e.id = s.customer_id`;
}

const STATE_COLUMNS = sql.raw(
  'org_id, customer_id, grain, period, active_start, active_end, is_new, joined, mrr_start, mrr_end, revenue, paying, ' +
    D.join(', '),
);
const SUMS = ['customers', 'n_start', 'n_end', 'churned', 'new', 'joined', 'joined_churned', 'n_mrr_start'].concat([
  'mrr_start',
  'mrr_end',
  'mrr_kept',
  'mrr_kept_capped',
  'paying',
  'revenue',
]);

/**
 * Adds signed state rows (a `sign` column, -1 or 1, and customer_state's columns) to the sums of
 * every level; rows whose customers drop to none are deleted.
 */
async function addToSums(db: Kysely<Database>, org: Organization, signed: RawBuilder<unknown>) {
  const d = D.map((c) => sql.ref(`x.${c}`));
  const level = sql.join(
    d.map((c, i) => sql`case when grouping(${c}) = 0 then ${sql.lit(1 << i)} else 0 end`),
    sql` + `,
  );
  const sets = sql.join([sql`(x.grain, x.period)`, ...d.map((c) => sql`(x.grain, x.period, ${c})`)]);
  const s = (condition: string, value = '1') =>
    sql.raw(`coalesce(sum(x.sign * ${value}) filter (where ${condition}), 0)`);
  await sql`
    insert into customer_rollup (org_id, grain, period, level, ${sql.raw(D.join(', '))}, ${sql.raw(SUMS.join(', '))})
    select ${org.id}::uuid, x.grain, x.period, ${level}, ${sql.join(d)},
      sum(x.sign), ${s('x.active_start')}, ${s('x.active_end')}, ${s('x.active_start and not x.active_end')},
      ${s('x.is_new')}, ${s('x.joined')}, ${s('x.joined and not x.active_end')}, ${s('x.mrr_start > 0')},
      ${s('true', 'x.mrr_start')}, ${s('true', 'x.mrr_end')}, ${s('x.mrr_start > 0', 'x.mrr_end')},
      ${s('x.mrr_start > 0', 'least(x.mrr_end, x.mrr_start)')}, ${s('x.paying')}, ${s('true', 'x.revenue')}
    from (${signed}) x
    group by grouping sets (${sets})
    on conflict on constraint customer_rollup_key do update set
      ${sql.raw(SUMS.map((c) => `${c} = customer_rollup.${c} + excluded.${c}`).join(', '))}`.execute(db);
  await sql`delete from customer_rollup where org_id = ${org.id}::uuid and customers = 0`.execute(db);
}

async function saveState(db: Kysely<Database>, org: Organization, basis: string, to: string) {
  await sql`
    insert into rollup_state (org_id, entity, timezone, version, status, built_at, basis, covered_to)
    values (${org.id}::uuid, ${CUSTOMER_ENTITY}, ${org.timezone}, ${VERSION}, 'ready', now(), ${basis}, ${to}::date)
    on conflict (org_id, entity) do update set timezone = excluded.timezone, version = excluded.version,
      status = 'ready', built_at = now(), basis = excluded.basis, covered_to = excluded.covered_to`.execute(db);
}

/** Builds an organization's customer rollups from its raw rows. Returns the state rows written. */
export async function buildCustomerRollups(db: Kysely<Database>, org: Organization): Promise<number> {
  const { basis, name } = await defaultBasis(db, org);
  const to = await coveredTo(db, org);
  await sql`set local work_mem = '64MB'`.execute(db);
  await sql`delete from customer_state where org_id = ${org.id}::uuid`.execute(db);
  await sql`delete from customer_rollup where org_id = ${org.id}::uuid`.execute(db);
  const written = await sql`insert into customer_state (${STATE_COLUMNS}) ${stateRowsSql(org, basis, to)}`.execute(db);
  await addToSums(db, org, sql`select 1 as sign, c.* from customer_state c where c.org_id = ${org.id}::uuid`);
  await saveState(db, org, name, to);
  return Number(written.numAffectedRows ?? 0);
}

/**
 * Brings the customer rollups up to date at the end of a writer's transaction: the marked
 * customers again, or everything when the rollups are missing, stale, of another version, time
 * zone or activity basis, or end before the current month. Serialized per organization.
 */
export async function refreshCustomerRollups(db: Kysely<Database>, org: Organization): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`cxkpi-rollup:${org.id}:${CUSTOMER_ENTITY}`}))`.execute(db);
  await ensureDirtyTable(db);
  const [state, { basis, name }, to] = [
    await readState(db, org),
    await defaultBasis(db, org),
    await coveredTo(db, org),
  ];
  const fresh =
    state &&
    state.status === 'ready' &&
    state.timezone === org.timezone &&
    state.version === VERSION &&
    state.basis === name &&
    state.covered_to === to;
  if (!fresh) {
    await buildCustomerRollups(db, org);
  } else if (await hasDirtyCustomers(db)) {
    const dirty = sql`select distinct customer_id from rollup_dirty_customer`;
    await db.executeQuery(
      CompiledQuery.raw(
        'create temporary table if not exists rollup_new_customer_state (like customer_state) on commit drop',
      ),
    );
    await sql`delete from rollup_new_customer_state`.execute(db);
    await sql`insert into rollup_new_customer_state (${STATE_COLUMNS})
      ${stateRowsSql(org, basis, to, dirty)}`.execute(db);
    await addToSums(
      db,
      org,
      sql`select -1 as sign, c.* from customer_state c
        where c.org_id = ${org.id}::uuid and c.customer_id in (${dirty})
        union all select 1, n.* from rollup_new_customer_state n`,
    );
    await sql`delete from customer_state where org_id = ${org.id}::uuid and customer_id in (${dirty})`.execute(db);
    await sql`insert into customer_state (${STATE_COLUMNS})
      select ${STATE_COLUMNS} from rollup_new_customer_state`.execute(db);
  }
  await sql`delete from rollup_dirty_customer`.execute(db);
}

/** SQL: organizations (o) whose customer rollups are missing with data, or out of date. */
export function outdatedCustomerOrgsSql(): RawBuilder<unknown> {
  return sql`select o.id from organization o
    left join rollup_state s on s.org_id = o.id and s.entity = ${CUSTOMER_ENTITY}
    where case when s.org_id is null
      then exists (select 1 from subscription x where x.org_id = o.id)
        or exists (select 1 from customer_order x where x.org_id = o.id)
      else s.status <> 'ready' or s.version <> ${VERSION} or s.timezone <> o.timezone
        or s.covered_to is null or s.covered_to <= (now() at time zone o.timezone)::date end`;
}

/** The customer field (d1..d5) of a dimension, or undefined. */
function fieldColumn(id: string): string | undefined {
  const canonical = findDimension('customers', id)?.id ?? '';
  const at = FIELDS.findIndex((f) => `customer.${f}` === canonical);
  return at === -1 ? undefined : D[at];
}

/** The stored grain and periods a query's range is made of, or null when it is not whole periods of one. */
function storedPeriods(grain: RollupQuery['grain'], from: string, to: string): CustomerGrain | null {
  const whole = (g: CustomerGrain) => {
    const months = g === 'month' ? 1 : g === 'quarter' ? 3 : 12;
    const aligned = (date: string) => date.endsWith('-01') && (Number(date.slice(5, 7)) - 1) % months === 0;
    return aligned(from) && aligned(to) && from < to;
  };
  if (grain === 'month' || grain === 'quarter' || grain === 'year') return whole(grain) ? grain : null;
  if (grain !== 'all') return null;
  // One whole period of some grain answers a range without periods.
  const next = (g: CustomerGrain) => {
    const [y, m] = from.split('-').map(Number) as [number, number];
    const months = y * 12 + (m - 1) + (g === 'month' ? 1 : g === 'quarter' ? 3 : 12);
    return `${Math.floor(months / 12)}-${String((months % 12) + 1).padStart(2, '0')}-01`;
  };
  return GRAINS.find((g) => whole(g) && next(g) === to) ?? null;
}

/** Why customer rollups cannot answer the query, or null when they can (before their state is read). */
export function customerRollupRefusal(
  item: PreparedMetric,
  query: RollupQuery,
  tz: string,
  org: Organization,
  range: { from: string; to: string },
): string | null {
  if (query.exact) return 'exact was asked';
  if (item.metric.series) return 'the metric has no rollup';
  if (String(item.options.activity ?? 'auto') !== 'auto' || Number(item.options.activity_window_days ?? 365) !== 365)
    return 'options change what is counted';
  if (tz !== org.timezone) return "the time zone is not the organization's";
  if (query.scope) return 'the caller sees part of the data';
  const columns = new Set<string>();
  for (const id of [...query.by, ...Object.keys(query.where)]) {
    const column = fieldColumn(id);
    if (!column) return `rollups are not kept by ${id}`;
    columns.add(column);
  }
  if (columns.size > 1) return 'rollups are kept by one customer field at a time';
  if (!storedPeriods(query.grain, range.from, range.to)) return 'the range is not whole months, quarters or years';
  return null;
}

/**
 * The components of a customer metric per period and group (keys as query-metrics.ts's
 * componentMap) from the customer rollups, or null when they do not cover the query.
 */
export async function customerRollupComponents(
  db: Kysely<Database>,
  org: Organization,
  item: PreparedMetric,
  query: RollupQuery,
  tz: string,
  range: { from: string; to: string },
): Promise<Map<string, Components> | null> {
  if (customerRollupRefusal(item, query, tz, org, range)) return null;
  const grain = storedPeriods(query.grain, range.from, range.to)!;
  const state = await readState(db, org);
  if (
    !state ||
    state.status !== 'ready' ||
    state.timezone !== org.timezone ||
    state.version !== VERSION ||
    !state.covered_to ||
    // The last period asked must start before the first one not kept.
    addPeriods(range.to, grain, -1) >= state.covered_to ||
    state.basis !== (await defaultBasis(db, org)).name
  )
    return null;
  const groups = query.by.map((id) => ({ id, column: fieldColumn(id)! }));
  const column =
    groups[0]?.column ?? (Object.keys(query.where).length ? fieldColumn(Object.keys(query.where)[0]!) : undefined);
  const level = column ? 1 << D.indexOf(column) : 0;
  const filters = Object.entries(query.where).map(
    ([id, raw]) => sql`and ${sql.ref(`r.${fieldColumn(id)!}`)} in (${sql.join(filterValues(id, raw))})`,
  );
  const result = await sql<Record<string, unknown>>`
    select r.period::text as period, ${sql.join([
      ...groups.map((g, i) => sql`${sql.ref(`r.${g.column}`)} as ${sql.ref(`g${i}`)}`),
      sql.raw(SUMS.map((c) => `r.${c}`).join(', ')),
    ])}
    from customer_rollup r
    where r.org_id = ${org.id}::uuid and r.grain = ${grain} and r.level = ${level}
      and r.period >= ${range.from}::date and r.period < ${range.to}::date ${sql.join(filters, sql` `)}`.execute(db);
  const map = new Map<string, Components>();
  const revenue = item.formula.kind === 'prorated_mrr';
  for (const row of result.rows) {
    // Subscription revenue has rows where a subscription was active, as its raw query.
    if (revenue && Number(row.paying) === 0) continue;
    const group: Record<string, string | null> = {};
    const ids = groups.map((g, i) => (group[g.id] = row[`g${i}`] as string | null));
    const components: Components = revenue
      ? { group, n: Number(row.paying), s: Number(row.revenue) }
      : { group, ...Object.fromEntries(SUMS.map((name) => [name, Number(row[name])])) };
    map.set(JSON.stringify([query.grain === 'all' ? null : row.period, ...ids]), components);
  }
  return map;
}
