import { createHash } from 'node:crypto';
import { CompiledQuery, sql, type Kysely, type RawBuilder } from 'kysely';
import type { DataScope } from '../../auth/access.ts';
import { addPeriods, listPeriods, type Grain } from '../../calendar/periods.ts';
import type { Db } from '../../db/connect.ts';
import type { Database } from '../../db/schema.ts';
import type { JobKinds } from '../../jobs/runner.ts';
import { getOrganization, type Organization } from '../../orgs/index.ts';
import { listMetrics } from '../catalog/index.ts';
import type { MetricEntity } from '../catalog/types.ts';
import { filterValues, findDimension } from '../dimensions.ts';
import { METRIC_ENTITIES } from '../entities.ts';
import { kindOf } from '../kinds/index.ts';
import { aggregationSql } from '../kinds/scan.ts';
import type { ComponentName } from '../kinds/types.ts';
import type { Components } from '../statistics.ts';
import { EXACT_VALUES, mergeInto, percentile, RELATIVE_ERROR, sketchKeySql, type Histogram } from './histogram.ts';
import type { PreparedMetric } from '../kinds/index.ts';
import { prepareMetric } from '../query-metrics.ts';
import {
  buildCustomerRollups,
  CUSTOMER_ENTITY,
  customerRollupComponents,
  customerRollupRefusal,
  hasDirtyCustomers,
  isCustomerWriter,
  markCustomerRows,
  outdatedCustomerOrgsSql,
  refreshCustomerRollups,
} from './customers.ts';

/**
 * Rollups (docs/scaling.md): for each catalog metric on tickets and survey answers whose
 * components add up, the components per organization, local day (in the organization's time
 * zone) and the dashboard's dimensions, and per month summed from the days. They are kept inside
 * the transaction of every writer (imports, survey answers): the writer marks the local days its
 * rows touch, before and after the change, and the days whose rows depend on them (an earlier
 * ticket of the same customer for FCR and repeat contact, an earlier answer about the same
 * ticket for "latest answer counts"); those days are computed again from the raw rows with the
 * very SQL a raw query uses, and their months summed again. So a rollup always equals a full
 * rebuild. The planner (`rollupComponents`) answers a query from them when they cover it
 * (metric and options, dimensions, time zone, no business hours, state ready), else null.
 */

/**
 * The entities with daily rollups and the columns kept besides team and agent (d1..d3 in this
 * order): the dashboard's dimensions. Tables come from the entity declarations (entities.ts).
 */
const KEPT: Partial<Record<MetricEntity, string[]>> = {
  tickets: ['channel', 'priority', 'status'],
  survey_responses: ['channel', 'survey', 'kind'],
};
const ENTITY_DIMENSIONS: Partial<Record<MetricEntity, { table: string; dims: string[] }>> = Object.fromEntries(
  Object.entries(KEPT).map(([entity, dims]) => [
    entity,
    { table: METRIC_ENTITIES[entity as MetricEntity].table, dims },
  ]),
);
export const ROLLUP_ENTITIES = Object.keys(ENTITY_DIMENSIONS) as MetricEntity[];

/** Dimension -> level bit; the levels kept (grouping sets): none, team, and team with one more. */
const BITS = { team: 1, agent: 2, d1: 4, d2: 8, d3: 16 } as const;
const LEVELS = [0, 1, 3, 5, 9, 17] as const;
const COLUMNS = ['team_id', 'agent_id', 'd1', 'd2', 'd3'] as const;
/** FCR and repeat contact look this many days ahead (their default window_days, with a day to spare). */
const DEPENDENCY_DAYS = 8;

/** The rollup forms kept per day here (customer states have their own tables, customers.ts). */
const DAILY_FORMS = new Set(['additive', 'histogram', 'backlog']);

/**
 * SQL: metric_rollup rows (of `alias`) of `periods` (all when null), with every level named so
 * that the lookup index (org, metric, grain, level, period) finds them instead of reading every
 * period's rows.
 */
function inPeriods(alias: string, periods: string[] | null): RawBuilder<unknown> {
  if (!periods) return sql``;
  return sql`and ${sql.raw(alias)}level = any(${[...LEVELS]}::int[]) and ${sql.raw(alias)}period = any(${periods}::date[])`;
}

/** The catalog metrics that have rollups, with their prepared default definition. */
let cached: PreparedMetric[] | undefined;
export function rollupMetrics(): PreparedMetric[] {
  cached ??= listMetrics()
    .filter((m) => ENTITY_DIMENSIONS[m.entity] && !m.series && DAILY_FORMS.has(kindOf(m.formula).rollup.form))
    .map((m) => prepareMetric(m.id, {}, false));
  return cached;
}

/**
 * A number that changes whenever what the rollups hold would: the definitions of the metrics
 * (SQL and options), the dimensions and levels, the histogram's error. Stored with the state,
 * so rollups built by another version of cxkpi never answer.
 */
let version: number | undefined;
export function rollupVersion(): number {
  version ??= createHash('sha256')
    .update(
      JSON.stringify([
        rollupMetrics().map((p) => [p.metric.id, p.where, p.formula, p.options, p.metric.time]),
        ENTITY_DIMENSIONS,
        LEVELS,
        // What a row holds beyond the components: durations' stored percentiles.
        ['p50', 'p90'],
      ]),
    )
    .digest()
    .readInt32BE(0);
  return version;
}

/**
 * What places an entity's rows in days for its rollup metrics (SQL over \`e\`): their time fields
 * and the ends of backlog spans. A write marks each of these days, before and after.
 */
function placements(entity: MetricEntity): string[] {
  const items = rollupMetrics().filter((p) => p.metric.entity === entity);
  return [
    ...new Set(
      items.flatMap((p) => [`e.${p.metric.time}`, ...(p.formula.kind === 'open_at_end' ? [p.formula.until] : [])]),
    ),
  ];
}

