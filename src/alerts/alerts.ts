import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { addPeriods, periodStart } from '../calendar/periods.ts';
import { localDate } from '../calendar/zoned-time.ts';
import type { Access } from '../auth/access.ts';
import type { Db } from '../db/connect.ts';
import { AppError, badRequest, invalidInput, notFound } from '../errors.ts';
import { enqueueJobs } from '../jobs/index.ts';
import { assertMayTarget, assertPossibleValue, scopeKey } from '../kpi/index.ts';
import { customMetricsFor, getMetric, queryMetrics, type MetricDef, type MetricRow } from '../metrics/index.ts';
import { getOrganization, type Organization } from '../orgs/index.ts';
import { countBaseline, pChart, robustZ, type AnomalyVerdict, type SeriesPoint } from '../stats/anomaly.ts';
import type {
  Alert as AlertAnswer,
  AlertEvent as AlertEventAnswer,
  AlertGrain,
  AlertRule,
  OptionValue,
} from '../contract/api.ts';

/**
 * Alerts: a stored metric query (metric, scope, grain, options) and a rule that is checked for
 * the last complete period (and the one before, which late data may still change):
 * - threshold: the value is above or below a number;
 * - target: the period missed its target (optionally only significantly);
 * - anomaly: the value is outside the range its own history predicts (src/stats/anomaly.ts),
 *   on the unfavourable side for metrics with a direction.
 * An alert fires at most once per period and group; each firing is an event whose delivery
 * (e-mail, signed webhook) runs as jobs with retries. Values come from queryMetrics only.
 */
export const ALERT_RULES = ['threshold', 'target', 'anomaly'] as const satisfies readonly AlertRule[];
export const ALERT_GRAINS = ['day', 'week', 'month'] as const satisfies readonly AlertGrain[];

