import { sql } from 'kysely';
import type { DataScope } from '../auth/access.ts';
import { addPeriods } from '../calendar/periods.ts';
import type { Db } from '../db/connect.ts';
import { AppError } from '../errors.ts';
import { listFeedback, type FeedbackItem } from '../feedback/index.ts';
import { customMetricsFor, getMetric, queryMetrics, type MetricDef, type MetricRow } from '../metrics/index.ts';
import { METRIC_TRANSLATIONS } from '../metrics/catalog/translations.ts';
import { metricDimensionIds } from '../metrics/dimensions.ts';
import type { Organization } from '../orgs/index.ts';
import type { ReportPeriod } from './definitions.ts';
import type { Language } from './format.ts';

/**
 * What a report holds, gathered once and then written as PDF, XLSX and HTML: every number comes
 * from queryMetrics, run with the recipient's data scope, so a team lead's copy holds only their
 * teams. The object is plain JSON and is stored with each generated copy.
 */
export interface ReportKpi {
  metric: string;
  name: string;
  unit: MetricDef['unit'];
  direction: MetricDef['direction'];
  definition: string;
  value: number | null;
  n: number;
  ci_low: number | null;
  ci_high: number | null;
  low_sample: boolean;
  partial: boolean;
  previous: Comparison;
  year: Comparison;
  target: number | null;
  attainment: string;
  /** The 12 periods ending with the report's, oldest first. */
  trend: Array<{ period: string; value: number | null; n: number; low_sample: boolean; target: number | null }>;
}

export interface Comparison {
  value: number | null;
  delta: number | null;
  significant: boolean | null;
}

export interface Moved {
  metric: string;
  name: string;
  unit: MetricDef['unit'];
  direction: MetricDef['direction'];
  /** Null for the KPI as a whole, else the team or agent. */
  dimension: 'team' | 'agent' | null;
  subject: string | null;
  value: number | null;
  previous: number | null;
  delta: number;
  /** better / worse by the KPI's direction; changed for neutral ones. */
  verdict: 'better' | 'worse' | 'changed';
}

export interface CombinedView {
  kind: 'csat_by_first_response' | 'churn_by_nps_group';
  metric: string;
  unit: MetricDef['unit'];
  rows: Array<{ label: string; value: number | null; n: number; low_sample: boolean }>;
}

export interface FeedbackComment {
  at: string;
  kind: string;
  score: number | null;
  scale_max: number;
  text: string;
  team: string | null;
  agent: string | null;
}

export interface ReportContent {
  title: string;
  organization: string;
  currency: string;
  timezone: string;
  language: Language;
  period: ReportPeriod;
  scope: Record<string, string>;
  scope_label: string | null;
  /** The copy is limited to what its recipient's role may see. */
  restricted: boolean;
  generated_at: string;
  kpis: ReportKpi[];
  moved: Moved[];
  combined: CombinedView[];
  feedback: {
    counts: { negative: number; neutral: number; positive: number };
    negative: FeedbackComment[];
    positive: FeedbackComment[];
  } | null;
  alerts: Array<{
    alert: string;
    metric: string;
    metric_name: string;
    period: string;
    group: Record<string, string>;
    value: number | null;
    reason: string;
    fired_at: string;
  }>;
}

export interface ReportRequest {
  title: string;
  metrics: string[];
  scope: Record<string, string>;
  period: ReportPeriod;
  language: Language;
}

function metricName(metric: MetricDef, language: Language) {
  return metric.names[language] || metric.names.en;
}

function definitionOf(metric: MetricDef, language: Language): string {
  if (language === 'en') return metric.description;
  return METRIC_TRANSLATIONS[metric.id]?.[language]?.description ?? metric.description;
}

/** Errors that only say a breakdown does not apply (a dimension the metric lacks, a role that may not see it). */
function isRefusal(error: unknown) {
  return error instanceof AppError && error.status >= 400 && error.status < 500;
}