const localDay = (column: string, tz: RawBuilder<unknown>) => sql`(${sql.raw(column)} at time zone ${tz})::date`;

/**
 * SQL: the timestamp `time` falls on one of `days` (local dates; any day when null). Each run of
 * consecutive days is a range of the time's index, so that a writer's few dirty days do not
 * read every row of the organization.
 */
function onDays(time: string, tz: RawBuilder<unknown>, days: string[] | null): RawBuilder<unknown> {
  if (!days) return sql`${sql.raw(time)} is not null`;
  if (!days.length) return sql`false`;
  const runs: Array<[string, string]> = [];
  for (const day of [...new Set(days)].sort()) {
    const last = runs.at(-1);
    if (last && addPeriods(last[1], 'day', 1) === day) last[1] = day;
    else runs.push([day, day]);
  }
  const ranges = runs.map(
    ([first, last]) => sql`(${sql.raw(time)} >= (${first}::date::timestamp at time zone ${tz})
      and ${sql.raw(time)} < ((${last}::date + 1)::timestamp at time zone ${tz}))`,
  );
  return sql`(${sql.join(ranges, sql` or `)}) and ${localDay(time, tz)} = any(${days}::date[])`;
}

/**
 * SQL that adds to the transaction's dirty set the local days of `entity` rows whose key is in
 * `keys` (a JSON array; ids), and of the rows that depend on them. Run before a change (old
 * versions) and after it (new versions).
 */
function markSql(entity: MetricEntity, orgId: string, tz: string, keys: string): RawBuilder<unknown> {
  const def = ENTITY_DIMENSIONS[entity]!;
  const zone = sql`${tz}`;
  const days = placements(entity).map((at) => sql`(${entity}, ${localDay(at, zone)})`);
  const touched = sql`select * from ${sql.table(def.table)} t
    where t.org_id = ${orgId}::uuid and t.id = any(array(select json_array_elements_text(${keys}::json)))`;
  const dependents =
    entity === 'tickets'
      ? sql`select n.created_at, n.resolved_at from ticket n join touched x on n.org_id = ${orgId}::uuid
          and n.customer_id = x.customer_id
          and (n.resolved_at between x.created_at - ${`${DEPENDENCY_DAYS} days`}::interval and x.created_at
            or n.created_at between x.created_at - ${`${DEPENDENCY_DAYS} days`}::interval and x.created_at)`
      : sql`select n.submitted_at from survey_response n join touched x on n.org_id = ${orgId}::uuid
          and n.ticket_id = x.ticket_id`;
  const dependentDays =
    entity === 'tickets'
      ? sql`(${entity}, ${localDay('d.created_at', zone)}), (${entity}, ${localDay('d.resolved_at', zone)})`
      : sql`(${entity}, ${localDay('d.submitted_at', zone)})`;
  return sql`
    with touched as (${touched}), dependents as (${dependents})
    insert into rollup_dirty (entity, day)
    select v.entity, v.day from touched e cross join lateral (values ${sql.join(days)}) v(entity, day)
    where v.day is not null
    union select v.entity, v.day from dependents d cross join lateral (values ${dependentDays}) v(entity, day)
    where v.day is not null`;
}

/** Prepares the transaction's dirty set (a temporary table dropped at commit). */
async function ensureDirtyTable(db: Kysely<Database>) {
  await db.executeQuery(
    CompiledQuery.raw('create temporary table if not exists rollup_dirty (entity text, day date) on commit drop'),
  );
}

/**
 * Marks the days of rows about to change or just changed (call before and after the write, in
 * the writer's transaction). A no-op for entities without rollups.
 */
export async function markRollupRows(
  db: Kysely<Database>,
  org: Organization,
  entity: MetricEntity | string,
  ids: unknown[],
): Promise<void> {
  if (isCustomerWriter(entity)) await markCustomerRows(db, org, entity, ids);
  if (!ENTITY_DIMENSIONS[entity as MetricEntity] || !ids.length) return;
  await ensureDirtyTable(db);
  await markSql(entity as MetricEntity, org.id, org.timezone, JSON.stringify(ids.map(String))).execute(db);
}

interface StateRow {
  entity: string;
  timezone: string;
  version: number;
  status: string;
}

/**
 * Brings the rollups of `entity` up to date at the end of a writer's transaction: the dirty
 * days again, or everything when the rollups are missing, stale or of another time zone or
 * version. Serialized per organization and entity by a transaction lock, taken before reading,
 * so two writers never compute a day from each other's uncommitted rows.
 */
export async function refreshRollups(
  db: Kysely<Database>,
  org: Organization,
  entity: MetricEntity | string,
): Promise<void> {
  if (!ENTITY_DIMENSIONS[entity as MetricEntity]) return;
  await sql`select pg_advisory_xact_lock(hashtext(${`cxkpi-rollup:${org.id}:${entity}`}))`.execute(db);
  const state = await sql<StateRow>`
    select entity, timezone, version, status from rollup_state where org_id = ${org.id}::uuid and entity = ${entity}`.execute(
    db,
  );
  const current = state.rows[0];
  const fresh =
    current && current.status === 'ready' && current.timezone === org.timezone && current.version === rollupVersion();
  await ensureDirtyTable(db);
  if (!fresh) {
    await buildEntity(db, org, entity as MetricEntity, null);
  } else {
    const dirty = await sql<{ day: string }>`
      select distinct day::text as day from rollup_dirty where entity = ${entity} order by 1`.execute(db);
    if (dirty.rows.length)
      await buildEntity(
        db,
        org,
        entity as MetricEntity,
        dirty.rows.map((r) => r.day),
      );
  }
  await sql`delete from rollup_dirty where entity = ${entity}`.execute(db);
}

/**
 * At the end of an import: the rollups of the imported entity, and of any other entity whose
 * rows the import also wrote (survey answers a helpdesk preset derives from tickets).
 */
