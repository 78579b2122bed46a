import { sql, type RawBuilder } from 'kysely';
import { z } from 'zod';
import {
  addDays,
  addPeriods,
  daysBetween,
  GRAINS,
  isDate,
  listPeriods,
  periodStart,
  type Grain,
} from '../calendar/periods.ts';
import { cumulativeOpenSeconds } from '../calendar/business-hours.ts';
import { localToUtcMs } from '../calendar/zoned-time.ts';
import { isTimeZone } from '../config.ts';
import type { Db } from '../db/connect.ts';
import { getDataSpans, type DataSpan } from '../directory/index.ts';
import type { DataScope } from '../auth/access.ts';
import { AppError, badRequest } from '../errors.ts';
import { getEntity, type EntityName } from '../ingest/index.ts';
import { rowColumns } from '../ingest/list-rows.ts';
import { getBusinessHours, type BusinessHours, type Organization } from '../orgs/index.ts';
import { getMetric, listMetrics, type Formula, type MetricDef } from './catalog/index.ts';
import { FEEDBACK_ROWS } from './catalog/feedback.ts';
import type { MetricEntity } from './catalog/types.ts';
import {
  DIMENSION_ALIASES,
  dimensionIds,
  findDimension,
  JOINS,
  metricDimensionIds,
  metricEntities,
  scopeFilters,
  TEAM_ENTITIES,
  type Join,
} from './dimensions.ts';
import { compareComponents, estimate, type Components } from './statistics.ts';
import { evaluateFormula, FORMULA_ENTITIES, type CompiledFormula } from './custom/compile.ts';
import { loadCustomMetrics, toMetricDef } from './custom/definition.ts';
import { judgeRows, type Attainment } from '../kpi/targets.ts';
import { periodEnds, rollupComponents } from './rollups/index.ts';
import { modelClvRows } from '../analytics/clv-metric-rows.ts';

/**
 * The one metric query behind `cxkpi query`, `POST /api/v1/query` and (later) dashboards,
 * reports and alerts. Each metric becomes one SQL statement that returns additive components
 * per period and group; the formula and the statistics are applied to those sums.
 */
const ZDate = z.string().refine(isDate, 'must be a date such as 2026-01-01');

export const ZMetricQuery = z
  .object({
    metrics: z.array(z.string()).min(1, 'name at least one metric').max(20),
    from: ZDate,
    to: ZDate,
    grain: z.enum(GRAINS).default('month'),
    by: z.array(z.string()).max(3, 'group by at most three dimensions').default([]),
    where: z.record(z.string(), z.union([z.string(), z.array(z.string()).min(1)])).default({}),
    tz: z.string().refine(isTimeZone, 'is not an IANA time zone').optional(),
    compare: z.enum(['previous', 'year']).optional(),
    options: z.record(z.string(), z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]))).default({}),
    /** Durations count only the organization's business hours (metrics with a duration). */
    business_hours: z.boolean().default(false),
    /** Read raw rows even where rollups could answer (to compare, or to rule rollups out). */
    exact: z.boolean().default(false),
  })
  .refine((q) => q.from < q.to, { message: 'from must be before to (the range is [from, to))', path: ['to'] })
  .refine((q) => q.grain !== 'day' || daysBetween(q.from, q.to) <= 3 * 366, {
    message: 'a daily grain covers at most three years',
    path: ['grain'],
  });
export type MetricQuery = z.input<typeof ZMetricQuery>;
/**
 * A validated query, the part of the data its caller may see, and a count of the reads that
 * answered it from rollups and from raw rows (meta.source).
 */
type ParsedQuery = z.infer<typeof ZMetricQuery> & {
  scope?: DataScope;
  trace?: { rollup: number; raw: number };
  /** Components computed in this request, by part and range. */
  cache?: Map<string, Promise<{ map: Map<string, Components>; trace: { rollup: number; raw: number } }>>;
};

// The answer's shape is the HTTP contract's (src/contract/api.ts), which the dashboard imports too.
export type { MetricResult, MetricRow, MetricSource } from '../contract/api.ts';
import type { MetricResult, MetricRow, MetricSource } from '../contract/api.ts';

export type PreparedMetric = Prepared;
interface Prepared {
  metric: MetricDef;
  /** Every option of the metric, defaults filled in. */
  options: Record<string, string | number | boolean>;
  where: string;
  formula: Formula;
  aggregate: 'median' | 'mean' | 'p90';
  businessHours: boolean;
}

/**
 * SQL for C(t), the open seconds of the business calendar up to instant t, from arrays of the
 * open intervals (epoch seconds) joined in as `bh`: width_bucket finds the last interval starting
 * at or before t by binary search. Business seconds between a and b are C(b) - C(a).
 */
function openSecondsUntil(t: string): string {
  const x = `extract(epoch from ${t})`;
  const i = `width_bucket(${x}, bh.starts)`;
  return (
    `(case when ${t} is null then null when ${i} = 0 then 0 else bh.before[${i}] + ` +
    `greatest(0, least(${x} - bh.starts[${i}], bh.ends[${i}] - bh.starts[${i}])) end)`
  );
}

/**
 * The business calendars as arrays for `bh`, covering every open interval that can matter: one
 * row per team with its own schedule and one (team '') for everyone else, joined by the row's team.
 */
async function businessCalendarSql(
  db: Db,
  org: Organization,
  item: Prepared,
  hours: BusinessHours,
  fromInstant: string,
  toInstant: string,
): Promise<RawBuilder<unknown>> {
  const { start } = item.metric.duration!;
  const earliest = await sql<{ first: Date | null }>`
    select min(${sql.raw(start)}) as first from ${sql.raw(TABLES[item.metric.entity])} e
    where e.org_id = ${org.id}::uuid and ${sql.raw(`e.${item.metric.time}`)} >= ${fromInstant}::timestamptz
      and ${sql.raw(`e.${item.metric.time}`)} < ${toInstant}::timestamptz and (${sql.raw(item.where)})`.execute(
    db.kysely,
  );
  const first = earliest.rows[0]?.first ?? new Date(fromInstant);
  const teams = Object.keys(hours.teams);
  const calendars = [['', hours.organization] as const, ...Object.entries(hours.teams)].map(([team, schedule]) => {
    const rows = cumulativeOpenSeconds(
      schedule,
      new Date(first.getTime() - 86_400_000),
      new Date(Date.parse(toInstant) + 86_400_000),
    );
    return {
      team,
      starts: rows.map((r) => r.start.getTime() / 1000),
      ends: rows.map((r) => r.end.getTime() / 1000),
      before: rows.map((r) => r.cumulative_before),
    };
  });
  const teamOf = teams.length ? sql`case when e.team_id = any(${teams}::text[]) then e.team_id else '' end` : sql`''`;
  return sql`join (select * from json_to_recordset(${JSON.stringify(calendars)}::json)
    as x(team text, starts float8[], ends float8[], before float8[])) bh on bh.team = ${teamOf}`;
}