export async function buildReportContent(
  db: Db,
  org: Organization,
  request: ReportRequest,
  scope: DataScope | undefined,
  now = new Date(),
): Promise<ReportContent> {
  const { period, language, metrics } = request;
  const customs = await customMetricsFor(db, org, metrics);
  const defs = metrics.map((id) => {
    const metric = getMetric(id) ?? customs.get(id);
    if (!metric) throw new AppError(400, 'unknown-metric', `There is no metric "${id}"; see cxkpi metrics.`);
    return metric;
  });
  const where = request.scope;
  const context = { scope, customs };
  const base = { metrics, grain: period.grain, where };
  const names = new Map(defs.map((m) => [m.id, metricName(m, language)]));
  const dimensions: Array<'team' | 'agent'> = [];
  if (!where.team && !where.agent && !scope?.agentId) dimensions.push('team');
  if (!where.agent && !scope?.aggregatesOnly && !scope?.agentId) dimensions.push('agent');
  const views = (
    [
      { kind: 'csat_by_first_response', metric: 'csat', by: 'ticket.first_response_bucket' },
      { kind: 'churn_by_nps_group', metric: 'customer_churn_rate', by: 'nps_group' },
    ] as const
  ).filter((view) => {
    const metric = defs.find((m) => m.id === view.metric);
    return metric && metricDimensionIds(metric).includes(view.by);
  });
  const inPeriod = { ...base, from: period.from, to: period.to };
  // Every query at once: a PostgreSQL pool runs them side by side (PGlite, one connection, in
  // turn). The trend is not compared: comparing all 12 periods would read twice the history.
  const [trend, previous, year, breakdowns, viewRows, feedback, alerts, label] = await Promise.all([
    queryMetrics(db, org, { ...base, from: addPeriods(period.from, period.grain, -11), to: period.to }, context),
    queryMetrics(db, org, { ...inPeriod, compare: 'previous' }, context),
    queryMetrics(db, org, { ...inPeriod, compare: 'year' }, context),
    Promise.all(
      dimensions.map(async (dimension) => {
        const able = defs.filter((metric) => metricDimensionIds(metric).includes(dimension)).map((m) => m.id);
        const rows = able.length
          ? await optional(() =>
              queryMetrics(db, org, { ...inPeriod, metrics: able, by: [dimension], compare: 'previous' }, context),
            )
          : [];
        return { dimension, rows };
      }),
    ),
    Promise.all(
      views.map((view) =>
        optional(() => queryMetrics(db, org, { ...inPeriod, metrics: [view.metric], by: [view.by] }, context)),
      ),
    ),
    feedbackHighlights(db, org, period, where, scope),
    alertsFired(db, org, period, where, scope, names),
    scopeLabel(db, org.id, where),
  ]);
  const kpis: ReportKpi[] = defs.map((metric) => {
    const series = trend.rows.filter((row) => row.metric === metric.id);
    const current = previous.rows.find((row) => row.metric === metric.id && row.period === period.from);
    const yearRow = year.rows.find((row) => row.metric === metric.id && row.period === period.from);
    return {
      metric: metric.id,
      name: metricName(metric, language),
      unit: metric.unit,
      direction: metric.direction,
      definition: definitionOf(metric, language),
      value: current?.value ?? null,
      n: current?.n ?? 0,
      ci_low: current?.ci_low ?? null,
      ci_high: current?.ci_high ?? null,
      low_sample: current?.low_sample ?? true,
      partial: current?.partial ?? false,
      previous: comparison(current),
      year: comparison(yearRow),
      target: current?.target ?? null,
      attainment: current?.attainment ?? 'no_target',
      trend: series.map((row) => ({
        period: row.period!,
        value: row.value,
        n: row.n,
        low_sample: row.low_sample,
        target: row.target ?? null,
      })),
    };
  });

  const moved: Moved[] = [];
  for (const kpi of kpis) {
    if (kpi.previous.significant && kpi.previous.delta !== null && !kpi.low_sample)
      moved.push(movedOf(kpi, null, null, kpi.value, kpi.previous.value, kpi.previous.delta));
  }
  for (const { dimension, rows } of breakdowns) {
    for (const row of rows) {
      const kpi = kpis.find((k) => k.metric === row.metric)!;
      if (!row.significant || row.delta === null || row.delta === undefined || row.low_sample) continue;
      const subject = row.group[`${dimension}_name`] ?? row.group[dimension] ?? null;
      if (subject === null) continue;
      moved.push(movedOf(kpi, dimension, subject, row.value, row.previous ?? null, row.delta));
    }
  }
  // Sizes of change in different units compare as shares of the earlier value.
  const size = (m: Moved) => Math.abs(m.delta) / Math.max(Math.abs(m.previous ?? 0), 1e-9);
  moved.sort((a, b) => size(b) - size(a) || a.name.localeCompare(b.name));

  const combined: CombinedView[] = [];
  for (const [i, view] of views.entries()) {
    const order = VIEW_ORDER[view.by]!;
    const shown = viewRows[i]!.filter((row) => row.group[view.by] !== null && row.group[view.by] !== undefined).sort(
      (a, b) => order.indexOf(String(a.group[view.by])) - order.indexOf(String(b.group[view.by])),
    );
    if (shown.length)
      combined.push({
        kind: view.kind,
        metric: view.metric,
        unit: defs.find((m) => m.id === view.metric)!.unit,
        rows: shown.map((row) => ({
          label: String(row.group[view.by]),
          value: row.value,
          n: row.n,
          low_sample: row.low_sample,
        })),
      });
  }

  return {
    title: request.title,
    organization: org.name,
    currency: org.currency,
    timezone: org.timezone,
    language,
    period,
    scope: where,
    scope_label: label,
    restricted: Boolean(scope),
    generated_at: now.toISOString(),
    kpis,
    moved: moved.slice(0, 10),
    combined,
    feedback,
    alerts,
  };
}