export async function refreshImportRollups(db: Kysely<Database>, org: Organization, imported: string): Promise<void> {
  await ensureDirtyTable(db);
  const dirty = await sql<{ entity: string }>`select distinct entity from rollup_dirty`.execute(db);
  const entities = new Set([imported, ...dirty.rows.map((r) => r.entity)]);
  for (const entity of ROLLUP_ENTITIES) if (entities.has(entity)) await refreshRollups(db, org, entity);
  if (isCustomerWriter(imported) || (await hasDirtyCustomers(db))) await refreshCustomerRollups(db, org);
}

/**
 * Rebuilds what is out of date of an organization's rollups (missing, stale, of another version
 * or time zone; customer states that end before the current month): the rebuild job.
 */
export async function refreshOutdatedRollups(db: Db, org: Organization): Promise<void> {
  await db.kysely.transaction().execute(async (trx) => {
    for (const entity of ROLLUP_ENTITIES) await refreshRollups(trx, org, entity);
    await refreshCustomerRollups(trx, org);
  });
}

/** Rebuilds every rollup of an organization from its raw rows (cxkpi rollups rebuild, jobs). */
export async function rebuildRollups(db: Db, org: Organization): Promise<{ rows: number; ms: number }> {
  const started = Date.now();
  let rows = 0;
  await db.kysely.transaction().execute(async (trx) => {
    for (const entity of ROLLUP_ENTITIES) {
      await sql`select pg_advisory_xact_lock(hashtext(${`cxkpi-rollup:${org.id}:${entity}`}))`.execute(trx);
      rows += await buildEntity(trx, org, entity, null);
    }
    await sql`select pg_advisory_xact_lock(hashtext(${`cxkpi-rollup:${org.id}:${CUSTOMER_ENTITY}`}))`.execute(trx);
    rows += await buildCustomerRollups(trx, org);
  });
  return { rows, ms: Date.now() - started };
}

/** Marks an organization's rollups stale (its time zone changed) so that raw rows answer until a rebuild. */
export async function markRollupsStale(db: Kysely<Database>, orgId: string): Promise<void> {
  await sql`update rollup_state set status = 'stale' where org_id = ${orgId}::uuid`.execute(db);
}

/**
 * Organizations whose rollups are missing (with rows to roll up), stale, or of another version or
 * time zone.
 */
export async function outdatedRollupOrgs(db: Db): Promise<string[]> {
  const checks = ROLLUP_ENTITIES.map(
    (entity) => sql`select o.id from organization o
      left join rollup_state s on s.org_id = o.id and s.entity = ${entity}
      where case when s.org_id is null
        then exists (select 1 from ${sql.table(ENTITY_DIMENSIONS[entity]!.table)} x where x.org_id = o.id)
        else s.status <> 'ready' or s.version <> ${rollupVersion()} or s.timezone <> o.timezone end`,
  );
  const result = await sql<{ id: string }>`${sql.join([...checks, outdatedCustomerOrgsSql()], sql` union `)}`.execute(
    db.kysely,
  );
  return result.rows.map((r) => r.id);
}

/**
 * Computes the day rows of `days` (all days when null) for every rollup metric of the entity,
 * then the months those days fall in, and marks the state ready. Returns the rows written.
 */
async function buildEntity(
  db: Kysely<Database>,
  org: Organization,
  entity: MetricEntity,
  days: string[] | null,
): Promise<number> {
  const def = ENTITY_DIMENSIONS[entity]!;
  const metrics = rollupMetrics().filter((p) => p.metric.entity === entity);
  const ids = metrics.map((p) => p.metric.id);
  const months = days ? [...new Set(days.map((d) => `${d.slice(0, 7)}-01`))] : null;
  const inMonths = inPeriods('', months);
  // The statements group every row by day, level and (durations) value: with PostgreSQL's
  // default 4 MB they sort on disk from about a hundred thousand rows. For this transaction only.
  await sql`set local work_mem = '64MB'`.execute(db);
  await sql`delete from metric_rollup where org_id = ${org.id}::uuid and metric = any(${ids}::text[])
    and grain = 'month' ${inMonths}`.execute(db);
  await sql`delete from metric_rollup where org_id = ${org.id}::uuid and metric = any(${ids}::text[])
    and grain = 'day' ${inPeriods('', days)}`.execute(db);
  let rows = 0;
  for (const { statement } of dayStatements(entity, org, days)) {
    const result = await statement.execute(db);
    rows += Number(result.numAffectedRows ?? 0);
  }
  rows += await buildMonths(db, org, metrics, months);
  // After a full build the planner must know the table's new size, or a writer's next few dirty
  // days are looked up by reading every row (ANALYZE counts this transaction's own rows).
  if (!days) await sql`analyze metric_rollup`.execute(db);
  await sql`
    insert into rollup_state (org_id, entity, timezone, version, status, built_at)
    values (${org.id}::uuid, ${entity}, ${org.timezone}, ${rollupVersion()}, 'ready', now())
    on conflict (org_id, entity) do update set timezone = excluded.timezone, version = excluded.version,
      status = 'ready', built_at = now()`.execute(db);
  return rows;
}

const INSERT = sql`insert into metric_rollup (org_id, metric, grain, period, level, team_id, agent_id, d1, d2, d3,
  n, k, s, ss, promoters, detractors, buckets, counts)`;
const INSERT_HISTOGRAM = sql`insert into metric_rollup (org_id, metric, grain, period, level, team_id, agent_id,
  d1, d2, d3, n, k, s, ss, promoters, detractors, buckets, counts, relative_error, p50, p90)`;

/**
 * INSERT ... SELECT of duration month rows from `values`, a SELECT of (period, level, team_id ..
 * d3, b, c, s, ss, relative_error) with one row per distinct value `b` of each rollup row and
 * its count `c` (b null for a row without values); the row's sums ride on these rows. Each row
 * gets its histogram, its count and sums, and its type-7 median and 90th percentile read from
 * its histogram's running counts (histogram.ts's percentile, in the same floating-point steps).
 */