/** Custom KPIs of the organization among `ids` (looked up only when an id is not in the catalog). */
export async function customMetricsFor(db: Db, org: Organization, ids: string[]): Promise<Map<string, MetricDef>> {
  if (ids.every((id) => getMetric(id))) return new Map();
  const customs = await loadCustomMetrics(db, org);
  return new Map(customs.filter((c) => ids.includes(c.id)).map((c) => [c.id, toMetricDef(c)]));
}

export async function queryMetrics(
  db: Db,
  org: Organization,
  input: MetricQuery,
  context: { customs?: Map<string, MetricDef>; scope?: DataScope } = {},
): Promise<MetricResult> {
  const parsed = ZMetricQuery.safeParse(input);
  if (!parsed.success) {
    throw badRequest(
      'invalid-query',
      parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '),
    );
  }
  const query = parsed.data;
  const tz = query.tz ?? org.timezone;
  const customs = context.customs ?? (await customMetricsFor(db, org, query.metrics));
  const prepared = query.metrics.map((id) => prepare(id, query.options[id] ?? {}, query.business_hours, customs));
  prepared.forEach((item) => checkDimensions(item.metric, query.by, query.where));
  prepared.forEach((item) => checkScope(item, context.scope, query.by, query.where));
  for (const item of prepared) {
    if (item.formula.kind === 'custom')
      await checkFormulaScope(db, org, item.metric.id, item.formula.compiled, context.scope);
  }
  const scoped: ParsedQuery = { ...query, scope: context.scope, cache: new Map() };
  const schedule = query.business_hours ? await getBusinessHours(db.kysely, org) : undefined;
  const rows: MetricRow[] = [];
  const now = new Date();
  const spans = await getDataSpans(
    db.kysely,
    org.id,
    tz,
    prepared.flatMap((item) => [...metricEntities(item.metric)]),
  );
  const dataSpan: Record<string, DataSpan> = {};
  const source: Record<string, MetricSource> = {};
  // The metrics of a request run side by side (a pool of connections on a server).
  const results = await Promise.all(
    prepared.map(async (item) => {
      const span = (dataSpan[item.metric.id] = metricSpan(item.metric, spans));
      if (item.metric.id === 'clv' && item.options.method === 'model') {
        // The model-based variant (src/analytics/clv-metric-rows.ts) fits BG/NBD + Gamma-Gamma.
        source[item.metric.id] = 'raw';
        return modelClvRows(db, org, query, item.options, now);
      }
      const trace = { rollup: 0, raw: 0 };
      const traced: ParsedQuery = { ...scoped, trace };
      const periods = query.grain === 'all' ? [null] : listPeriods(query.from, query.to, query.grain);
      const partial = partialPeriods(query.grain, query.from, query.to, tz, span, now);
      const shift = query.compare ? comparisonShift(query.compare, query.grain, query.from, query.to) : undefined;
      const [current, before] = await Promise.all([
        fetchComponents(db, org, item, traced, tz, query.from, query.to, schedule),
        shift ? fetchComponents(db, org, item, traced, tz, shift.from, shift.to, schedule) : undefined,
      ]);
      const previous: Comparison | undefined =
        shift && before
          ? {
              components: before,
              period: shift.map,
              partial: partialPeriods(query.grain, shift.from, shift.to, tz, span, now),
            }
          : undefined;
      source[item.metric.id] = trace.raw ? (trace.rollup ? 'mixed' : 'raw') : 'rollup';
      return assemble(item, query.by, periods, current, partial, previous);
    }),
  );
  rows.push(...results.flat());
  await judgeRows(db, org.id, query, rows, new Map(prepared.map((item) => [item.metric.id, item.metric])));
  return {
    rows,
    meta: {
      tz,
      from: query.from,
      to: query.to,
      grain: query.grain,
      compare: query.compare ?? null,
      business_hours: query.business_hours,
      generated_at: now.toISOString(),
      data_span: dataSpan,
      source,
    },
  };
}

export { prepare as prepareMetric };
function prepare(
  id: string,
  options: Record<string, string | number | boolean>,
  businessHours: boolean,
  customs?: Map<string, MetricDef>,
): Prepared {
  const metric = getMetric(id) ?? customs?.get(id);
  if (!metric) {
    throw badRequest(
      'unknown-metric',
      `There is no metric "${id}"; see cxkpi metrics (${listMetrics().length} catalog metrics and the organization's custom KPIs).`,
    );
  }
  for (const name of Object.keys(options)) {
    if (!metric.options?.some((o) => o.id === name)) {
      const known = metric.options?.map((o) => o.id).join(', ') || 'none';
      throw badRequest('unknown-option', `Metric ${id} has no option "${name}" (options: ${known}).`);
    }
  }
  const resolved = Object.fromEntries((metric.options ?? []).map((o) => [o.id, options[o.id] ?? o.default]));
  const aggregate = String(resolved.aggregate ?? 'median');
  if (!['median', 'mean', 'p90'].includes(aggregate)) {
    throw badRequest('invalid-option', `${id}: aggregate is median, mean or p90.`);
  }
  const custom = metric.sqlFor?.(resolved) ?? {};
  let formula = custom.formula ?? metric.formula;
  if (businessHours && metric.duration) {
    // The calendar duration, wherever the formula uses it, becomes open seconds between the two.
    const { start, end } = metric.duration;
    const calendar = `extract(epoch from ${end} - ${start})`;
    const business = `(${openSecondsUntil(end)} - ${openSecondsUntil(start)})`;
    formula = JSON.parse(
      JSON.stringify(formula).replaceAll(JSON.stringify(calendar).slice(1, -1), JSON.stringify(business).slice(1, -1)),
    );
  }
  return {
    metric,
    options: resolved,
    where: custom.where ?? metric.where,
    formula,
    aggregate: aggregate as Prepared['aggregate'],
    businessHours: businessHours && Boolean(metric.duration),
  };
}

/** A metric that another is computed from, with the options of the whole that it also has. */
function preparePart(id: string, whole: Prepared): Prepared {
  const known = new Set(getMetric(id)!.options?.map((o) => o.id));
  return prepare(id, Object.fromEntries(Object.entries(whole.options).filter(([name]) => known.has(name))), false);
}