/** Buckets in their natural order (the engine sorts them as text). */
const VIEW_ORDER: Record<string, string[]> = {
  'ticket.first_response_bucket': ['< 1 h', '1-4 h', '4-24 h', '> 24 h', 'no response'],
  nps_group: ['detractor', 'passive', 'promoter'],
};

function comparison(row: MetricRow | undefined): Comparison {
  return { value: row?.previous ?? null, delta: row?.delta ?? null, significant: row?.significant ?? null };
}

function movedOf(
  kpi: ReportKpi,
  dimension: Moved['dimension'],
  subject: string | null,
  value: number | null,
  previous: number | null,
  delta: number,
): Moved {
  const verdict =
    kpi.direction === 'neutral' ? 'changed' : delta > 0 === (kpi.direction === 'higher_is_better') ? 'better' : 'worse';
  return {
    metric: kpi.metric,
    name: kpi.name,
    unit: kpi.unit,
    direction: kpi.direction,
    dimension,
    subject,
    value,
    previous,
    delta,
    verdict,
  };
}

async function optional(run: () => Promise<{ rows: MetricRow[] }>): Promise<MetricRow[]> {
  try {
    return (await run()).rows;
  } catch (error) {
    if (isRefusal(error)) return [];
    throw error;
  }
}

async function scopeLabel(db: Db, orgId: string, scope: Record<string, string>): Promise<string | null> {
  const [dimension, id] = Object.entries(scope)[0] ?? [];
  if (!dimension || !id) return null;
  const table = dimension === 'team' ? 'team' : dimension === 'agent' ? 'agent' : undefined;
  const name = table
    ? (
        await db.kysely
          .selectFrom(table)
          .select('name')
          .where('org_id', '=', orgId)
          .where('id', '=', id)
          .executeTakeFirst()
      )?.name
    : undefined;
  return `${dimension}: ${name ?? id}`;
}