function histogramRowsSql(org: Organization, metric: string, values: RawBuilder<unknown>): RawBuilder<unknown> {
  const cols = sql.join(COLUMNS.map((c) => sql.ref(c)));
  return sql`${INSERT_HISTOGRAM}
    select ${org.id}::uuid, ${metric}, 'month', g.period, g.level, ${sql.join(COLUMNS.map((c) => sql.ref(`g.${c}`)))},
      g.n, null, g.s, g.ss, null, null, g.keys, g.counts, g.relative_error, p.p50, p.p90
    from (
      select period, level, ${cols}, sum(c) as n, sum(s) as s, sum(ss) as ss, max(relative_error) as relative_error,
        array_agg(b order by b) filter (where b is not null) as keys,
        array_agg(c order by b) filter (where b is not null) as counts
      from (${values}) q
      group by period, level, ${cols}
    ) g
    cross join lateral (
      select ${percentileSql('b', 'cum', 'h50')} as p50, ${percentileSql('b', 'cum', 'h90')} as p90
      from (
        select u.b, sum(u.c) over (order by u.i) as cum, (g.n - 1) * 0.5::float8 as h50, (g.n - 1) * 0.9::float8 as h90
        from unnest(g.keys, g.counts) with ordinality as u(b, c, i)
      ) q
    ) p`;
}

/**
 * The statements that write an entity's day rows: metrics of plain sums that place rows by the
 * same timestamp share one scan; the backlog and each duration have a statement of their own.
 * (Exported for bench/rollups.ts, which times each.)
 */
export function dayStatements(entity: MetricEntity, org: Organization, days: string[] | null) {
  const def = ENTITY_DIMENSIONS[entity]!;
  const shared = new Map<string, PreparedMetric[]>();
  const statements: Array<{ metrics: string[]; statement: RawBuilder<unknown> }> = [];
  for (const item of rollupMetrics().filter((p) => p.metric.entity === entity)) {
    if (kindOf(item.formula).rollup.form !== 'additive') {
      statements.push({ metrics: [item.metric.id], statement: dayRowsSql(item, def, org, days) });
      if (item.formula.kind === 'distribution')
        statements.push({
          metrics: [`${item.metric.id} (buckets)`],
          statement: bucketSql(org, item.metric.id, 'day', days),
        });
    } else shared.set(item.metric.time, [...(shared.get(item.metric.time) ?? []), item]);
  }
  for (const items of shared.values()) {
    statements.push({ metrics: items.map((i) => i.metric.id), statement: sharedDayRowsSql(items, def, org, days) });
  }
  return statements;
}

/** The month rows of an entity's rollup metrics (bench/rollups.ts times them on their own). */
export function buildMonthRows(
  db: Kysely<Database>,
  org: Organization,
  entity: MetricEntity,
  months: string[] | null,
): Promise<number> {
  return buildMonths(
    db,
    org,
    rollupMetrics().filter((p) => p.metric.entity === entity),
    months,
  );
}

/** Month rows: sums added up from their days; durations counted from the raw rows of the month. */
async function buildMonths(
  db: Kysely<Database>,
  org: Organization,
  metrics: PreparedMetric[],
  months: string[] | null,
): Promise<number> {
  const month = sql`date_trunc('month', d.period::timestamp)::date`;
  const sorted = months ? [...months].sort() : [];
  // The days of the months, as a range the lookup index serves for each level.
  const filter = (ids: string[]) =>
    sql`d.org_id = ${org.id}::uuid and d.metric = any(${ids}::text[]) and d.grain = 'day'
      ${
        months
          ? sql`and d.level = any(${[...LEVELS]}::int[]) and d.period >= ${sorted[0]}::date
            and d.period < (${sorted.at(-1)}::date + interval '1 month')::date and ${month} = any(${months}::date[])`
          : sql``
      }`;
  const histograms = metrics.filter((p) => kindOf(p.formula).rollup.form === 'histogram');
  const plain = metrics.filter((p) => !histograms.includes(p)).map((p) => p.metric.id);
  const sums = await sql`${INSERT}
    select d.org_id, d.metric, 'month', ${month}, d.level, ${sql.join(COLUMNS.map((c) => sql.ref(`d.${c}`)))},
      sum(d.n), sum(d.k), sum(d.s), sum(d.ss), sum(d.promoters), sum(d.detractors), null, null
    from metric_rollup d where ${filter(plain)}
    group by d.org_id, d.metric, ${month}, d.level, ${sql.join(COLUMNS.map((c) => sql.ref(`d.${c}`)))}`.execute(db);
  // Durations: each month's histogram is its days' added up, value by value (a bucketed day's
  // keys among them: the month is then within that day's error, and says so), and a month with
  // more than EXACT_VALUES values is bucketed.
  let merged = 0;
  for (const item of histograms) {
    const cols = sql.join(COLUMNS.map((c) => sql`d.${sql.ref(c)}`));
    // Each day's sums ride on its first value (or alone, on a day without values).
    const result = await histogramRowsSql(
      org,
      item.metric.id,
      sql`select ${month} as period, d.level, ${cols}, u.b, sum(u.c)::int as c,
          sum(case when u.i is null or u.i = 1 then d.s end) as s,
          sum(case when u.i is null or u.i = 1 then d.ss end) as ss, max(d.relative_error) as relative_error
        from metric_rollup d
        left join lateral unnest(d.buckets, d.counts) with ordinality as u(b, c, i) on true
        where ${filter([item.metric.id])}
        group by ${month}, d.level, ${cols}, u.b`,
    ).execute(db);
    await bucketSql(org, item.metric.id, 'month', months).execute(db);
    merged += Number(result.numAffectedRows ?? 0);
  }
  return Number(sums.numAffectedRows ?? 0) + merged;
}