/** Which rows make customers active under the `activity` options (see ACTIVITY_OPTIONS). */
async function activityBasis(db: Db, org: Organization, options: Record<string, string | number | boolean>) {
  let activity = String(options.activity ?? 'auto');
  if (!['auto', 'subscriptions', 'orders', 'either'].includes(activity)) {
    throw badRequest('invalid-option', 'activity is auto, subscriptions, orders or either.');
  }
  const windowDays = Number(options.activity_window_days ?? 365);
  if (!Number.isInteger(windowDays) || windowDays < 1 || windowDays > 3660) {
    throw badRequest('invalid-option', 'activity_window_days is a whole number of days from 1 to 3660.');
  }
  if (activity === 'auto') {
    const any = await db.kysely
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
 * CLV per period and group: ARPU x margin over the churn rate pooled across the period and the
 * five before it (churned and start populations summed), or over the range for grain all.
 */
async function clvComponents(
  db: Db,
  org: Organization,
  item: Prepared,
  query: ParsedQuery,
  tz: string,
  from: string,
  to: string,
): Promise<Map<string, Components>> {
  const margin = Number(item.options.gross_margin ?? 1);
  if (!(margin > 0 && margin <= 1)) throw badRequest('invalid-option', 'clv: gross_margin is above 0 and at most 1.');
  const churnFrom = query.grain === 'all' ? from : addPeriods(periodStart(from, query.grain), query.grain, -5);
  const [arpu, churn] = await Promise.all([
    fetchComponents(db, org, preparePart('arpu', item), query, tz, from, to),
    fetchComponents(db, org, preparePart('customer_churn_rate', item), query, tz, churnFrom, to),
  ]);
  const map = new Map<string, Components>();
  for (const [key, a] of arpu) {
    const [period = null, ...ids] = JSON.parse(key) as Array<string | null>;
    let churned = 0;
    let start = 0;
    for (let back = 0; back < (query.grain === 'all' ? 1 : 6); back++) {
      const p = period === null ? null : addPeriods(period, query.grain as Exclude<Grain, 'all'>, -back);
      const c = churn.get(JSON.stringify([p, ...ids]));
      churned += Number(c?.churned ?? 0);
      start += Number(c?.n_start ?? 0);
    }
    const arpuValue = estimate(getMetric('arpu')!.formula, 'median', a).value;
    map.set(key, {
      n: start,
      s: arpuValue === null ? null : arpuValue * margin,
      den: start === 0 ? null : churned / start,
      group: a.group,
    });
  }
  return map;
}

/** The range to compare with, and how a period of the result maps to its comparison period. */
function comparisonShift(compare: 'previous' | 'year', grain: Grain, from: string, to: string) {
  if (compare === 'year') {
    return {
      from: addPeriods(from, 'year', -1),
      to: addPeriods(to, 'year', -1),
      map: (p: string | null) => (p === null ? null : addPeriods(p, 'year', -1)),
    };
  }
  if (grain === 'all') {
    const length = daysBetween(from, to);
    return { from: addDays(from, -length), to: from, map: () => null };
  }
  return {
    from: addPeriods(periodStart(from, grain), grain, -1),
    to: addPeriods(to, grain, -1),
    map: (p: string | null) => (p === null ? null : addPeriods(p, grain, -1)),
  };
}

const TABLES = {
  tickets: 'ticket',
  survey_responses: 'survey_response',
  survey_invitations: 'survey_invitation',
  customers: 'customer',
  orders: 'customer_order',
  costs: 'cost',
  reviews: 'review',
  feedback: FEEDBACK_ROWS,
} as const;

/** Each period of the range with its first and last day clipped to [from, to). */
function periodBounds(grain: Grain, from: string, to: string) {
  if (grain === 'all') return [{ period: null as string | null, start: from, end: to }];
  return listPeriods(from, to, grain).map((p) => {
    const next = addPeriods(p, grain, 1);
    return { period: p as string | null, start: p > from ? p : from, end: next < to ? next : to };
  });
}

function instant(date: string, tz: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(localToUtcMs(tz, y, m, d)).toISOString();
}

/** Components per period and group: key = JSON of [period, ...group ids]. */
async function fetchComponents(
  db: Db,
  org: Organization,
  item: Prepared,
  query: ParsedQuery,
  tz: string,
  from: string,
  to: string,
  schedule?: BusinessHours,
): Promise<Map<string, Components>> {
  // Metrics of one request that share a part (revenue in ARPU, CLV and support cost to revenue)
  // compute it once; the paths that answered it count for each metric that used it.
  const key = JSON.stringify([item.metric.id, item.where, item.formula, item.aggregate, item.businessHours, from, to]);
  let entry = query.cache?.get(key);
  if (!entry) {
    const trace = { rollup: 0, raw: 0 };
    entry = computeComponents(db, org, item, { ...query, trace }, tz, from, to, schedule).then((map) => ({
      map,
      trace,
    }));
    query.cache?.set(key, entry);
  }
  const { map, trace } = await entry;
  if (query.trace) {
    query.trace.rollup += trace.rollup;
    query.trace.raw += trace.raw;
  }
  return map;
}

async function computeComponents(
  db: Db,
  org: Organization,
  item: Prepared,
  query: ParsedQuery,
  tz: string,
  from: string,
  to: string,
  schedule?: BusinessHours,
): Promise<Map<string, Components>> {
  const { metric } = item;
  // Metrics combined from others group and filter in each part's own query.
  if (item.formula.kind === 'custom') {
    return customComponents(db, org, item, item.formula.compiled, query, tz, from, to, schedule);
  }
  if (item.formula.kind === 'clv') return clvComponents(db, org, item, query, tz, from, to);
  if (item.formula.kind === 'sum_of_metrics')
    return sumOfMetrics(db, org, item, item.formula.parts, query, tz, from, to, schedule);
  if (item.formula.kind === 'ratio_of_metrics')
    return ratioOfMetrics(db, org, item, item.formula, query, tz, from, to, schedule);
  if (!item.businessHours) {
    const rolled = await rollupComponents(db, org, item, query, tz, {
      from,
      to,
      bounds: periodEnds(query.grain, from, to),
    });
    if (rolled) {
      if (query.trace) query.trace.rollup++;
      return rolled;
    }
  }
  if (query.trace) query.trace.raw++;
  const { joins, groupSelects, filters } = dimensionSql(metric, query.by, query.where, query.scope);
  const time = sql.raw(`e.${metric.time}`);
  if (metric.series) {
    // The series dimension comes first and is always grouped.
    groupSelects.unshift(sql`${sql.raw(metric.series.sql)} as ${sql.ref('gs')}`, sql`null as ${sql.ref('gs_name')}`);
  }
  const groupRefs = [...(metric.series ? ['gs'] : []), ...query.by.map((_, i) => `g${i}`)];
  const groupBy = [sql`1`, ...groupRefs.map((ref) => sql.ref(ref))];
  const seriesJoin = metric.series ? ` ${metric.series.join}` : '';
  const joinSql =
    item.businessHours && schedule
      ? sql`${sql.raw([...joins].map((j) => JOINS[j]).join(' ') + seriesJoin)} ${await businessCalendarSql(db, org, item, schedule, instant(from, tz), instant(to, tz))}`
      : sql.raw([...joins].map((j) => JOINS[j]).join(' ') + seriesJoin);
  const filterSql = filters.length ? sql`and ${sql.join(filters, sql` and `)}` : sql``;
  const groupSql = groupSelects.length ? sql`${sql.join(groupSelects)},` : sql``;
  let result;
  if (item.formula.kind === 'prorated_mrr') {
    // Each period cut at calendar-month boundaries (local time); a slice pays MRR x its share of the month.
    const slices = periodBounds(query.grain, from, to).flatMap((p) =>
      listPeriods(p.start, p.end, 'month').map((m) => {
        const monthEnd = addPeriods(m, 'month', 1);
        const start = instant(m > p.start ? m : p.start, tz);
        const end = instant(monthEnd < p.end ? monthEnd : p.end, tz);
        const monthSeconds = (Date.parse(instant(monthEnd, tz)) - Date.parse(instant(m, tz))) / 1000;
        return { period: p.period, start_at: start, end_at: end, month_seconds: monthSeconds };
      }),
    );
    result = await sql<Record<string, unknown>>`
      select p.period, ${groupSql} count(distinct c.customer_id) as n,
        sum(s.mrr_reporting::float8 * extract(epoch from least(coalesce(s.ended_at, 'infinity'), p.end_at)
          - greatest(s.started_at, p.start_at)) / p.month_seconds) as s
      from json_to_recordset(${JSON.stringify(slices)}::json)
        as p(period text, start_at timestamptz, end_at timestamptz, month_seconds float8)
      join subscription s on s.org_id = ${org.id}::uuid and s.started_at < p.end_at
        and (s.ended_at is null or s.ended_at > p.start_at)
      cross join lateral (select s.org_id, s.customer_id) c
      left join customer e on e.org_id = c.org_id and e.id = c.customer_id
      where true ${filterSql}
      group by ${sql.join(groupBy)}`.execute(db.kysely);
  } else if (item.formula.kind === 'prorated_sum') {
    const periods = periodBounds(query.grain, from, to).map((p) => ({
      period: p.period,
      start_date: p.start,
      end_date: p.end,
    }));
    result = await sql<Record<string, unknown>>`
      select p.period, ${groupSql} count(*) as n,
        sum(${sql.raw(item.formula.amount)} * (least(e.period_end + 1, p.end_date) - greatest(e.period_start, p.start_date))::float8
          / (e.period_end + 1 - e.period_start)) as s
      from json_to_recordset(${JSON.stringify(periods)}::json) as p(period text, start_date date, end_date date)
      join cost e on e.org_id = ${org.id}::uuid and e.period_start < p.end_date and e.period_end >= p.start_date
      ${joinSql}
      where (${sql.raw(item.where)}) ${filterSql}
      group by ${sql.join(groupBy)}`.execute(db.kysely);
  } else if (item.formula.kind === 'customer_state') {
    const periods = periodBounds(query.grain, from, to).map((p) => ({
      period: p.period,
      start_at: instant(p.start, tz),
      end_at: instant(p.end, tz),
    }));
    const { subscriptions, orders, windowDays } = await activityBasis(db, org, item.options);
    // Activity spans [start_at, end_at): subscriptions, and each completed order for the window.
    // A customer is active at t when a span contains t; only spans touching a period matter to it.
    const on = (at: string) => `sp.start_at <= ${at} and sp.end_at > ${at}`;
    result = await sql<Record<string, unknown>>`
      with spans as (
        select s.customer_id, s.started_at as start_at, coalesce(s.ended_at, 'infinity') as end_at,
          s.mrr_reporting::float8 as mrr
        from subscription s where s.org_id = ${org.id}::uuid and ${subscriptions}
        union all
        select o.customer_id, o.ordered_at, o.ordered_at + make_interval(days => ${windowDays}), 0
        from customer_order o where o.org_id = ${org.id}::uuid and o.status = 'completed' and ${orders}
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
      join firsts c on c.customer_id = p.customer_id
      left join customer e on e.org_id = c.org_id and e.id = c.customer_id
      where true ${filterSql}
      group by ${sql.join(groupBy)}`.execute(db.kysely);
  } else if (item.formula.kind === 'orders_per_customer') {
    // Orders counted per customer first, then customers per period and group.
    const period =
      query.grain === 'all' ? sql`null::text` : sql`date_trunc(${query.grain}, ${time} at time zone ${tz})::date::text`;
    const outerGroups = query.by.flatMap((_, i) => [
      sql`t.${sql.ref(`g${i}`)}`,
      sql`min(t.${sql.ref(`g${i}_name`)}) as ${sql.ref(`g${i}_name`)}`,
    ]);
    const innerGroupBy = [sql`1`, sql`e.customer_id`, ...query.by.map((_, i) => sql.ref(`g${i}`))];
    result = await sql<Record<string, unknown>>`
      select t.period, ${outerGroups.length ? sql`${sql.join(outerGroups)},` : sql``}
        count(*) as n, count(*) filter (where t.orders >= 2) as k,
        sum(t.orders)::float8 as s, sum(t.orders::float8 * t.orders) as ss
      from (
        select ${period} as period, ${groupSql} count(*) as orders
        from customer_order e ${joinSql}
        where e.org_id = ${org.id}::uuid
          and ${time} >= ${instant(from, tz)}::timestamptz and ${time} < ${instant(to, tz)}::timestamptz
          and (${sql.raw(item.where)}) ${filterSql}
        group by ${sql.join(innerGroupBy)}
      ) t
      group by ${sql.join([sql`1`, ...query.by.map((_, i) => sql`t.${sql.ref(`g${i}`)}`)])}`.execute(db.kysely);
  } else if (item.formula.kind === 'open_at_end') {
    return openAtEnd(db, org, item, item.formula.until, query, tz, from, to, joinSql, groupSql, filterSql);
  } else {
    const period =
      query.grain === 'all' ? sql`null::text` : sql`date_trunc(${query.grain}, ${time} at time zone ${tz})::date::text`;
    result = await sql<Record<string, unknown>>`
      select ${period} as period, ${groupSql}
        ${componentsSql(item)}
      from ${sql.raw(TABLES[metric.entity])} e ${joinSql}
        ${item.formula.kind === 'distribution' ? sql.raw(`cross join lateral (select (${item.formula.value})::float8 as x) v`) : sql``}
      where e.org_id = ${org.id}::uuid
        and ${time} >= ${instant(from, tz)}::timestamptz and ${time} < ${instant(to, tz)}::timestamptz
        and (${sql.raw(item.where)})
        ${filterSql}
      group by ${sql.join(groupBy)}`.execute(db.kysely);
  }

  return componentMap(result.rows, query.by, metric.series);
}

/** The sum of other metrics per period and group (revenue); a part without a value adds nothing. */
async function sumOfMetrics(
  db: Db,
  org: Organization,
  item: Prepared,
  ids: string[],
  query: ParsedQuery,
  tz: string,
  from: string,
  to: string,
  schedule?: BusinessHours,
): Promise<Map<string, Components>> {
  const parts = ids.map((id) => preparePart(id, item));
  const maps = await Promise.all(parts.map((part) => fetchComponents(db, org, part, query, tz, from, to, schedule)));
  const map = new Map<string, Components>();
  for (const key of new Set(maps.flatMap((m) => [...m.keys()]))) {
    let sum = 0;
    let n = 0;
    let group: Record<string, string | null> = {};
    for (const [i, part] of parts.entries()) {
      const c = maps[i]!.get(key);
      if (c) group = c.group;
      const value = estimate(part.formula, part.aggregate, c);
      sum += value.value ?? 0;
      n += value.n;
    }
    map.set(key, { n, s: sum, group });
  }
  return map;
}

/**
 * One metric divided by another for the same periods and groups: s = the numerator's value, den =
 * the denominator's (either may be null: no value), n = the denominator's n.
 */
async function ratioOfMetrics(
  db: Db,
  org: Organization,
  item: Prepared,
  formula: { numerator: string; denominator: string },
  query: ParsedQuery,
  tz: string,
  from: string,
  to: string,
  schedule?: BusinessHours,
): Promise<Map<string, Components>> {
  const [top, bottom] = [formula.numerator, formula.denominator].map((id) => preparePart(id, item)) as [
    Prepared,
    Prepared,
  ];
  const [a, b] = await Promise.all(
    [top, bottom].map((part) => fetchComponents(db, org, part, query, tz, from, to, schedule)),
  );
  const map = new Map<string, Components>();
  for (const key of new Set([...a!.keys(), ...b!.keys()])) {
    const x = a!.get(key);
    const y = b!.get(key);
    const denominator = estimate(bottom.formula, bottom.aggregate, y);
    map.set(key, {
      n: denominator.n,
      s: estimate(top.formula, top.aggregate, x).value,
      den: denominator.value,
      group: (x ?? y)!.group,
    });
  }
  return map;
}

/**
 * A custom KPI per period and group: one query per entity computes the components of all its
 * aggregates (filtered counts and sums), catalog metrics it uses come from their own queries,
 * and the formula combines them. n is the smallest n of the parts; a formula that is a single
 * share or average keeps its components, so it gets an interval and a significance test.
 */
async function customComponents(
  db: Db,
  org: Organization,
  item: Prepared,
  compiled: CompiledFormula,
  query: ParsedQuery,
  tz: string,
  from: string,
  to: string,
  schedule?: BusinessHours,
): Promise<Map<string, Components>> {
  const maps: Array<{ aliases: string[]; map: Map<string, Components> }> = [];
  if (query.trace && compiled.entities.length) query.trace.raw++;
  for (const entity of compiled.entities) {
    const aggregates = compiled.aggregates.filter((a) => a.entity === entity);
    // A formula on agents is per-agent: an agent's scope keeps it to their own rows.
    const { joins, groupSelects, filters } = dimensionSql(
      { id: item.metric.id, entity },
      query.by,
      query.where,
      query.scope,
      compiled.names.onAgent,
    );
    aggregates.forEach((a) => a.joins.forEach((j) => joins.add(j)));
    const time = sql.raw(`e.${FORMULA_ENTITIES[entity]!.time}`);
    const period =
      query.grain === 'all' ? sql`null::text` : sql`date_trunc(${query.grain}, ${time} at time zone ${tz})::date::text`;
    const rows = await sql<Record<string, unknown>>`
      select ${period} as period, ${groupSelects.length ? sql`${sql.join(groupSelects)},` : sql``}
        ${sql.join(aggregates.flatMap((a) => a.select))}
      from ${sql.raw(TABLES[entity])} e ${sql.raw([...joins].map((j) => JOINS[j]).join(' '))}
      where e.org_id = ${org.id}::uuid
        and ${time} >= ${instant(from, tz)}::timestamptz and ${time} < ${instant(to, tz)}::timestamptz
        ${filters.length ? sql`and ${sql.join(filters, sql` and `)}` : sql``}
      group by ${sql.join([sql`1`, ...query.by.map((_, i) => sql.ref(`g${i}`))])}`.execute(db.kysely);
    maps.push({ aliases: aggregates.map((a) => a.alias), map: componentMap(rows.rows, query.by) });
  }
  const metricMaps = new Map<string, Map<string, Components>>();
  for (const id of compiled.metrics) {
    metricMaps.set(id, await fetchComponents(db, org, prepare(id, {}, false), query, tz, from, to, schedule));
  }
  const keys = new Set([
    ...maps.flatMap((m) => [...m.map.keys()]),
    ...[...metricMaps.values()].flatMap((m) => [...m.keys()]),
  ]);
  const single = compiled.tree.type === 'aggregate' ? compiled.aggregates[0]! : undefined;
  const result = new Map<string, Components>();
  for (const key of keys) {
    let group: Record<string, string | null> = {};
    const ns: number[] = [];
    const aggregate = (alias: string) => {
      const entry = maps.find((m) => m.aliases.includes(alias))!.map.get(key);
      if (!entry) return (ns.push(0), undefined);
      group = entry.group;
      const components = Object.fromEntries(
        ['n', 'k', 's', 'ss'].map((suffix) => [suffix, entry[`${alias}_${suffix}`] ?? null]),
      );
      ns.push(Number(components.n ?? 0));
      return components;
    };
    const metric = (id: string) => {
      const components = metricMaps.get(id)!.get(key);
      if (components) group = components.group;
      const value = estimate(getMetric(id)!.formula, 'median', components);
      ns.push(value.n);
      return value.value;
    };
    const value = evaluateFormula(compiled, { aggregate, metric });
    const components = single ? aggregate(single.alias) : undefined;
    result.set(key, { ...components, value, n: Math.min(...ns), group });
  }
  return result;
}

/**
 * Rows open at each period's end, in one pass: with the period ends E1 < ... < En, a row is open
 * at Ei when it started before Ei and did not end before Ei (import guarantees end >= start).
 * width_bucket places each start and each end among the Ei; the +1s and -1s per bucket, summed
 * in order, give the open count at every end (instead of joining every end to every older row).
 * The starts alone, summed the same way, give the population: rows started before Ei (n), so a
 * period after which everything is closed has 0 open, not no value. A row closed before E1 only
 * adds to the population (one value row instead of a +1 and a -1).
 */
async function openAtEnd(
  db: Db,
  org: Organization,
  item: Prepared,
  until: string,
  query: ParsedQuery,
  tz: string,
  from: string,
  to: string,
  joinSql: RawBuilder<unknown>,
  groupSql: RawBuilder<unknown>,
  filterSql: RawBuilder<unknown>,
): Promise<Map<string, Components>> {
  const bounds = periodBounds(query.grain, from, to);
  const ends = bounds.map((p) => instant(p.end, tz));
  const time = sql.raw(`e.${item.metric.time}`);
  const endsSql = sql`${`{${ends.join(',')}}`}::timestamptz[]`;
  const groupRefs = query.by.flatMap((_, i) => [sql.ref(`g${i}`)]);
  const result = await sql<Record<string, unknown>>`
    select d.bucket, ${groupSql} sum(d.delta)::int as delta, sum(d.started)::int as started
    from ${sql.raw(TABLES[item.metric.entity])} e ${joinSql}
    cross join lateral (values
      (width_bucket(${time}, ${endsSql}) + 1, case when ${sql.raw(until)} < ${ends[0]!}::timestamptz then 0 else 1 end, 1),
      (case when ${sql.raw(until)} >= ${ends[0]!}::timestamptz and ${sql.raw(until)} < ${ends.at(-1)!}::timestamptz
        then width_bucket(${sql.raw(until)}, ${endsSql}) + 1 end, -1, 0))
      d(bucket, delta, started)
    where e.org_id = ${org.id}::uuid and ${time} < ${ends.at(-1)!}::timestamptz
      and d.bucket is not null and (${sql.raw(item.where)}) ${filterSql}
    group by ${sql.join([sql`1`, ...groupRefs])}`.execute(db.kysely);
  // Running sums per group over the buckets 1..n: the open count and the population at each end.
  const groups = new Map<
    string,
    { ids: Array<string | null>; row: Record<string, unknown>; deltas: number[]; starts: number[] }
  >();
  for (const row of result.rows) {
    const ids = query.by.map((_, i) => row[`g${i}`] as string | null);
    const key = JSON.stringify(ids);
    const size = ends.length + 1;
    const entry = groups.get(key) ?? {
      ids,
      row,
      deltas: new Array<number>(size).fill(0),
      starts: new Array<number>(size).fill(0),
    };
    const bucket = Number(row.bucket) - 1;
    entry.deltas[bucket] = entry.deltas[bucket]! + Number(row.delta);
    entry.starts[bucket] = entry.starts[bucket]! + Number(row.started);
    if (row.g0_name !== undefined) entry.row = { ...entry.row, ...row };
    groups.set(key, entry);
  }
  const rows: Array<Record<string, unknown>> = [];
  for (const { row, deltas, starts } of groups.values()) {
    let open = 0;
    let started = 0;
    for (const [i, bound] of bounds.entries()) {
      open += deltas[i]!;
      started += starts[i]!;
      if (started > 0) rows.push({ ...row, period: bound.period, n: started, k: open });
    }
  }
  return componentMap(rows, query.by, item.metric.series);
}

/** Query rows (period, g0, g0_name, ... components) as components keyed by period and group ids. */
function componentMap(rows: Array<Record<string, unknown>>, by: string[], series?: MetricDef['series']) {
  const map = new Map<string, Components>();
  for (const row of rows) {
    const group: Record<string, string | null> = {};
    const ids: Array<string | null> = [];
    if (series) {
      ids.push(row.gs as string | null);
      group[series.dimension] = row.gs as string | null;
    }
    for (const [i, id] of by.entries()) {
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

/** Joins, group-by columns (g0, g0_name, ...) and filters of a query's dimensions. */
function dimensionSql(
  metric: Pick<MetricDef, 'id' | 'entity'>,
  by: string[],
  where: Record<string, string | string[]>,
  scope?: DataScope,
  perAgent = false,
) {
  const joins = new Set<Join>();
  const groupSelects: RawBuilder<unknown>[] = [];
  const valueOf = (id: string) => {
    const dimension = findDimension(metric.entity, id);
    if (!dimension) throw unknownDimension(metric, id);
    dimension.joins.forEach((j) => joins.add(j));
    return {
      dimension,
      value: dimension.attribute ? sql`${sql.raw(dimension.sql)} ->> ${dimension.attribute}` : sql.raw(dimension.sql),
    };
  };
  for (const [i, id] of by.entries()) {
    const { dimension, value } = valueOf(id);
    groupSelects.push(sql`${value} as ${sql.ref(`g${i}`)}`);
    groupSelects.push(
      sql`${dimension.name ? sql.raw(`min(${dimension.name})`) : sql`null`} as ${sql.ref(`g${i}_name`)}`,
    );
  }
  const filters: RawBuilder<unknown>[] = [];
  for (const [id, raw] of Object.entries(where)) {
    const { value } = valueOf(id);
    const values = (Array.isArray(raw) ? raw : raw.split(',')).map((v) => v.trim());
    if (values.some((v) => v.includes('\0')))
      throw badRequest('invalid-filter', `where.${id}: contains a NUL character`);
    filters.push(sql`${value} in (${sql.join(values)})`);
  }
  filters.push(...scopeFilters(metric.entity, scope, perAgent || by.includes('agent') || 'agent' in where));
  return { joins, groupSelects, filters };
}

/** Refuses what a scoped caller may not see: data without teams, and per-agent numbers for viewers. */
function checkScope(item: Prepared, scope: DataScope | undefined, by: string[], where: Record<string, unknown>) {
  if (!scope) return;
  if (scope.aggregatesOnly && (by.includes('agent') || 'agent' in where)) {
    throw new AppError(403, 'forbidden', 'Numbers of single agents are not shown to viewers.');
  }
  const refusal = metricRefusal(item.metric, scope);
  if (refusal) throw new AppError(403, 'forbidden', refusal.message);
}

/**
 * Why a caller with this scope may not query a metric at all, or null when they may: team leads
 * and agents see team data only. GET /api/v1/metrics shows it, so screens offer what answers.
 */
export function metricRefusal(
  metric: MetricDef,
  scope: DataScope | undefined,
): { code: 'not-team-data'; entities: MetricEntity[]; message: string } | null {
  if (!scope || (!scope.teams && scope.agentId === undefined)) return null;
  const outside = [...metricEntities(metric)].filter((e) => !TEAM_ENTITIES.has(e));
  if (!outside.length) return null;
  return {
    code: 'not-team-data',
    entities: outside,
    message: `${metric.names.en} is computed from ${outside.join(', ')}, which are not team data; ask a manager.`,
  };
}

/**
 * Refuses a custom KPI whose formula names an agent or a team outside the caller's scope: a
 * viewer any single agent, an agent anyone but themself or another team, a team lead a team or
 * an agent (by the agent's team) outside theirs. The scope's conditions also apply inside the
 * formula's SQL (customComponents), so this answers why instead of a silently empty value.
 */
async function checkFormulaScope(
  db: Db,
  org: Organization,
  id: string,
  compiled: CompiledFormula,
  scope: DataScope | undefined,
) {
  const { agent: agents, team: teams } = compiled.names;
  if (!scope || (!agents.length && !teams.length)) return;
  const refuse = (what: string) => {
    throw new AppError(403, 'forbidden', `The formula of ${id} names ${what}, outside the data you may see.`);
  };
  if (scope.aggregatesOnly && agents.length) refuse(`agent ${agents.join(', ')} (viewers see no single agents)`);
  if (scope.agentId !== undefined) {
    const others = agents.filter((a) => a !== scope.agentId);
    if (others.length) refuse(`agent ${others.join(', ')}`);
  }
  if (scope.teams) {
    const allowed = scope.teams;
    const outside = teams.filter((t) => !allowed.includes(t));
    if (outside.length) refuse(`team ${outside.join(', ')}`);
    if (scope.agentId === undefined && agents.length) {
      const known = await db.kysely
        .selectFrom('agent')
        .select(['id', 'team_id'])
        .where('org_id', '=', org.id)
        .where('id', 'in', agents)
        .execute();
      const inTeams = new Set(known.filter((a) => a.team_id !== null && allowed.includes(a.team_id)).map((a) => a.id));
      const strangers = agents.filter((a) => !inTeams.has(a));
      if (strangers.length) refuse(`agent ${strangers.join(', ')}`);
    }
  }
}

function componentsSql(item: Prepared): RawBuilder<unknown> {
  const f = item.formula;
  switch (f.kind) {
    case 'count':
      return f.counted ? sql.raw(`count(*) as n, count(*) filter (where ${f.counted}) as k`) : sql`count(*) as n`;
    case 'open_at_end':
    case 'customer_state': // these have queries of their own
    case 'prorated_sum':
    case 'ratio_of_metrics':
    case 'prorated_mrr':
    case 'sum_of_metrics':
    case 'orders_per_customer':
    case 'clv':
    case 'custom':
      return sql`count(*) as n`;
    case 'sum':
      return sql.raw(`count(${f.value}) as n, sum(${f.value})::float8 as s`);
    case 'proportion':
      return sql.raw(`count(*) as n, count(*) filter (where ${f.success}) as k`);
    case 'nps':
      return sql.raw(
        'count(*) as n, count(*) filter (where e.score >= 9) as promoters, count(*) filter (where e.score <= 6) as detractors',
      );
    case 'mean':
      return sql.raw(
        `count(${f.value}) as n, sum(${f.value})::float8 as s, sum((${f.value})::float8 * (${f.value})) as ss`,
      );
    case 'distribution': {
      // A percentile needs only the sorted values; the mean only sums (each computed once).
      if (item.aggregate === 'mean') {
        return sql.raw(`count(v.x) as n, sum(v.x) as s, sum(v.x * v.x) as ss`);
      }
      const p = item.aggregate === 'p90' ? 0.9 : 0.5;
      return sql.raw(`count(v.x) as n, percentile_cont(${p}) within group (order by v.x) as pct`);
    }
  }
}

/** Refuses a dimension (by or where) that not every part of the metric has, or one named twice. */
function checkDimensions(metric: MetricDef, by: string[], where: Record<string, unknown>) {
  const entities = [...metricEntities(metric)];
  const canonical = (id: string) => {
    const found = entities.map((entity) => findDimension(entity, id)?.id);
    if (found.some((d) => d === undefined) || new Set(found).size > 1) throw unknownDimension(metric, id);
    return found[0]!;
  };
  const seen = new Map<string, string>();
  for (const id of by) {
    const name = canonical(id);
    if (seen.has(name)) {
      throw badRequest(
        'invalid-query',
        `by: ${seen.get(name)} and ${id} are the same dimension (${name}); name it once.`,
      );
    }
    seen.set(name, id);
  }
  Object.keys(where).forEach(canonical);
}

function unknownDimension(metric: MetricDef | Pick<MetricDef, 'id' | 'entity'>, id: string) {
  const known = 'formula' in metric ? metricDimensionIds(metric) : dimensionIds(metric.entity);
  return badRequest(
    'unknown-dimension',
    `${metric.id} cannot be grouped or filtered by "${id}"; use ${known.join(', ') || 'no dimension'}` +
      ` (a field of the customer may also be named without "customer.": ${DIMENSION_ALIASES.join(', ')}).`,
  );
}

/** The range compared with: its components, how a period maps to its own, which are partial. */
interface Comparison {
  components: Map<string, Components>;
  period: (period: string | null) => string | null;
  partial: (period: string | null) => boolean;
}

/**
 * The span of a metric's data: from the latest first day to the earliest last day of the entities
 * it is computed from (revenue is complete where orders and subscriptions both are); entities
 * without any data do not count. Null when there is no data at all.
 */
function metricSpan(metric: MetricDef, spans: Map<MetricEntity, DataSpan>): DataSpan {
  const known = [...metricEntities(metric)].map((e) => spans.get(e)).filter((s): s is NonNullable<DataSpan> => !!s);
  if (!known.length) return null;
  return {
    first: known.map((s) => s.first).reduce((a, b) => (a > b ? a : b)),
    last: known.map((s) => s.last).reduce((a, b) => (a < b ? a : b)),
  };
}

/**
 * Which periods of a range are partial (docs/metrics.md, "Partial periods"): the range cuts the
 * calendar period, the period ends after now, or it is not inside the data's span (starts before
 * its first day or ends after its last day). Grain all: the range itself.
 */
function partialPeriods(grain: Grain, from: string, to: string, tz: string, span: DataSpan, now: Date) {
  const bounds = new Map(periodBounds(grain, from, to).map((b) => [b.period, b]));
  return (period: string | null): boolean => {
    const bound = bounds.get(period);
    if (!bound) return false;
    const cut =
      period !== null && grain !== 'all' && (bound.start !== period || bound.end !== addPeriods(period, grain, 1));
    const future = Date.parse(instant(bound.end, tz)) > now.getTime();
    const outside = span !== null && (bound.start < span.first || bound.end > addDays(span.last, 1));
    return cut || future || outside;
  };
}

/** Rows for every period and group, with nulls for periods without data. */
function assemble(
  item: Prepared,
  by: string[],
  periods: Array<string | null>,
  current: Map<string, Components>,
  partial: (period: string | null) => boolean,
  previous: Comparison | undefined,
): MetricRow[] {
  const groups = new Map<string, { ids: Array<string | null>; group: Record<string, string | null> }>();
  for (const [key, components] of current) {
    const ids = (JSON.parse(key) as Array<string | null>).slice(1);
    const groupKey = JSON.stringify(ids);
    if (!groups.has(groupKey)) groups.set(groupKey, { ids, group: components.group });
  }
  if (!by.length && !groups.size) groups.set('[]', { ids: [], group: {} });
  const rows: MetricRow[] = [];
  const sortedGroups = [...groups.values()].sort((a, b) => compareIds(a.ids, b.ids));
  for (const period of periods) {
    for (const { ids, group } of sortedGroups) {
      const components = current.get(JSON.stringify([period, ...ids]));
      const value = estimate(item.formula, item.aggregate, components);
      const row: MetricRow = {
        metric: item.metric.id,
        period,
        group: { ...group },
        value: value.value,
        n: value.n,
        ci_low: value.low,
        ci_high: value.high,
        low_sample: value.n < item.metric.minSample,
        partial: partial(period),
      };
      if (previous) {
        const before = previous.components.get(JSON.stringify([previous.period(period), ...ids]));
        const was = estimate(item.formula, item.aggregate, before);
        const comparison = compareComponents(item.formula, item.aggregate, components, before);
        row.previous = was.value;
        row.delta = value.value !== null && was.value !== null ? value.value - was.value : null;
        row.significant = comparison;
        row.previous_partial = previous.partial(previous.period(period));
      }
      rows.push(row);
    }
  }
  return rows;
}

function compareIds(a: Array<string | null>, b: Array<string | null>): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** The rows behind a metric's value: its population in the range, with the filters of a query. */
export const ZMetricRowsQuery = z
  .object({
    metric: z.string(),
    from: ZDate,
    to: ZDate,
    where: z.record(z.string(), z.union([z.string(), z.array(z.string()).min(1)])).default({}),
    tz: z.string().refine(isTimeZone, 'is not an IANA time zone').optional(),
    options: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
    business_hours: z.boolean().default(false),
    limit: z.number().int().min(1).max(100_000).default(1000),
  })
  .refine((q) => q.from < q.to, { message: 'from must be before to (the range is [from, to))', path: ['to'] });
export type MetricRowsQuery = z.input<typeof ZMetricRowsQuery>;

export interface MetricRowsResult {
  metric: string;
  columns: string[];
  rows: Array<Record<string, unknown>>;
  truncated: boolean;
}

const ROW_TABLES: Partial<Record<MetricDef['entity'], EntityName>> = {
  tickets: 'tickets',
  survey_responses: 'survey_responses',
  orders: 'orders',
};

export async function listMetricRows(
  db: Db,
  org: Organization,
  input: MetricRowsQuery,
  context: { scope?: DataScope } = {},
): Promise<MetricRowsResult> {
  const parsed = ZMetricRowsQuery.safeParse(input);
  if (!parsed.success) {
    throw badRequest(
      'invalid-query',
      parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '),
    );
  }
  const query = parsed.data;
  const tz = query.tz ?? org.timezone;
  const item = prepare(query.metric, query.options, query.business_hours);
  checkDimensions(item.metric, [], query.where);
  checkScope(item, context.scope, [], query.where);
  const entityName = ROW_TABLES[item.metric.entity];
  const f = item.formula;
  if (
    !entityName ||
    !['count', 'proportion', 'nps', 'mean', 'sum', 'distribution', 'orders_per_customer'].includes(f.kind)
  ) {
    throw badRequest(
      'rows-not-available',
      `${item.metric.id} is computed from states or other metrics, not from rows; list the underlying data with GET /api/v1/{entity}.`,
    );
  }
  const entity = getEntity(entityName)!;
  const { joins, filters } = dimensionSql(item.metric, [], query.where, context.scope, true);
  const explain: Array<[string, string]> = [];
  if (item.metric.series) explain.push([item.metric.series.dimension, item.metric.series.sql]);
  if (f.kind === 'proportion') explain.push(['counts_as_success', `(${f.success})`]);
  if (f.kind === 'count' && f.counted) explain.push(['counted', `(${f.counted})`]);
  if (f.kind === 'nps') explain.push(['promoter', 'e.score >= 9'], ['detractor', 'e.score <= 6']);
  if (f.kind === 'mean' || f.kind === 'sum' || f.kind === 'distribution')
    explain.push(['measured_value', `(${f.value})::float8`]);
  const time = sql.raw(`e.${item.metric.time}`);
  const from = instant(query.from, tz);
  const to = instant(query.to, tz);
  const joinText =
    [...joins].map((j) => JOINS[j]).join(' ') + (item.metric.series ? ` ${item.metric.series.join}` : '');
  const schedule = query.business_hours ? await getBusinessHours(db.kysely, org) : undefined;
  const calendar =
    item.businessHours && schedule ? await businessCalendarSql(db, org, item, schedule, from, to) : sql``;
  const columns = [...rowColumns(entity), ...explain.map(([name]) => name)];
  const result = await sql<Record<string, unknown>>`
    select ${sql.join([
      ...rowColumns(entity).map((c) => sql.ref(`e.${c}`)),
      ...explain.map(([name, expr]) => sql`${sql.raw(expr)} as ${sql.ref(name)}`),
    ])}
    from ${sql.raw(TABLES[item.metric.entity])} e ${sql.raw(joinText)} ${calendar}
    where e.org_id = ${org.id}::uuid and ${time} >= ${from}::timestamptz and ${time} < ${to}::timestamptz
      and (${sql.raw(item.where)}) ${filters.length ? sql`and ${sql.join(filters, sql` and `)}` : sql``}
    order by ${time}, e.id
    limit ${query.limit + 1}`.execute(db.kysely);
  return {
    metric: item.metric.id,
    columns,
    rows: result.rows.slice(0, query.limit),
    truncated: result.rows.length > query.limit,
  };
}