/**
 * Counts of the period's survey answers and reviews by tone, and the three most negative and most
 * positive recent comments, as the feedback stream shows them to the recipient's role. Reports
 * scoped to a channel or segment have no highlights: the stream cannot filter by those.
 */
async function feedbackHighlights(
  db: Db,
  org: Organization,
  period: ReportPeriod,
  where: Record<string, string>,
  scope: DataScope | undefined,
): Promise<ReportContent['feedback']> {
  if (where.channel || where['customer.segment']) return null;
  const filter = {
    from: period.from,
    to: period.to,
    ...(where.team ? { team: where.team } : {}),
    ...(where.agent ? { agent: where.agent } : {}),
  };
  const tones = ['negative', 'neutral', 'positive'] as const;
  const counts = await Promise.all(
    tones.map(
      async (sentiment) =>
        (await listFeedback(db, org, { ...filter, sentiment, with_text: 'false', limit: 1 }, { scope })).total,
    ),
  );
  const comments = async (sentiment: 'negative' | 'positive') => {
    const page = await listFeedback(db, org, { ...filter, sentiment, limit: 30 }, { scope });
    // The most extreme scores among the recent ones, newest first among equals.
    const share = (item: FeedbackItem) =>
      item.score === null ? 0.5 : (item.score - item.scale_min) / Math.max(item.scale_max - item.scale_min, 1);
    return page.items
      .filter((item) => (item.text ?? '').trim())
      .sort((a, b) => (sentiment === 'negative' ? share(a) - share(b) : share(b) - share(a)))
      .slice(0, 3)
      .map((item): FeedbackComment => ({
        at: item.at,
        kind: item.kind,
        score: item.score,
        scale_max: item.scale_max,
        text: (item.text ?? '').trim().slice(0, 400),
        team: item.team?.name ?? item.team?.id ?? null,
        agent: scope?.aggregatesOnly ? null : (item.agent?.name ?? item.agent?.id ?? null),
      }));
  };
  const [negative, positive] = await Promise.all([comments('negative'), comments('positive')]);
  return { counts: { negative: counts[0]!, neutral: counts[1]!, positive: counts[2]! }, negative, positive };
}

/**
 * Alerts that fired for a period inside the report's (their own period starts in it), within the
 * report's scope and the recipient's: a team lead sees the alerts of their teams only, a viewer
 * none about single agents.
 */
async function alertsFired(
  db: Db,
  org: Organization,
  period: ReportPeriod,
  where: Record<string, string>,
  scope: DataScope | undefined,
  names: Map<string, string>,
): Promise<ReportContent['alerts']> {
  const rows = await sql<{
    alert: string;
    metric: string;
    period: string;
    group: Record<string, string>;
    value: number | null;
    reason: string;
    fired_at: Date;
  }>`
    select a.name as alert, a.metric, e.period::text as period, e."group", e.value, e.reason, e.fired_at
    from alert_event e join alert_rule a on a.org_id = e.org_id and a.id = e.alert_id
    where e.org_id = ${org.id}::uuid and e.period >= ${period.from}::date and e.period < ${period.to}::date
    order by e.period, a.name, e.fired_at
    limit 200`.execute(db.kysely);
  const visible = rows.rows.filter((row) => {
    const group = row.group ?? {};
    for (const [dimension, id] of Object.entries(where)) if (group[dimension] !== id) return false;
    if (scope?.teams && !(group.team && scope.teams.includes(group.team))) return false;
    if (scope?.agentId && group.agent !== scope.agentId) return false;
    if (scope?.aggregatesOnly && group.agent) return false;
    return true;
  });
  return visible.slice(0, 30).map((row) => ({
    alert: row.alert,
    metric: row.metric,
    metric_name: names.get(row.metric) ?? row.metric,
    period: String(row.period).slice(0, 10),
    group: row.group ?? {},
    value: row.value,
    reason: row.reason,
    fired_at: new Date(row.fired_at).toISOString(),
  }));
}