/**
 * The rows of a metric's population and its six additive components over the rows where the
 * metric's own `where` holds, as its kind declares them (the raw query selects the same), with
 * each row expression read from the column `columns` gives it.
 */
function componentColumns(item: PreparedMetric, columns: RowColumns): string[] {
  const rollup = kindOf(item.formula).rollup;
  if (rollup.form !== 'additive') throw new Error(`no additive rollup for ${item.formula.kind}`);
  const components = rollup.components(item.formula);
  const column = (name: ComponentName) => {
    const a = components[name];
    return a ? aggregationSql(a, item.where, columns.of) : 'null';
  };
  return [aggregationSql({ count: '*' }, item.where, columns.of), ...COMPONENTS.map(column)];
}

/**
 * The distinct row expressions (conditions and arguments) of a scan's aggregates, each a column
 * x0, x1, ... computed once per row. Inline in the aggregates, PostgreSQL would evaluate each
 * once per sort order of the grouping sets, FCR's look-ahead subquery among them.
 */
class RowColumns {
  private readonly names = new Map<string, string>();
  readonly of = (expression: string): string => {
    let name = this.names.get(expression);
    if (!name) this.names.set(expression, (name = `x${this.names.size}`));
    return name;
  };
  select(): string {
    return [...this.names].map(([expression, name]) => `(${expression}) as ${name}`).join(', ');
  }
}

const COMPONENTS: ComponentName[] = ['n', 'k', 's', 'ss', 'promoters', 'detractors'];
/** SQL types of componentColumns' seven columns. */
const TYPES = ['bigint', 'bigint', 'bigint', 'float8', 'float8', 'bigint', 'bigint'];

/**
 * INSERT ... SELECT of the day rows of several metrics placed by the same timestamp: one scan,
 * every level at once, each metric's components as filtered aggregates, one row per metric and
 * group where its population has rows.
 */
function sharedDayRowsSql(
  items: PreparedMetric[],
  def: NonNullable<(typeof ENTITY_DIMENSIONS)[MetricEntity]>,
  org: Organization,
  days: string[] | null,
): RawBuilder<unknown> {
  const time = `e.${items[0]!.metric.time}`;
  const zone = sql`${org.timezone}`;
  const dims = [sql`e.team_id`, sql`e.agent_id`, ...def.dims.map((d) => sql.ref(`e.${d}`))];
  const columns = COLUMNS.map((c) => sql.ref(`r_${c}`));
  const level = sql.join(
    columns.map((c, i) => sql`case when grouping(${c}) = 0 then ${sql.lit(1 << i)} else 0 end`),
    sql` + `,
  );
  const sets = sql.join(
    LEVELS.map((l) => sql`(${sql.join([sql.ref('r_day'), ...columns.filter((_, i) => l & (1 << i))])})`),
  );
  const row = new RowColumns();
  const aggregates = items.flatMap((item, i) => componentColumns(item, row).map((expr, j) => `${expr} as c${i}_${j}`));
  const values = items.map(
    (item, i) => sql`(${item.metric.id}, ${sql.raw(TYPES.map((type, j) => `g.c${i}_${j}::${type}`).join(', '))})`,
  );
  const anyWhere = items.map((item) => row.of(item.where)).join(' or ');
  // OFFSET 0 keeps the row's columns computed once, below the grouping (not folded into it).
  return sql`${INSERT}
    select ${org.id}::uuid, v.metric, 'day', g.r_day, g.level, ${sql.join(columns.map((c) => sql`g.${c}`))},
      v.n, v.k, v.s, v.ss, v.promoters, v.detractors, null, null
    from (
      select r_day, ${level} as level, ${sql.join(columns)}, ${sql.raw(aggregates.join(', '))}
      from (
        select ${localDay(time, zone)} as r_day,
          ${sql.join(dims.map((d, i) => sql`${d} as ${sql.ref(`r_${COLUMNS[i]}`)}`))}, ${sql.raw(row.select())}
        from ${sql.table(def.table)} e
        where e.org_id = ${org.id}::uuid
          and ${onDays(time, zone, days)}
        offset 0
      ) e
      where ${sql.raw(anyWhere)}
      group by grouping sets (${sets})
    ) g
    cross join lateral (values ${sql.join(values)}) v(metric, rows, n, k, s, ss, promoters, detractors)
    where v.rows > 0`;
}

/**
 * SQL of the type-7 percentile whose rank is `h` ((n - 1)p, a column) over rows of `value` with
 * their running count `cum`, aggregated per histogram: the two order statistics around h,
 * interpolated as histogram.ts's percentile does.
 */
function percentileSql(value: string, cum: string, h: string): RawBuilder<unknown> {
  const at = (round: string) => `min(${value}) filter (where ${value} is not null and ${cum} > ${round}(${h}))`;
  return sql.raw(`${at('floor')} + (max(${h}) - floor(max(${h}))) * (${at('ceil')} - ${at('floor')})`);
}

/**
 * UPDATE that turns the rows of a duration with more than EXACT_VALUES distinct values into
 * logarithmic buckets (histogram.ts), their percentiles read from the buckets: the same keys,
 * counts and percentiles as bucketing the raw values directly. Few rows qualify (a busy month of
 * the whole organization or a big team), so the build counts every row exactly first.
 */