const ZNotify = z.union([
  z.object({ email: z.email('is not an e-mail address') }).strict(),
  z
    .object({
      webhook: z.url('is not a URL').refine((u) => /^https?:\/\//i.test(u), 'must be an http:// or https:// address'),
    })
    .strict(),
]);

export const ZNewAlert = z
  .object({
    name: z.string().trim().min(1).max(100),
    metric: z.string().min(1).max(100),
    rule: z.enum(ALERT_RULES).default('threshold'),
    above: z.number().finite().optional(),
    below: z.number().finite().optional(),
    /** Target rule: fire only when the whole interval is past the target. */
    significant_only: z.boolean().default(false),
    scope: z
      .record(z.string().min(1).max(100), z.string().min(1).max(200))
      .refine((s) => Object.keys(s).length <= 3, 'names at most three dimensions')
      .default({}),
    grain: z.enum(ALERT_GRAINS).default('month'),
    options: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
    notify: z.array(ZNotify).max(10).default([]),
    /** Language of the e-mails; default the organization's. */
    language: z.enum(['en', 'ru', 'lt']).optional(),
  })
  .strict()
  .refine((a) => a.rule !== 'threshold' || a.above !== undefined || a.below !== undefined, {
    message: 'a threshold alert needs above or below',
    path: ['above'],
  })
  .refine((a) => a.rule === 'threshold' || (a.above === undefined && a.below === undefined), {
    message: 'above and below belong to threshold alerts',
    path: ['above'],
  })
  .refine((a) => a.rule !== 'target' || a.grain === 'month', {
    message: 'targets are monthly, quarterly or yearly: a target alert has grain month',
    path: ['grain'],
  });
export type NewAlert = z.input<typeof ZNewAlert>;

/** The shape is the HTTP contract's (src/contract/api.ts), with Date timestamps. */
export type Alert = AlertAnswer<Date>;

const PUBLIC_COLUMNS = [
  'id',
  'name',
  'metric',
  'rule',
  'above',
  'below',
  'significant_only',
  'scope',
  'grain',
  'options',
  'notify',
  'language',
  'enabled',
  'created_by',
  'created_at',
] as const;

async function findMetric(db: Db, org: Organization, id: string): Promise<MetricDef | undefined> {
  return getMetric(id) ?? (await customMetricsFor(db, org, [id])).get(id);
}

/** Creates an alert; the metric engine checks the query as the caller. Returns the webhook secret once. */
export async function createAlert(
  db: Db,
  org: Organization,
  access: Access,
  input: NewAlert,
  trial: (query: Parameters<typeof queryMetrics>[2]) => Promise<unknown>,
  now = new Date(),
): Promise<{ alert: Alert; secret: string }> {
  const parsed = ZNewAlert.safeParse(input);
  if (!parsed.success) throw invalidInput('invalid-alert', parsed.error.issues, 'alert');
  const alert = parsed.data;
  assertMayTarget(access, alert.scope);
  const metric = await findMetric(db, org, alert.metric);
  if (!metric) throw badRequest('unknown-metric', `There is no metric "${alert.metric}"; see cxkpi metrics.`);
  if (alert.rule === 'target' && metric.direction === 'neutral')
    throw badRequest('metric-has-no-direction', `${metric.names.en} takes no target, so it cannot miss one.`);
  if (alert.above !== undefined) assertPossibleValue(metric, alert.above, 'above', 'invalid-alert');
  if (alert.below !== undefined) assertPossibleValue(metric, alert.below, 'below', 'invalid-alert');
  const from = addPeriods(periodStart(localDate(org.timezone, now.getTime()), alert.grain), alert.grain, -1);
  await trial({
    metrics: [metric.id],
    from,
    to: addPeriods(from, alert.grain, 1),
    grain: alert.grain,
    where: alert.scope,
    options: Object.keys(alert.options).length ? { [metric.id]: alert.options } : {},
  });
  const taken = await db.kysely
    .selectFrom('alert_rule')
    .select('id')
    .where('org_id', '=', org.id)
    .where('name', '=', alert.name)
    .executeTakeFirst();
  if (taken) throw new AppError(409, 'alert-exists', `An alert named "${alert.name}" exists; choose another name.`);
  const secret = randomBytes(32).toString('hex');
  const row = await db.kysely
    .insertInto('alert_rule')
    .values({
      org_id: org.id,
      name: alert.name,
      metric: metric.id,
      rule: alert.rule,
      above: alert.above ?? null,
      below: alert.below ?? null,
      significant_only: alert.significant_only,
      scope: JSON.stringify(alert.scope),
      grain: alert.grain,
      options: JSON.stringify(alert.options),
      notify: JSON.stringify(alert.notify),
      language: alert.language ?? null,
      secret,
      created_by: access.actor,
    })
    .returning(PUBLIC_COLUMNS)
    .executeTakeFirstOrThrow();
  return { alert: row as unknown as Alert, secret };
}

export async function listAlerts(db: Db, orgId: string): Promise<Alert[]> {
  const rows = await db.kysely
    .selectFrom('alert_rule')
    .select(PUBLIC_COLUMNS)
    .where('org_id', '=', orgId)
    .orderBy('name')
    .execute();
  return rows as unknown as Alert[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An alert by id or name. */
async function findAlert(db: Db, orgId: string, idOrName: string) {
  const row = await db.kysely
    .selectFrom('alert_rule')
    .selectAll()
    .where('org_id', '=', orgId)
    .where((eb) => (UUID.test(idOrName) ? eb('id', '=', idOrName) : eb('name', '=', idOrName)))
    .executeTakeFirst();
  if (!row) throw notFound('alert-not-found', `No alert ${idOrName}; see cxkpi alerts list.`);
  return row;
}

export async function deleteAlert(db: Db, orgId: string, access: Access, idOrName: string): Promise<void> {
  const alert = await findAlert(db, orgId, idOrName);
  assertMayTarget(access, alert.scope as Record<string, string>);
  await db.kysely.deleteFrom('alert_rule').where('org_id', '=', orgId).where('id', '=', alert.id).execute();
}

export interface FiredAlert {
  event: string;
  alert: string;
  metric: string;
  period: string;
  group: Record<string, string>;
  value: number | null;
  expected_low: number | null;
  expected_high: number | null;
  rule: string;
  reason: string;
}

type AlertRow = Awaited<ReturnType<typeof findAlert>>;

/**
 * Checks every enabled alert (of one organization, or all) for the last complete period before
 * `at` and the one before it. A firing is stored once per alert, period and group, and its
 * deliveries are queued; evaluating again fires nothing new.
 */
export async function evaluateAlerts(
  db: Db,
  options: { orgId?: string; at: Date; alert?: string },
): Promise<{ fired: FiredAlert[] }> {
  let query = db.kysely.selectFrom('alert_rule').selectAll().where('enabled', '=', true);
  if (options.orgId) query = query.where('org_id', '=', options.orgId);
  const alerts =
    options.alert && options.orgId ? [await findAlert(db, options.orgId, options.alert)] : await query.execute();
  const fired: FiredAlert[] = [];
  const orgs = new Map<string, Organization>();
  for (const alert of alerts) {
    const org = orgs.get(alert.org_id) ?? (await getOrganization(db.kysely, alert.org_id));
    orgs.set(org.id, org);
    const last = addPeriods(periodStart(localDate(org.timezone, options.at.getTime()), alert.grain), alert.grain, -1);
    for (const period of [addPeriods(last, alert.grain, -1), last]) {
      const found = await checkAlert(db, org, alert, period);
      if (!found) continue;
      const event = await record(db, alert, period, found, options.at);
      if (event) fired.push(event);
    }
  }
  return { fired };
}

interface Finding {
  value: number | null;
  expected_low: number | null;
  expected_high: number | null;
  reason: string;
}

/** What the rule says of one period, or nothing when it does not fire (or cannot judge). */
async function checkAlert(db: Db, org: Organization, alert: AlertRow, period: string): Promise<Finding | undefined> {
  const grain = alert.grain;
  const scope = alert.scope as Record<string, string>;
  const options = alert.options as Record<string, OptionValue>;
  const metric = await findMetric(db, org, alert.metric);
  if (!metric) return undefined; // a custom KPI deleted since: nothing to check
  const history = alert.rule === 'anomaly' ? (grain === 'day' ? 56 : 12) : 0;
  const from = addPeriods(period, grain, -history);
  const result = await queryMetrics(db, org, {
    metrics: [metric.id],
    from,
    to: addPeriods(period, grain, 1),
    grain,
    where: scope,
    options: Object.keys(options).length ? { [metric.id]: options } : {},
  });
  const rows = result.rows;
  const current = rows.find((row) => row.period === period);
  // A period not over yet (or past the data) is not judged: it would compare a part with wholes.
  if (!current || current.partial || current.value === null) return undefined;
  if (alert.rule === 'threshold') {
    if (alert.above !== null && current.value > alert.above)
      return { value: current.value, expected_low: null, expected_high: alert.above, reason: `above ${alert.above}` };
    if (alert.below !== null && current.value < alert.below)
      return { value: current.value, expected_low: alert.below, expected_high: null, reason: `below ${alert.below}` };
    return undefined;
  }
  if (alert.rule === 'target') {
    if (current.attainment !== 'missed') return undefined;
    if (alert.significant_only && !current.miss_significant) return undefined;
    const higher = metric.direction === 'higher_is_better';
    return {
      value: current.value,
      expected_low: higher ? (current.target ?? null) : null,
      expected_high: higher ? null : (current.target ?? null),
      reason: `missed the target ${current.target}${current.miss_significant ? ' (significantly)' : ''}`,
    };
  }
  if (current.low_sample) return undefined;
  const verdict = detect(metric, rows, current, grain);
  if (!verdict.judged || !verdict.anomalous) return undefined;
  // Metrics with a direction alert on the bad side only: a drop in churn is good news.
  const high = verdict.expected_high !== null && current.value > verdict.expected_high;
  if (metric.direction === 'higher_is_better' && high) return undefined;
  if (metric.direction === 'lower_is_better' && !high) return undefined;
  return {
    value: current.value,
    expected_low: verdict.expected_low,
    expected_high: verdict.expected_high,
    reason: `${verdict.method}: ${verdict.reason}`,
  };
}

/** The anomaly rule that suits the metric: p-chart for shares, a baseline for counts, robust z otherwise. */
export function anomalyMethod(
  metric: Pick<MetricDef, 'unit' | 'uncertainty'>,
): 'p-chart' | 'count-baseline' | 'robust-z' {
  if (metric.unit === 'ratio' && metric.uncertainty === 'wilson') return 'p-chart';
  if (metric.unit === 'count') return 'count-baseline';
  return 'robust-z';
}

function detect(metric: MetricDef, rows: MetricRow[], current: MetricRow, grain: AlertGrain): AnomalyVerdict {
  const before = rows.filter((row) => row.period !== null && row.period < current.period! && !row.partial);
  // The series starts where it first counts something: leading empty or zero periods usually
  // mean the data does not reach back (subscriptions imported without their past cancellations).
  const start = before.findIndex((row) => row.value !== null && row.value !== 0);
  before.splice(0, start === -1 ? before.length : start);
  const method = anomalyMethod(metric);
  // Daily counts follow the week: compare a Monday with Mondays.
  const weekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();
  const history: SeriesPoint[] = (
    grain === 'day' && method === 'count-baseline'
      ? before.filter((row) => weekday(row.period!) === weekday(current.period!))
      : before
  ).map((row) => ({ value: row.value, n: row.n }));
  const point = { value: current.value, n: current.n };
  if (method === 'p-chart') return pChart(history, point, grain === 'day' ? 14 : 6);
  if (method === 'count-baseline') return countBaseline(history, point, grain === 'day' ? 4 : 6);
  return robustZ(history, point, grain === 'day' ? 14 : 6);
}

async function record(
  db: Db,
  alert: AlertRow,
  period: string,
  found: Finding,
  at: Date,
): Promise<FiredAlert | undefined> {
  const group = alert.scope as Record<string, string>;
  const inserted = await db.kysely
    .insertInto('alert_event')
    .values({
      org_id: alert.org_id,
      alert_id: alert.id,
      period,
      group_key: scopeKey(group),
      group: JSON.stringify(group),
      value: found.value,
      expected_low: found.expected_low,
      expected_high: found.expected_high,
      rule: alert.rule,
      reason: found.reason,
    })
    .onConflict((oc) => oc.columns(['org_id', 'alert_id', 'period', 'group_key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return undefined;
  const notify = alert.notify as Array<{ email?: string; webhook?: string }>;
  await enqueueJobs(
    db,
    notify.map((_, channel) => ({
      orgId: alert.org_id,
      kind: 'alert.deliver',
      key: `${inserted.id}:${channel}`,
      payload: { event: inserted.id, channel },
      runAt: at,
      maxAttempts: 6,
    })),
  );
  return {
    event: inserted.id,
    alert: alert.name,
    metric: alert.metric,
    period,
    group,
    value: found.value,
    expected_low: found.expected_low,
    expected_high: found.expected_high,
    rule: alert.rule,
    reason: found.reason,
  };
}

/** An alert's firing; the shape is the HTTP contract's, with Date timestamps. */
export type AlertEvent = AlertEventAnswer<Date>;

export async function listAlertEvents(db: Db, orgId: string, limit = 100): Promise<AlertEvent[]> {
  const rows = await db.kysely
    .selectFrom('alert_event as e')
    .innerJoin('alert_rule as a', (j) => j.onRef('a.org_id', '=', 'e.org_id').onRef('a.id', '=', 'e.alert_id'))
    .select([
      'e.id',
      'a.name as alert',
      'a.metric',
      'e.period',
      'e.group',
      'e.value',
      'e.expected_low',
      'e.expected_high',
      'e.rule',
      'e.reason',
      'e.state',
      'e.error',
      'e.fired_at',
      'e.delivered_at',
      'e.acknowledged_at',
      'e.acknowledged_by',
    ])
    .where('e.org_id', '=', orgId)
    .orderBy('e.fired_at', 'desc')
    .orderBy('e.id')
    .limit(Math.min(Math.max(limit, 1), 1000))
    .execute();
  return rows as unknown as AlertEvent[];
}

export async function acknowledgeAlertEvent(db: Db, orgId: string, access: Access, id: string): Promise<void> {
  const result = UUID.test(id)
    ? await db.kysely
        .updateTable('alert_event')
        .set({ state: 'acknowledged', acknowledged_at: new Date(), acknowledged_by: access.actor })
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .executeTakeFirst()
    : undefined;
  if (!result || Number(result.numUpdatedRows) === 0) throw notFound('alert-event-not-found', `No alert event ${id}.`);
}

/** Organizations with an enabled alert, for the recurring evaluation job. */
export async function organizationsWithAlerts(db: Db): Promise<string[]> {
  const rows = await db.kysely
    .selectFrom('alert_rule')
    .select('org_id')
    .distinct()
    .where('enabled', '=', true)
    .execute();
  return rows.map((row) => row.org_id);
}
