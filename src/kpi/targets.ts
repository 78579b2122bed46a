import { z } from 'zod';
import { addPeriods, isDate, periodStart } from '../calendar/periods.ts';
import { localDate } from '../calendar/zoned-time.ts';
import { can, type Access } from '../auth/access.ts';
import type { Db } from '../db/connect.ts';
import { AppError, badRequest, invalidInput, notFound } from '../errors.ts';
import type { MetricDef } from '../metrics/catalog/index.ts';
import { METRIC_SCALES } from '../metrics/catalog/translations.ts';
import { canonicalDimension } from '../metrics/dimensions.ts';
import type { MetricRow } from '../metrics/query-metrics.ts';
import type { Organization } from '../orgs/index.ts';
import type { Attainment, OptionValue, Target as TargetAnswer, TargetGrain } from '../contract/api.ts';

/**
 * KPI targets: a value a metric should reach in a scope (the organization, or one value of each
 * named dimension such as team=t1) per month, quarter or year, valid from one period start until
 * the next target for the same metric, scope and grain. Which way is good comes from the metric.
 * The metric engine judges its rows against the target in force in each row's period; nothing
 * here computes a KPI.
 */
export const TARGET_GRAINS = ['month', 'quarter', 'year'] as const satisfies readonly TargetGrain[];
export type { TargetGrain } from '../contract/api.ts';

const ZDate = z.string().refine(isDate, 'must be a date such as 2026-01-01');

export const ZNewTarget = z
  .object({
    metric: z.string().min(1).max(100),
    value: z.number().finite('must be a finite number'),
    /** Dimension -> value; empty for the whole organization. */
    scope: z
      .record(z.string().min(1).max(100), z.string().min(1).max(200))
      .refine((s) => Object.keys(s).length <= 3, 'names at most three dimensions')
      .default({}),
    grain: z.enum(TARGET_GRAINS).default('month'),
    /** First period the target applies to (a period start); default: the current period. */
    from: ZDate.optional(),
    /** First period it no longer applies to; default: until a newer target replaces it. */
    to: ZDate.optional(),
    options: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  })
  .strict();
export type NewTarget = z.input<typeof ZNewTarget>;

/** The shape is the HTTP contract's (GET /api/v1/targets), with a Date timestamp. */
export type Target = TargetAnswer<Date>;

export type { Attainment } from '../contract/api.ts';