function bucketSql(org: Organization, metric: string, grain: 'day' | 'month', periods: string[] | null) {
  return sql`
    update metric_rollup r set buckets = b.keys, counts = b.counts, relative_error = ${RELATIVE_ERROR}::real,
      p50 = b.p50, p90 = b.p90
    from (
      select big.ctid as row_id, t.keys, t.counts, t.p50, t.p90
      from metric_rollup big
      cross join lateral (
        select array_agg(key order by key) as keys, array_agg(c order by key) as counts,
          ${percentileSql('key', 'cum', 'h50')} as p50, ${percentileSql('key', 'cum', 'h90')} as p90
        from (
          select k.*, (k.total - 1) * 0.5::float8 as h50, (k.total - 1) * 0.9::float8 as h90
          from (
            select key, sum(c)::int as c, sum(sum(c)) over (order by key) as cum, sum(sum(c)) over () as total
            from unnest(big.buckets, big.counts) as u(value, c)
            cross join lateral (select ${sql.raw(sketchKeySql('u.value'))} as key) s
            group by key
          ) k
        ) keyed
      ) t
      where big.org_id = ${org.id}::uuid and big.metric = ${metric} and big.grain = ${grain}
        and cardinality(big.buckets) > ${EXACT_VALUES}
        ${inPeriods('big.', periods)}
    ) b
    where r.org_id = ${org.id}::uuid and r.ctid = b.row_id`;
}

/** INSERT ... SELECT of one metric's day rows, every level at once (grouping sets). */
function dayRowsSql(
  item: PreparedMetric,
  def: NonNullable<(typeof ENTITY_DIMENSIONS)[MetricEntity]>,
  org: Organization,
  days: string[] | null,
): RawBuilder<unknown> {
  const { metric, formula } = item;
  const zone = sql`${org.timezone}`;
  // The raw row with its day and rollup columns in front (r_*), its own columns as e.*.
  const dims = [sql`e.team_id`, sql`e.agent_id`, ...def.dims.map((d) => sql.ref(`e.${d}`))];
  const periodOf = (time: string) => localDay(time, zone);
  const base = (time: string, rest: RawBuilder<unknown>) => sql`
    select ${periodOf(time)} as r_day,
      ${sql.join(dims.map((d, i) => sql`${d} as ${sql.ref(`r_${COLUMNS[i]}`)}`))}, ${rest}
    from ${sql.table(def.table)} e
    where e.org_id = ${org.id}::uuid and (${sql.raw(item.where)})
      and ${onDays(time, zone, days)}`;
  const columns = COLUMNS.map((c) => sql.ref(`r_${c}`));
  const sets = (extra: RawBuilder<unknown>[]) =>
    sql.join(
      LEVELS.map(
        (level) => sql`(${sql.join([sql.ref('r_day'), ...extra, ...columns.filter((_, i) => level & (1 << i))])})`,
      ),
    );
  const level = sql.join(
    columns.map((c, i) => sql`case when grouping(${c}) = 0 then ${sql.lit(1 << i)} else 0 end`),
    sql` + `,
  );
  const head = sql`${org.id}::uuid, ${metric.id}, 'day', r_day, ${level}, ${sql.join(columns)}`;
  if (formula.kind === 'open_at_end') {
    // Rows started on the day (n) and ended on it (k); the backlog at an end is the sums before it.
    return sql`${INSERT}
      select ${head}, sum(started), sum(ended), null, null, null, null, null, null
      from (${base(`e.${metric.time}`, sql`1 as started, 0 as ended`)}
        union all ${base(formula.until, sql`0, 1`)}) e
      group by grouping sets (${sets([])})`;
  }
  if (formula.kind === 'distribution') {
    // Each row's values sorted (one small sort per group, no sort of every value of every level
    // at once): the median and 90th percentile read from them by index, as histogram.ts's
    // percentile interpolates, and the count of each distinct value. Rows with more than
    // EXACT_VALUES values are bucketed afterwards (bucketSql).
    const x = `(${formula.value})::float8`;
    const at = (h: string) => `g.v[floor(${h})::int + 1]`;
    const pct = (h: string) => sql.raw(`${at(h)} + (${h} - floor(${h})) * (g.v[ceil(${h})::int + 1] - ${at(h)})`);
    const h50 = '(g.n - 1) * 0.5::float8';
    const h90 = '(g.n - 1) * 0.9::float8';
    return sql`${INSERT_HISTOGRAM}
      select ${org.id}::uuid, ${metric.id}, 'day', g.r_day, g.level, ${sql.join(columns.map((c) => sql`g.${c}`))},
        g.n, null, g.s, g.ss, null, null, h.keys, h.counts, null,
        case when g.n > 0 then ${pct(h50)} end, case when g.n > 0 then ${pct(h90)} end
      from (
        select r_day, ${level} as level, ${sql.join(columns)}, count(x) as n, sum(x) as s, sum(x * x) as ss,
          array_agg(x order by x) filter (where x is not null) as v
        from (${base(`e.${metric.time}`, sql.raw(`${x} as x`))}) e
        group by grouping sets (${sets([])})
      ) g
      cross join lateral (
        select array_agg(b order by b) as keys, array_agg(c order by b) as counts
        from (select b, count(*)::int as c from unnest(g.v) b group by b) u
      ) h`;
  }
  throw new Error(`${formula.kind} metrics are built by sharedDayRowsSql`);
}

/** What the planner needs of a query (query-metrics.ts's parsed query). */
export interface RollupQuery {
  grain: Grain;
  by: string[];
  where: Record<string, string | string[]>;
  scope?: DataScope;
  business_hours: boolean;
  exact: boolean;
}

/** The rollup column of a dimension of the entity, or undefined when rollups do not have it. */
function rollupColumn(entity: MetricEntity, id: string): (typeof COLUMNS)[number] | undefined {
  const canonical = findDimension(entity, id)?.id;
  if (canonical === 'team') return 'team_id';
  if (canonical === 'agent') return 'agent_id';
  const at = ENTITY_DIMENSIONS[entity]?.dims.indexOf(canonical ?? '') ?? -1;
  return at === -1 ? undefined : (`d${at + 1}` as (typeof COLUMNS)[number]);
}

