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
import { localToUtcMs } from '../calendar/zoned-time.ts';
import { isTimeZone } from '../config.ts';
import type { Db } from '../db/connect.ts';
import { getDataSpans, type DataSpan } from '../directory/index.ts';
import type { DataScope } from '../auth/access.ts';
import { AppError, badRequest } from '../errors.ts';
import { getEntity } from '../ingest/index.ts';
import { rowColumns } from '../ingest/list-rows.ts';
import { getBusinessHours, type BusinessHours, type Organization } from '../orgs/index.ts';
import { getMetric, listMetrics, type MetricDef } from './catalog/index.ts';
import type { MetricEntity } from './catalog/types.ts';
import { businessCalendarSql, withDuration } from './business-hours-sql.ts';
import {
  DIMENSION_ALIASES,
  dimensionIds,
  dimensionSql,
  findDimension,
  JOINS,
  metricDimensionIds,
  metricEntities,
  TEAM_ENTITIES,
  type Join,
} from './dimensions.ts';
import { METRIC_ENTITIES } from './entities.ts';
import { kindOf, ownEntities, type KindContext, type PreparedMetric } from './kinds/index.ts';
import { compareComponents, estimate, type Components } from './statistics.ts';
import type { CompiledFormula } from './custom/compile.ts';
import { loadCustomMetrics, toMetricDef } from './custom/definition.ts';
import { judgeRows } from '../kpi/targets.ts';
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

export type { PreparedMetric };
type Prepared = PreparedMetric;

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
  const percentileError: Record<string, number> = {};
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
      let error = 0;
      for (const map of [current, before])
        for (const c of map?.values() ?? []) error = Math.max(error, Number(c.relative_error ?? 0));
      if (error > 0) percentileError[item.metric.id] = error;
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
      percentile_error: percentileError,
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
  // A duration is the calendar seconds between its timestamps, or the business seconds.
  const hours = businessHours && Boolean(metric.duration);
  return {
    metric,
    options: resolved,
    where: withDuration(metric, custom.where ?? metric.where, hours),
    formula: withDuration(metric, custom.formula ?? metric.formula, hours),
    aggregate: aggregate as Prepared['aggregate'],
    businessHours: hours,
  };
}

/** A metric that another is computed from, with the options of the whole that it also has. */
function preparePart(id: string, whole: Prepared): Prepared {
  const known = new Set(getMetric(id)!.options?.map((o) => o.id));
  return prepare(id, Object.fromEntries(Object.entries(whole.options).filter(([name]) => known.has(name))), false);
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
  const kind = kindOf(item.formula);
  if (!item.businessHours && kind.rollup.form !== 'combined' && kind.rollup.form !== 'raw') {
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
  // A metric combined from others reads through its parts, which count their own paths.
  if (query.trace && ownEntities(metric).length) query.trace.raw++;
  const dimensions = (entity: MetricEntity, perAgent: boolean, extra: Join[]) => {
    const dims = dimensionSql(
      entity,
      query.by,
      query.where,
      (id) => unknownDimension(entity === metric.entity ? metric : { id: metric.id, entity }, id),
      query.scope,
      perAgent,
    );
    extra.forEach((j) => dims.joins.add(j));
    return dims;
  };
  const time = sql.raw(`e.${metric.time}`);
  const groupRefs = [...(metric.series ? ['gs'] : []), ...query.by.map((_, i) => `g${i}`)];
  // The dimensions over the metric's own rows, built when its kind reads them: a metric combined
  // from others has no rows of its own, and its parts may have dimensions its entity lacks.
  let own: { joinText: string; dims: ReturnType<typeof dimensions> } | undefined;
  const ownSql = () => {
    if (own) return own;
    const dims = dimensions(metric.entity, false, []);
    if (metric.series) {
      // The series dimension comes first and is always grouped.
      dims.groupSelects.unshift(
        sql`${sql.raw(metric.series.sql)} as ${sql.ref('gs')}`,
        sql`null as ${sql.ref('gs_name')}`,
      );
    }
    const joinText = [...dims.joins].map((j) => JOINS[j]).join(' ') + (metric.series ? ` ${metric.series.join}` : '');
    return (own = { joinText, dims });
  };
  const calendar =
    item.businessHours && schedule
      ? await businessCalendarSql(db, org, item, schedule, instant(from, tz), instant(to, tz))
      : sql``;
  const periodOf = (t: RawBuilder<unknown>) =>
    query.grain === 'all' ? sql`null::text` : sql`date_trunc(${query.grain}, ${t} at time zone ${tz})::date::text`;
  const sqlOf = (dims: { groupSelects: RawBuilder<unknown>[]; filters: RawBuilder<unknown>[] }, refs: string[]) => ({
    groups: dims.groupSelects.length ? sql`${sql.join(dims.groupSelects)},` : sql``,
    filters: dims.filters.length ? sql`and ${sql.join(dims.filters, sql` and `)}` : sql``,
    groupBy: [sql`1`, ...refs.map((ref) => sql.ref(ref))],
  });
  const ctx: KindContext = {
    db,
    org,
    item,
    query,
    tz,
    from,
    to,
    table: METRIC_ENTITIES[metric.entity].table,
    time,
    period: periodOf(time),
    get joins() {
      return sql`${sql.raw(ownSql().joinText)} ${calendar}`;
    },
    get groups() {
      return sqlOf(ownSql().dims, groupRefs).groups;
    },
    get filters() {
      return sqlOf(ownSql().dims, groupRefs).filters;
    },
    groupBy: [sql`1`, ...groupRefs.map((ref) => sql.ref(ref))],
    instant: (date) => instant(date, tz),
    bounds: periodBounds(query.grain, from, to),
    keyed: (rows) => componentMap(rows, query.by, metric.series),
    part: async (id, how = {}) => {
      const part = how.own ? prepare(id, {}, false) : preparePart(id, item);
      const map = await fetchComponents(db, org, part, query, tz, how.from ?? from, how.to ?? to, schedule);
      return { item: part, map };
    },
    dimensions: (entity, perAgent, extra) => {
      const dims = dimensions(entity, perAgent, extra);
      return {
        table: METRIC_ENTITIES[entity].table,
        time: sql.raw(`e.${METRIC_ENTITIES[entity].time}`),
        period: periodOf(sql.raw(`e.${METRIC_ENTITIES[entity].time}`)),
        joins: sql.raw([...dims.joins].map((j) => JOINS[j]).join(' ')),
        ...sqlOf(
          dims,
          query.by.map((_, i) => `g${i}`),
        ),
      };
    },
  };
  return kind.components(ctx);
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

export type { MetricRowsResult } from '../contract/api.ts';
import type { MetricRowsResult } from '../contract/api.ts';

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
  const entityName = METRIC_ENTITIES[item.metric.entity].rows;
  const explained = kindOf(item.formula).rows?.(item.formula);
  if (!entityName || !explained) {
    throw badRequest(
      'rows-not-available',
      `${item.metric.id} is computed from states or other metrics, not from rows; list the underlying data with GET /api/v1/{entity}.`,
    );
  }
  const entity = getEntity(entityName)!;
  const { joins, filters } = dimensionSql(
    item.metric.entity,
    [],
    query.where,
    (id) => unknownDimension(item.metric, id),
    context.scope,
    true,
  );
  const explain: Array<[string, string]> = [];
  if (item.metric.series) explain.push([item.metric.series.dimension, item.metric.series.sql]);
  explain.push(...explained);
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
    from ${sql.raw(METRIC_ENTITIES[item.metric.entity].table)} e ${sql.raw(joinText)} ${calendar}
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