/** One text per scope, independent of the order its dimensions were named in. */
export function scopeKey(scope: Record<string, string>): string {
  return JSON.stringify(Object.entries(scope).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const optionsKey = (options: Record<string, OptionValue>) =>
  JSON.stringify(Object.entries(options).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** The values a metric can take: a share 0-1, a score its scale, durations, counts and money >= 0. */
export function possibleRange(metric: Pick<MetricDef, 'id' | 'unit' | 'uncertainty'>): { min?: number; max?: number } {
  const scale = METRIC_SCALES[metric.id];
  if (scale) return scale;
  if (metric.uncertainty === 'wilson') return { min: 0, max: 1 };
  if (metric.unit === 'seconds' || metric.unit === 'count' || metric.unit === 'money') return { min: 0 };
  return {};
}

/**
 * Refuses a target or threshold the metric can never take: CSAT 85 (meant 0.85), NPS 200, a
 * negative duration. `field` names it in the error.
 */
export function assertPossibleValue(metric: MetricDef, value: number, field: string, code: string): void {
  const { min, max } = possibleRange(metric);
  if ((min === undefined || value >= min) && (max === undefined || value <= max)) return;
  const range = max === undefined ? `at least ${min}` : `${min} to ${max}`;
  const hint = metric.uncertainty === 'wilson' && !METRIC_SCALES[metric.id] ? ' (a share: 0.85 for 85 %)' : '';
  throw badRequest(code, `${field}: ${value} is outside the values of ${metric.names.en}, ${range}${hint}.`, [
    { field, reason: `must be ${range}${hint}` },
  ]);
}

/**
 * Who may set a target: owners, admins and managers anywhere; a team lead only for one of their
 * teams (or an agent in it, which the trial query checks).
 */
export function assertMayTarget(access: Access, scope: Record<string, string>): void {
  if (!can(access, 'targets'))
    throw new AppError(403, 'forbidden', 'Only owners, admins, managers and team leads set targets.');
  if (access.teams || access.role === 'team_lead') {
    if (scope.team && access.teams?.includes(scope.team)) return;
    throw new AppError(
      403,
      'forbidden',
      `A team lead sets targets for their teams only (scope team=${(access.teams ?? []).join('|')}).`,
    );
  }
}

export interface TargetDeps {
  /** Runs one metric query as the caller (the engine validates metric, dimensions and options). */
  trial(query: {
    metrics: string[];
    from: string;
    to: string;
    grain: TargetGrain;
    where: Record<string, string>;
    options: Record<string, Record<string, OptionValue>>;
  }): Promise<unknown>;
  /** The metric's definition, catalog or custom. */
  metric(id: string): Promise<MetricDef | undefined>;
}

/**
 * Sets a target from its first period on. The target in force before it for the same metric,
 * scope and grain ends where the new one begins; one that would begin later is replaced.
 */
export async function setTarget(
  db: Db,
  org: Organization,
  access: Access,
  input: NewTarget,
  deps: TargetDeps,
  now = new Date(),
): Promise<Target> {
  const parsed = ZNewTarget.safeParse(input);
  if (!parsed.success) throw invalidInput('invalid-target', parsed.error.issues, 'target');
  const target = parsed.data;
  assertMayTarget(access, target.scope);
  const metric = await deps.metric(target.metric);
  if (!metric) throw badRequest('unknown-metric', `There is no metric "${target.metric}"; see cxkpi metrics.`);
  if (metric.direction === 'neutral')
    throw badRequest(
      'metric-has-no-direction',
      `${metric.names.en} (${metric.id}) is neither better higher nor lower, so a target cannot say met or missed.`,
    );
  assertPossibleValue(metric, target.value, 'value', 'invalid-target');
  const from = target.from ?? periodStart(localDate(org.timezone, now.getTime()), target.grain);
  if (periodStart(from, target.grain) !== from)
    throw badRequest('invalid-target', `from: ${from} is not the first day of a ${target.grain}.`, [
      { field: 'from', reason: `must be the first day of a ${target.grain}` },
    ]);
  if (target.to !== undefined && (periodStart(target.to, target.grain) !== target.to || target.to <= from))
    throw badRequest('invalid-target', `to: ${target.to} must be the first day of a later ${target.grain}.`, [
      { field: 'to', reason: `must be the first day of a ${target.grain} after from` },
    ]);
  // The engine checks the metric's dimensions, options and the caller's data scope.
  await deps.trial({
    metrics: [metric.id],
    from,
    to: addPeriods(from, target.grain, 1),
    grain: target.grain,
    where: target.scope,
    options: Object.keys(target.options).length ? { [metric.id]: target.options } : {},
  });
  // One spelling per dimension (segment and customer.segment are one scope).
  const scope = Object.fromEntries(
    Object.entries(target.scope).map(([name, value]) => [canonicalDimension(metric.entity, name), value]),
  );
  const key = scopeKey(scope);
  return db.kysely.transaction().execute(async (trx) => {
    const same = trx
      .selectFrom('kpi_target')
      .where('org_id', '=', org.id)
      .where('metric', '=', metric.id)
      .where('grain', '=', target.grain)
      .where('scope_key', '=', key);
    // Replaced before they began.
    await trx
      .deleteFrom('kpi_target')
      .where('org_id', '=', org.id)
      .where('id', 'in', same.select('id').where('valid_from', '>=', from))
      .execute();
    // In force when the new one begins: ends there.
    await trx
      .updateTable('kpi_target')
      .set({ valid_to: from })
      .where('org_id', '=', org.id)
      .where('metric', '=', metric.id)
      .where('grain', '=', target.grain)
      .where('scope_key', '=', key)
      .where('valid_from', '<', from)
      .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>', from)]))
      .execute();
    const row = await trx
      .insertInto('kpi_target')
      .values({
        org_id: org.id,
        metric: metric.id,
        value: target.value,
        scope: JSON.stringify(scope),
        scope_key: key,
        grain: target.grain,
        valid_from: from,
        valid_to: target.to ?? null,
        options: JSON.stringify(target.options),
        created_by: access.actor,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return (await listTargets(trx as unknown as Db['kysely'], org.id, { id: row.id }))[0]!;
  });
}

export async function listTargets(
  kysely: Db['kysely'],
  orgId: string,
  filter: { id?: string; metrics?: string[] } = {},
): Promise<Target[]> {
  let query = kysely
    .selectFrom('kpi_target')
    .select([
      'id',
      'metric',
      'value',
      'scope',
      'grain',
      'valid_from',
      'valid_to',
      'options',
      'created_by',
      'created_at',
    ])
    .where('org_id', '=', orgId);
  if (filter.id) query = query.where('id', '=', filter.id);
  if (filter.metrics) {
    if (!filter.metrics.length) return [];
    query = query.where('metric', 'in', filter.metrics);
  }
  const rows = await query.orderBy('metric').orderBy('scope_key').orderBy('grain').orderBy('valid_from').execute();
  return rows as unknown as Target[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function deleteTarget(db: Db, orgId: string, access: Access, id: string): Promise<Target> {
  const [target] = UUID.test(id) ? await listTargets(db.kysely, orgId, { id }) : [];
  if (!target) throw notFound('target-not-found', `No target ${id}; see cxkpi targets list.`);
  assertMayTarget(access, target.scope);
  await db.kysely.deleteFrom('kpi_target').where('org_id', '=', orgId).where('id', '=', id).execute();
  return target;
}

/**
 * Judges query rows against the targets in force: a row's scope is its group (ids, not names),
 * or without a group the query's single-valued filters, and must equal the target's scope
 * exactly (an agent's row within --where team=t1 is the agent's); its period
 * must fall in the target's validity and its grain and options must be the target's. Rows of a
 * metric that has no target at all are left as they are.
 */
export async function judgeRows(
  db: Db,
  orgId: string,
  query: {
    grain: string;
    where: Record<string, string | string[]>;
    options: Record<string, Record<string, OptionValue>>;
  },
  rows: MetricRow[],
  metricsById: Map<string, Pick<MetricDef, 'direction' | 'entity'>>,
): Promise<void> {
  if (!rows.length) return;
  const metrics = [...new Set(rows.map((row) => row.metric))];
  // One read: every target of these metrics. A metric with any target at all gets verdicts.
  const all = await listTargets(db.kysely, orgId, { metrics });
  const targeted = new Set(all.map((t) => t.metric));
  if (!targeted.size) return;
  const targets = all.filter((t) => t.grain === query.grain);
  const filters = Object.fromEntries(
    Object.entries(query.where).flatMap(([name, value]) =>
      typeof value === 'string' ? [[name, value]] : value.length === 1 ? [[name, value[0]!]] : [],
    ),
  );
  for (const row of rows) {
    if (!targeted.has(row.metric)) continue;
    const metric = metricsById.get(row.metric);
    const groups = Object.entries(row.group).filter(([name]) => !name.endsWith('_name'));
    const named: Record<string, string> = groups.length ? {} : { ...filters };
    for (const [name, value] of groups) if (value !== null) named[name] = value;
    const scope = Object.fromEntries(
      Object.entries(named).map(([name, value]) => [metric ? canonicalDimension(metric.entity, name) : name, value]),
    );
    const key = scopeKey(scope);
    const options = optionsKey(query.options[row.metric] ?? {});
    const target = targets.find(
      (t) =>
        t.metric === row.metric &&
        scopeKey(t.scope) === key &&
        optionsKey(t.options) === options &&
        row.period !== null &&
        t.valid_from <= row.period &&
        (t.valid_to === null || row.period < t.valid_to),
    );
    Object.assign(row, judge(row, target?.value ?? null, metric?.direction ?? 'neutral'));
  }
}

/** Met or missed by the metric's direction; a low sample or no value is not enough data. */
export function judge(
  row: Pick<MetricRow, 'value' | 'low_sample' | 'ci_low' | 'ci_high'>,
  target: number | null,
  direction: MetricDef['direction'],
): { target: number | null; attainment: Attainment; miss_significant: boolean | null } {
  if (target === null || direction === 'neutral') return { target, attainment: 'no_target', miss_significant: null };
  if (row.value === null || row.low_sample) return { target, attainment: 'not_enough_data', miss_significant: null };
  const higher = direction === 'higher_is_better';
  const met = higher ? row.value >= target : row.value <= target;
  if (met) return { target, attainment: 'met', miss_significant: false };
  // Significant when the whole 95 % interval is on the wrong side of the target.
  const bound = higher ? row.ci_high : row.ci_low;
  const significant = bound === null ? null : higher ? bound < target : bound > target;
  return { target, attainment: 'missed', miss_significant: significant };
}