/** Why rollups cannot answer (for `cxkpi rollups check` and tests), or null when they can. */
export function rollupRefusal(
  item: PreparedMetric,
  query: RollupQuery,
  tz: string,
  org: Organization,
  range: { from: string; to: string },
): string | null {
  const form = kindOf(item.formula).rollup.form;
  if (form === 'customer-state') return customerRollupRefusal(item, query, tz, org, range);
  if (!DAILY_FORMS.has(form)) return 'the metric has no rollup';
  if (query.exact) return 'exact was asked';
  const own = rollupMetrics().find((p) => p.metric.id === item.metric.id);
  if (!own) return 'the metric has no rollup';
  if (own.where !== item.where || JSON.stringify(own.formula) !== JSON.stringify(item.formula))
    return 'options or business hours change what is counted';
  if (tz !== org.timezone) return "the time zone is not the organization's";
  for (const id of [...query.by, ...Object.keys(query.where)]) {
    if (!rollupColumn(item.metric.entity, id)) return `rollups are not kept by ${id}`;
  }
  return null;
}

interface ReadPlan {
  level: number;
  grain: 'day' | 'month';
  /** Each period and group of the answer is one stored row (nothing to merge). */
  single: boolean;
  filters: RawBuilder<unknown>[];
  groups: Array<{ id: string; column: (typeof COLUMNS)[number] }>;
}

function readPlan(item: PreparedMetric, query: RollupQuery, from: string, to: string): ReadPlan | null {
  const entity = item.metric.entity;
  let bits = 0;
  const groups = query.by.map((id) => ({ id, column: rollupColumn(entity, id)! }));
  groups.forEach((g) => (bits |= BITS[g.column === 'team_id' ? 'team' : g.column === 'agent_id' ? 'agent' : g.column]));
  const groupBits = bits;
  const filters: RawBuilder<unknown>[] = [];
  for (const [id, raw] of Object.entries(query.where)) {
    const column = rollupColumn(entity, id)!;
    bits |= BITS[column === 'team_id' ? 'team' : column === 'agent_id' ? 'agent' : column];
    const values = filterValues(id, raw);
    filters.push(sql`${sql.ref(`r.${column}`)} in (${sql.join(values)})`);
  }
  // The caller's part of the data, as scopeFilters (src/metrics/dimensions.ts) keeps it.
  const scope = query.scope;
  if (scope) {
    const perAgent = query.by.includes('agent') || 'agent' in query.where;
    if (scope.agentId !== undefined && (perAgent || !scope.teams?.length)) {
      bits |= BITS.agent;
      filters.push(sql`r.agent_id = ${scope.agentId}`);
    } else if (scope.teams) {
      bits |= BITS.team;
      filters.push(scope.teams.length ? sql`r.team_id in (${sql.join(scope.teams)})` : sql`false`);
    }
  }
  const level = LEVELS.find((l) => (l & bits) === bits);
  if (level === undefined) return null;
  const monthly = query.grain !== 'day' && query.grain !== 'week' && from.endsWith('-01') && to.endsWith('-01');
  const grain = monthly ? 'month' : 'day';
  const onePeriod = query.grain === grain || (query.grain === 'all' && to === addPeriods(from, grain, 1));
  return { level, grain, single: level === groupBits && onePeriod, filters, groups };
}

/** Whether the organization's rollups of an entity may answer: built, current, in its time zone. */
async function isReady(db: Db, org: Organization, entity: MetricEntity): Promise<boolean> {
  const state = await sql<StateRow>`
    select entity, timezone, version, status from rollup_state where org_id = ${org.id}::uuid and entity = ${entity}`.execute(
    db.kysely,
  );
  const row = state.rows[0];
  return !!row && row.status === 'ready' && row.timezone === org.timezone && row.version === rollupVersion();
}

/**
 * The components of a metric per period and group (keys as query-metrics.ts's componentMap) from
 * the rollups, or null when they do not cover the query. `periodEnds` are the ends of the
 * periods (open-at-end metrics are the sums before each end).
 */
export async function rollupComponents(
  db: Db,
  org: Organization,
  item: PreparedMetric,
  query: RollupQuery,
  tz: string,
  range: { from: string; to: string; bounds: Array<{ period: string | null; end: string }> },
): Promise<Map<string, Components> | null> {
  if (kindOf(item.formula).rollup.form === 'customer-state')
    return customerRollupComponents(db.kysely, org, item, query, tz, range);
  if (rollupRefusal(item, query, tz, org, range)) return null;
  const plan = readPlan(item, query, range.from, range.to);
  if (!plan || !(await isReady(db, org, item.metric.entity))) return null;
  const backlog = item.formula.kind === 'open_at_end';
  const period =
    query.grain === 'all' || backlog
      ? backlog
        ? sql`r.period::text`
        : sql`null::text`
      : query.grain === 'day'
        ? sql`r.period::text`
        : sql`date_trunc(${query.grain}, r.period::timestamp)::date::text`;
  const joins = [
    plan.groups.some((g) => g.column === 'team_id')
      ? sql`left join team tm on tm.org_id = r.org_id and tm.id = r.team_id`
      : sql``,
    plan.groups.some((g) => g.column === 'agent_id')
      ? sql`left join agent ag on ag.org_id = r.org_id and ag.id = r.agent_id`
      : sql``,
  ];
  const groupSelects = plan.groups.flatMap((g, i) => [
    sql`${sql.ref(`r.${g.column}`)} as ${sql.ref(`g${i}`)}`,
    g.column === 'team_id'
      ? sql`min(tm.name) as ${sql.ref(`g${i}_name`)}`
      : g.column === 'agent_id'
        ? sql`min(ag.name) as ${sql.ref(`g${i}_name`)}`
        : sql`null as ${sql.ref(`g${i}_name`)}`,
  ]);
  const distribution = item.formula.kind === 'distribution' && item.aggregate !== 'mean';
  const where = sql`r.org_id = ${org.id}::uuid and r.metric = ${item.metric.id} and r.grain = ${plan.grain}
    and r.level = ${plan.level} and r.period < ${range.to}::date
    ${backlog ? sql`` : sql`and r.period >= ${range.from}::date`}
    ${plan.filters.length ? sql`and ${sql.join(plan.filters, sql` and `)}` : sql``}`;
  const groupBy = sql.join([sql`1`, ...plan.groups.map((_, i) => sql.ref(`g${i}`))]);
  // A percentile of one stored row is stored with it; else the rows' histograms are merged here.
  const stored = distribution && plan.single;
  const rows = distribution
    ? (
        await sql<Record<string, unknown>>`
          select ${period} as period, ${sql.join([
            ...plan.groups.flatMap((g, i) => [
              sql`${sql.ref(`r.${g.column}`)} as ${sql.ref(`g${i}`)}`,
              g.column === 'team_id'
                ? sql`tm.name as ${sql.ref(`g${i}_name`)}`
                : g.column === 'agent_id'
                  ? sql`ag.name as ${sql.ref(`g${i}_name`)}`
                  : sql`null as ${sql.ref(`g${i}_name`)}`,
            ]),
            stored
              ? sql`r.n, ${sql.ref(item.aggregate === 'p90' ? 'r.p90' : 'r.p50')} as pct, r.relative_error`
              : sql`r.n, r.buckets, r.counts, r.relative_error`,
          ])}
          from metric_rollup r ${sql.join(joins, sql` `)}
          where ${where}`.execute(db.kysely)
      ).rows
    : (
        await sql<Record<string, unknown>>`
          select ${period} as period, ${sql.join([
            ...groupSelects,
            sql`sum(r.n) as n, sum(r.k) as k, sum(r.s) as s, sum(r.ss) as ss`,
            sql`sum(r.promoters) as promoters, sum(r.detractors) as detractors`,
          ])}
          from metric_rollup r ${sql.join(joins, sql` `)}
          where ${where}
          group by ${groupBy}`.execute(db.kysely)
      ).rows;
  const keyed = rows.map((row) => {
    const group: Record<string, string | null> = {};
    const ids = plan.groups.map((g, i) => {
      const id = row[`g${i}`] as string | null;
      group[g.id] = id;
      if (row[`g${i}_name`] !== null && row[`g${i}_name`] !== undefined)
        group[`${g.id}_name`] = row[`g${i}_name`] as string;
      return id;
    });
    return { row, ids, group };
  });
  const map = new Map<string, Components>();
  if (backlog) {
    // Per group, in day order: started and ended before each period's end.
    const byGroup = new Map<string, typeof keyed>();
    for (const entry of keyed) {
      const key = JSON.stringify(entry.ids);
      byGroup.set(key, [...(byGroup.get(key) ?? []), entry]);
    }
    for (const entries of byGroup.values()) {
      entries.sort((a, b) => String(a.row.period).localeCompare(String(b.row.period)));
      let at = 0;
      let started = 0;
      let ended = 0;
      for (const bound of range.bounds) {
        while (at < entries.length && String(entries[at]!.row.period) < bound.end) {
          started += Number(entries[at]!.row.n);
          ended += Number(entries[at]!.row.k ?? 0);
          at++;
        }
        if (started > 0) {
          map.set(JSON.stringify([bound.period, ...entries[0]!.ids]), {
            n: started,
            k: started - ended,
            group: entries[0]!.group,
          });
        }
      }
    }
    return map;
  }
  if (stored) {
    for (const { row, ids, group } of keyed) {
      map.set(JSON.stringify([row.period ?? null, ...ids]), {
        n: Number(row.n),
        pct: row.pct === null ? null : Number(row.pct),
        group,
        ...(row.relative_error ? { relative_error: Number(row.relative_error) } : {}),
      });
    }
    return map;
  }
  if (distribution) {
    const merged = new Map<
      string,
      { n: number; histogram: Histogram; error: number; group: Record<string, string | null> }
    >();
    for (const { row, ids, group } of keyed) {
      const key = JSON.stringify([row.period ?? null, ...ids]);
      const entry = merged.get(key) ?? { n: 0, histogram: new Map(), error: 0, group };
      entry.n += Number(row.n);
      entry.error = Math.max(entry.error, Number(row.relative_error ?? 0));
      mergeInto(entry.histogram, row.buckets as number[] | null, row.counts as number[] | null);
      merged.set(key, entry);
    }
    const p = item.aggregate === 'p90' ? 0.9 : 0.5;
    // A percentile from bucketed months is within their relative error (histogram.ts).
    for (const [key, entry] of merged)
      map.set(key, {
        n: entry.n,
        pct: percentile(entry.histogram, p),
        group: entry.group,
        ...(entry.error ? { relative_error: entry.error } : {}),
      });
    return map;
  }
  for (const { row, ids, group } of keyed) {
    const components: Components = { group, n: Number(row.n) };
    for (const name of ['k', 's', 'ss', 'promoters', 'detractors']) {
      if (row[name] !== null && row[name] !== undefined) components[name] = Number(row[name]);
    }
    map.set(JSON.stringify([row.period ?? null, ...ids]), components);
  }
  return map;
}

/** Periods of a range with their (clipped) end day, for open-at-end metrics. */
export function periodEnds(grain: Grain, from: string, to: string): Array<{ period: string | null; end: string }> {
  if (grain === 'all') return [{ period: null, end: to }];
  return listPeriods(from, to, grain).map((p) => {
    const next = addPeriods(p, grain, 1);
    return { period: p, end: next < to ? next : to };
  });
}

/**
 * The job that rebuilds an organization's rollups when they are missing, stale, of another
 * version of cxkpi or of another time zone (after a change of the organization's zone): found
 * every minute, so raw rows answer only until it has run.
 */
export const rollupJobKinds: JobKinds = {
  'rollups.rebuild': {
    maxAttempts: 3,
    every: { ms: 60_000, orgs: (db) => outdatedRollupOrgs(db) },
    run: async (ctx, job) => {
      const org = await getOrganization(ctx.db.kysely, job.org_id);
      const started = Date.now();
      await refreshOutdatedRollups(ctx.db, org);
      return { ms: Date.now() - started };
    },
  },
};
