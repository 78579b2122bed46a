import { sql } from 'kysely';
import { z } from 'zod';
import { isDate } from '../calendar/periods.ts';
import type { DataScope } from '../auth/access.ts';
import type { Db } from '../db/connect.ts';
import { AppError, badRequest, notFound } from '../errors.ts';
import {
  customMetricsFor,
  getMetric,
  listMetricRows,
  queryMetrics,
  type MetricDef,
  type MetricRow,
} from '../metrics/index.ts';
import type { Organization } from '../orgs/index.ts';
import type { ArmResult, Experiment, ExperimentAnalysis, MetricComparison } from '../contract/api.ts';
// The answers' shapes are the HTTP contract's (src/contract/api.ts), which the dashboard imports too.
export type { ArmResult, Experiment, ExperimentAnalysis, MetricComparison } from '../contract/api.ts';
import { kindOf, type Aggregate, type TestKind } from '../metrics/kinds/index.ts';
import {
  compareMeans,
  compareNpsArms,
  compareProportions,
  fisherExact,
  holmAdjust,
  mannWhitney,
  meanComponentsOf,
  needsExactTest,
  sampleRatioCheck,
  sampleSizeForMeans,
  sampleSizeForProportions,
  sampleSizePerArm,
  studentQuantile,
  type Comparison,
  type MeanComponents,
  type SampleRatioCheck,
} from '../stats/index.ts';

/**
 * Experiments on service changes. An experiment stores a metric query: the outcome metrics with
 * their options, the range, a filter shared by both arms and the arm filter (a value of a
 * dimension, or a date split for before/after). Analysis asks `queryMetrics` for each arm's value
 * and n, recovers the test's inputs from what it returns (k = value x n for shares; the standard
 * deviation from the t interval for means), lists the metric's rows for the NPS counts and for
 * the durations' rank test, and applies the test of the metric's kind (src/stats). Methods and
 * references: docs/analytics.md.
 */
const ZDate = z.string().refine(isDate, 'must be a date such as 2026-01-01');
const ZOptions = z.record(z.string(), z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])));

export const ZExperimentInput = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, 'name the experiment')
      .max(200)
      .refine((n) => !/\0/.test(n), 'contains a NUL character'),
    hypothesis: z.string().max(2000).default(''),
    metrics: z.array(z.string().min(1)).min(1, 'name at least one metric').max(10),
    options: ZOptions.default({}),
    /** A dimension of every metric (team, channel, customer.segment, attributes.x, ...), or `date`. */
    variant_dimension: z.string().trim().min(1),
    control: z.string().min(1).optional(),
    treatment: z.string().min(1).optional(),
    /** With variant_dimension `date`: control is [from, split), treatment [split, to). */
    split: ZDate.optional(),
    where: z.record(z.string(), z.string()).default({}),
    from: ZDate,
    to: ZDate,
    treatment_share: z.number().gt(0).lt(1).default(0.5),
    /** In the first metric's unit: a share as a fraction (0.03 = 3 pp), NPS points, seconds, ... */
    min_detectable_effect: z.number().positive().optional(),
  })
  .refine((e) => e.from < e.to, { message: 'from must be before to (the range is [from, to))', path: ['to'] })
  .superRefine((e, ctx) => {
    if (e.variant_dimension === 'date') {
      if (!e.split) ctx.addIssue({ code: 'custom', path: ['split'], message: 'a date split needs --split DATE' });
      else if (!(e.from < e.split && e.split < e.to))
        ctx.addIssue({ code: 'custom', path: ['split'], message: 'the split date must fall inside (from, to)' });
    } else {
      if (e.split)
        ctx.addIssue({ code: 'custom', path: ['split'], message: 'split is only for variant_dimension date' });
      if (!e.control || !e.treatment)
        ctx.addIssue({ code: 'custom', path: ['control'], message: 'name the control and the treatment values' });
      else if (e.control === e.treatment)
        ctx.addIssue({ code: 'custom', path: ['treatment'], message: 'control and treatment must differ' });
      if (e.variant_dimension in e.where)
        ctx.addIssue({ code: 'custom', path: ['where'], message: 'the variant dimension cannot also be a filter' });
    }
  });
export type ExperimentInput = z.input<typeof ZExperimentInput>;

const dateText = (value: unknown) =>
  value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10);

function toExperiment(row: Record<string, unknown>): Experiment {
  return {
    id: String(row.id),
    name: String(row.name),
    hypothesis: String(row.hypothesis),
    metrics: row.metrics as string[],
    options: row.options as Experiment['options'],
    variant_dimension: String(row.variant_dimension),
    control: (row.control_value as string | null) ?? null,
    treatment: (row.treatment_value as string | null) ?? null,
    split: row.split_date ? dateText(row.split_date) : null,
    where: row.where_filter as Record<string, string>,
    from: dateText(row.date_from),
    to: dateText(row.date_to),
    treatment_share: Number(row.treatment_share),
    min_detectable_effect: row.min_detectable_effect === null ? null : Number(row.min_detectable_effect),
    design: row.variant_dimension === 'date' ? 'before_after' : 'randomized',
    created_by: String(row.created_by),
    created_at: row.created_at instanceof Date ? row.created_at.toISOString() : String(row.created_at),
  };
}

function parseInput(input: unknown) {
  const parsed = ZExperimentInput.safeParse(input);
  if (!parsed.success)
    throw badRequest(
      'invalid-experiment',
      parsed.error.issues.map((i) => `${i.path.join('.') || 'experiment'}: ${i.message}`).join('; '),
    );
  return parsed.data;
}

export async function createExperiment(
  db: Db,
  org: Organization,
  actor: string,
  input: ExperimentInput,
  context: { scope?: DataScope } = {},
): Promise<Experiment> {
  const e = parseInput(input);
  // The arms' queries must be ones the engine answers: checked now, not at the first analysis.
  const customs = await customMetricsFor(db, org, e.metrics);
  for (const arm of armQueries(e)) {
    await queryMetrics(
      db,
      org,
      { metrics: e.metrics, from: arm.from, to: arm.to, grain: 'all', where: arm.where, options: e.options },
      { customs, scope: context.scope },
    );
  }
  const existing = await sql`select 1 from experiment where org_id = ${org.id}::uuid and name = ${e.name}`.execute(
    db.kysely,
  );
  if (existing.rows.length)
    throw new AppError(409, 'experiment-exists', `An experiment named "${e.name}" exists; pick another name.`);
  const row = await sql<Record<string, unknown>>`
    insert into experiment (org_id, name, hypothesis, metrics, options, variant_dimension, control_value,
      treatment_value, split_date, where_filter, date_from, date_to, treatment_share, min_detectable_effect, created_by)
    values (${org.id}::uuid, ${e.name}, ${e.hypothesis}, ${JSON.stringify(e.metrics)}::jsonb,
      ${JSON.stringify(e.options)}::jsonb, ${e.variant_dimension}, ${e.control ?? null}, ${e.treatment ?? null},
      ${e.split ?? null}::date, ${JSON.stringify(e.where)}::jsonb, ${e.from}::date, ${e.to}::date,
      ${e.treatment_share}, ${e.min_detectable_effect ?? null}, ${actor})
    returning *`.execute(db.kysely);
  return toExperiment(row.rows[0]!);
}

export async function listExperiments(db: Db, orgId: string): Promise<Experiment[]> {
  const rows = await sql<Record<string, unknown>>`
    select * from experiment where org_id = ${orgId}::uuid order by created_at desc, name`.execute(db.kysely);
  return rows.rows.map(toExperiment);
}

/** By name or id. */
export async function getExperiment(db: Db, orgId: string, nameOrId: string): Promise<Experiment> {
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(nameOrId);
  const rows = await sql<Record<string, unknown>>`
    select * from experiment where org_id = ${orgId}::uuid
      and (name = ${nameOrId} ${isUuid ? sql`or id = ${nameOrId}::uuid` : sql``})`.execute(db.kysely);
  if (!rows.rows[0]) throw notFound('experiment-not-found', `No experiment "${nameOrId}"; see cxkpi experiments list.`);
  return toExperiment(rows.rows[0]);
}

export async function deleteExperiment(db: Db, orgId: string, nameOrId: string): Promise<Experiment> {
  const experiment = await getExperiment(db, orgId, nameOrId);
  await sql`delete from experiment where org_id = ${orgId}::uuid and id = ${experiment.id}::uuid`.execute(db.kysely);
  return experiment;
}

interface Arm {
  arm: 'control' | 'treatment';
  label: string;
  from: string;
  to: string;
  where: Record<string, string>;
}

function armQueries(e: {
  variant_dimension: string;
  control?: string | null;
  treatment?: string | null;
  split?: string | null;
  where: Record<string, string>;
  from: string;
  to: string;
}): [Arm, Arm] {
  if (e.variant_dimension === 'date') {
    const split = e.split!;
    return [
      { arm: 'control', label: e.control ?? `before ${split}`, from: e.from, to: split, where: e.where },
      { arm: 'treatment', label: e.treatment ?? `from ${split}`, from: split, to: e.to, where: e.where },
    ];
  }
  return [
    {
      arm: 'control',
      label: e.control!,
      from: e.from,
      to: e.to,
      where: { ...e.where, [e.variant_dimension]: e.control! },
    },
    {
      arm: 'treatment',
      label: e.treatment!,
      from: e.from,
      to: e.to,
      where: { ...e.where, [e.variant_dimension]: e.treatment! },
    },
  ];
}

/** Which test a metric's kind takes (src/metrics/kinds); null for counts and sums (no per-unit variance to test). */
export type { TestKind };

export function testKindOf(metric: MetricDef, options: Record<string, unknown> = {}): TestKind | null {
  const aggregate = String(options.aggregate ?? 'median') as Aggregate;
  return kindOf(metric.formula).test(metric.formula, aggregate);
}

const num = (v: number | null | undefined) => (v === null || v === undefined ? null : v);

export async function analyzeExperiment(
  db: Db,
  org: Organization,
  nameOrId: string,
  context: { scope?: DataScope; now?: Date } = {},
): Promise<ExperimentAnalysis> {
  const experiment = await getExperiment(db, org.id, nameOrId);
  const arms = armQueries(experiment);
  const customs = await customMetricsFor(db, org, experiment.metrics);
  const results = await Promise.all(
    arms.map((arm) =>
      queryMetrics(
        db,
        org,
        {
          metrics: experiment.metrics,
          from: arm.from,
          to: arm.to,
          grain: 'all',
          where: arm.where,
          options: experiment.options,
        },
        { customs, scope: context.scope },
      ),
    ),
  );
  const warnings: string[] = [];
  const comparisons: MetricComparison[] = [];
  for (const id of experiment.metrics) {
    const metric = customs.get(id) ?? getMetric(id)!;
    const options = experiment.options[id] ?? {};
    const [c, t] = results.map((r, i) =>
      armResult(
        arms[i]!,
        r.rows.find((row) => row.metric === id),
      ),
    );
    const kind = testKindOf(metric, options);
    let comparison: Comparison | null = null;
    let note: string | null = null;
    if (!kind) note = `${metric.names.en} is a total, not a per-unit measure: no test, values only.`;
    else if (c!.value === null || t!.value === null) note = 'An arm has no data: nothing to compare.';
    else {
      const outcome = await compareArms(db, org, experiment, arms, metric, kind, c!, t!, context.scope);
      comparison = outcome.comparison;
      note = outcome.note;
    }
    const srm = experiment.design === 'randomized' ? sampleRatioCheck(c!.n, t!.n, experiment.treatment_share) : null;
    comparisons.push({
      metric: id,
      name: metric.names.en,
      unit: metric.unit,
      direction: metric.direction,
      control: c!,
      treatment: t!,
      difference: c!.value !== null && t!.value !== null ? (comparison?.difference ?? t!.value - c!.value) : null,
      ci_low: num(comparison?.low),
      ci_high: num(comparison?.high),
      test: comparison?.test ?? null,
      statistic: num(comparison?.statistic),
      df: num(comparison?.df),
      p_value: num(comparison?.pValue),
      p_adjusted: null,
      significant: null,
      verdict: 'not_tested',
      sample_ratio: srm,
      note,
      summary: '',
    });
  }
  // Holm over the metrics that were tested.
  const tested = comparisons.filter((m) => m.p_value !== null);
  holmAdjust(tested.map((m) => m.p_value!)).forEach((p, i) => {
    const m = tested[i]!;
    m.p_adjusted = p;
    m.significant = p < 0.05;
    const better = m.direction === 'lower_is_better' ? m.difference! < 0 : m.difference! > 0;
    m.verdict = !m.significant || m.direction === 'neutral' ? 'no_difference' : better ? 'better' : 'worse';
  });
  for (const m of comparisons) m.summary = describeComparison(m, experiment.design);

  const sampleRatio = comparisons[0]?.sample_ratio ?? null;
  if (sampleRatio?.mismatch) {
    warnings.push(
      `SAMPLE RATIO MISMATCH: ${sampleRatio.observed[0]} control vs ${sampleRatio.observed[1]} treatment, ` +
        `planned ${Math.round((1 - experiment.treatment_share) * 100)}/${Math.round(experiment.treatment_share * 100)} ` +
        `(chi-square ${sampleRatio.statistic.toFixed(1)}, p = ${formatP(sampleRatio.pValue)}). The arms were not ` +
        'assigned as planned (or data is missing from one): do not trust these results until the cause is found.',
    );
  }
  if (experiment.design === 'before_after')
    warnings.push(
      'Before/after comparison, not a randomized test: anything else that changed at the split date ' +
        '(season, volume, staff) is mixed into the difference.',
    );
  const now = context.now ?? new Date();
  const today = now.toISOString().slice(0, 10);
  const first = comparisons[0];
  const planned = first ? plannedSize(first, experiment.min_detectable_effect) : null;
  if (today < experiment.to)
    warnings.push(
      `The experiment runs until ${experiment.to}: reading p-values before the planned end (peeking) and ` +
        'stopping when one dips below 0.05 inflates false positives; decide at the end.',
    );
  if (planned !== null && first && Math.min(first.control.n, first.treatment.n) < planned)
    warnings.push(
      `Fewer than the planned ${planned} per arm for a difference of ${experiment.min_detectable_effect} in ` +
        `${first.name}: a "no difference" now may only mean too little data.`,
    );
  if (tested.length > 1)
    warnings.push(`${tested.length} metrics tested: p-values are Holm-adjusted (p_adjusted) for multiple testing.`);
  return {
    experiment,
    design: experiment.design,
    sample_ratio: sampleRatio,
    metrics: comparisons,
    planned_n_per_arm: planned,
    warnings,
    analyzed_at: now.toISOString(),
  };
}

function armResult(arm: Arm, row: MetricRow | undefined): ArmResult {
  return {
    arm: arm.arm,
    label: arm.label,
    from: arm.from,
    to: arm.to,
    value: row?.value ?? null,
    n: row?.n ?? 0,
    ci_low: row?.ci_low ?? null,
    ci_high: row?.ci_high ?? null,
    low_sample: row?.low_sample ?? true,
    partial: row?.partial ?? false,
  };
}

/** n, sum and sum of squares of an arm from its mean and Student t interval. */
export function meanComponentsFromInterval(arm: ArmResult): MeanComponents | null {
  if (arm.value === null || arm.ci_low === null || arm.ci_high === null || arm.n < 2) return null;
  const half = (arm.ci_high - arm.ci_low) / 2;
  const sd = (half * Math.sqrt(arm.n)) / studentQuantile(0.975, arm.n - 1);
  const sum = arm.value * arm.n;
  return { n: arm.n, sum, sumOfSquares: (arm.n - 1) * sd * sd + (sum * sum) / arm.n };
}

async function compareArms(
  db: Db,
  org: Organization,
  experiment: Experiment,
  arms: [Arm, Arm],
  metric: MetricDef,
  kind: TestKind,
  c: ArmResult,
  t: ArmResult,
  scope: DataScope | undefined,
): Promise<{ comparison: Comparison | null; note: string | null }> {
  if (kind === 'proportion') {
    const kc = Math.round(c.value! * c.n);
    const kt = Math.round(t.value! * t.n);
    if (needsExactTest(kt, t.n, kc, c.n))
      return {
        comparison: fisherExact(kt, t.n, kc, c.n),
        note: "Small counts (an expected cell under 5): Fisher's exact test.",
      };
    return { comparison: compareProportions(kt, t.n, kc, c.n), note: null };
  }
  if (kind === 'mean') {
    const a = meanComponentsFromInterval(t);
    const b = meanComponentsFromInterval(c);
    if (!a || !b) return { comparison: null, note: 'An arm has fewer than two values or no interval: no t test.' };
    return { comparison: compareMeans(a, b), note: null };
  }
  // NPS counts and durations come from the metric's own rows, one listing per arm.
  const rows = await Promise.all(
    arms.map((arm) =>
      listMetricRows(
        db,
        org,
        {
          metric: metric.id,
          from: arm.from,
          to: arm.to,
          where: arm.where,
          options: experiment.options[metric.id] ?? {},
          limit: 100_000,
        },
        { scope },
      ),
    ),
  );
  if (rows.some((r) => r.truncated))
    return { comparison: null, note: 'More than 100,000 rows in an arm: narrow the range for the rank test.' };
  const [control, treatment] = rows.map((r) => r.rows);
  if (kind === 'nps') {
    const counts = (list: Array<Record<string, unknown>>) => {
      const promoters = list.filter((r) => r.promoter === true).length;
      const detractors = list.filter((r) => r.detractor === true).length;
      return { promoters, detractors, passives: list.length - promoters - detractors };
    };
    const a = counts(treatment!);
    const b = counts(control!);
    if (treatment!.length !== t.n || control!.length !== c.n)
      return {
        comparison: null,
        note: 'The listed answers do not match the metric n (deduplicated answers): no test.',
      };
    return { comparison: compareNpsArms(a, b), note: null };
  }
  const values = (list: Array<Record<string, unknown>>) =>
    list.map((r) => r.measured_value).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const comparison = mannWhitney(values(treatment!), values(control!));
  return {
    comparison,
    note: 'Durations: Mann-Whitney U on the rows; the difference is the Hodges-Lehmann shift, not a difference of medians.',
  };
}

function plannedSize(first: MetricComparison, mde: number | null): number | null {
  if (mde === null || first.control.value === null) return null;
  const base = first.control.value;
  const kind = first.unit === 'ratio' ? 'proportion' : null;
  if (kind === 'proportion') {
    const p2 = first.direction === 'lower_is_better' ? base - mde : base + mde;
    if (p2 <= 0 || p2 >= 1) return null;
    const pbar = (base + p2) / 2;
    const z = 1.959963984540054;
    const zb = 0.8416212335729143;
    return Math.ceil(
      ((z * Math.sqrt(2 * pbar * (1 - pbar)) + zb * Math.sqrt(base * (1 - base) + p2 * (1 - p2))) / mde) ** 2,
    );
  }
  const comps = meanComponentsFromInterval(first.control);
  if (!comps) return null;
  const variance = (comps.sumOfSquares - comps.sum ** 2 / comps.n) / (comps.n - 1);
  if (first.unit === 'nps' && first.control.ci_high !== null && first.control.ci_low !== null) {
    // Per-answer variance on -100..100 from the Wald interval of the control arm.
    const v = ((first.control.ci_high - first.control.ci_low) / 2 / 1.959963984540054) ** 2 * first.control.n;
    return Math.ceil((2 * v * (1.959963984540054 + 0.8416212335729143) ** 2) / mde ** 2);
  }
  return Math.ceil((2 * variance * (1.959963984540054 + 0.8416212335729143) ** 2) / mde ** 2);
}

export function formatP(p: number): string {
  if (p < 0.001) return '< 0.001';
  return p.toFixed(3);
}

/** A value in its unit for the plain-words summary. */
function formatValue(unit: MetricDef['unit'], v: number): string {
  switch (unit) {
    case 'ratio':
      return `${(v * 100).toFixed(1)} %`;
    case 'nps':
      return v.toFixed(1);
    case 'seconds':
      return formatDuration(v);
    case 'money':
      return v.toFixed(2);
    default:
      return Number.isInteger(v) ? String(v) : v.toFixed(2);
  }
}

function formatDifference(unit: MetricDef['unit'], d: number): string {
  const sign = d > 0 ? '+' : d < 0 ? '−' : '±';
  const a = Math.abs(d);
  if (unit === 'ratio') return `${sign}${(a * 100).toFixed(1)} pp`;
  if (unit === 'seconds') return `${sign}${formatDuration(a)}`;
  return `${sign}${unit === 'nps' ? a.toFixed(1) : a.toFixed(2)}`;
}

function formatBound(unit: MetricDef['unit'], d: number): string {
  if (unit === 'ratio') return (d * 100).toFixed(1);
  if (unit === 'seconds') return `${d < 0 ? '−' : ''}${formatDuration(Math.abs(d))}`;
  return unit === 'nps' ? d.toFixed(1) : d.toFixed(2);
}

function formatDuration(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${(seconds / 60).toFixed(1)} min`;
  if (seconds < 172_800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

export function describeComparison(m: MetricComparison, design: Experiment['design']): string {
  const who = design === 'before_after' ? 'after' : 'treatment';
  const against = design === 'before_after' ? 'before' : 'control';
  if (m.control.value === null || m.treatment.value === null)
    return `${m.name}: no data in the ${m.control.value === null ? against : who} arm.`;
  const head = `${who} ${m.name} ${formatValue(m.unit, m.treatment.value)} vs ${formatValue(m.unit, m.control.value)}`;
  if (m.difference === null) return head;
  const interval =
    m.ci_low !== null && m.ci_high !== null
      ? ` [${formatBound(m.unit, m.ci_low)}, ${formatBound(m.unit, m.ci_high)}]`
      : '';
  const p =
    m.p_value !== null
      ? `, p = ${formatP(m.p_value)}${m.p_adjusted !== null && m.p_adjusted !== m.p_value ? ` (Holm ${formatP(m.p_adjusted)})` : ''}`
      : '';
  return `${head}, ${formatDifference(m.unit, m.difference)}${interval}${p}`;
}

export const ZPlanInput = z
  .object({
    metric: z.string().min(1),
    /** The smallest difference worth detecting, in the metric's unit (0.03 = 3 pp for a share). */
    min_detectable_effect: z.number().positive(),
    /** The control's expected value; from the history [from, to) when absent. */
    baseline: z.number().optional(),
    /** Standard deviation per unit for means and durations (NPS: per answer on -100..100). */
    sd: z.number().positive().optional(),
    from: ZDate.optional(),
    to: ZDate.optional(),
    where: z.record(z.string(), z.string()).default({}),
    options: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
    alpha: z.number().gt(0).lt(0.5).default(0.05),
    power: z.number().gt(0.5).lt(1).default(0.8),
  })
  .refine((p) => (p.from === undefined) === (p.to === undefined), {
    message: 'give both from and to (the history to estimate the baseline from), or neither',
    path: ['to'],
  });
export type PlanInput = z.input<typeof ZPlanInput>;

export interface ExperimentPlan {
  metric: string;
  kind: TestKind;
  baseline: number | null;
  sd: number | null;
  min_detectable_effect: number;
  alpha: number;
  power: number;
  n_per_arm: number;
  method: string;
  /** Days per arm at the history's rate of units, when a history was given. */
  days_needed: number | null;
}

/**
 * Sample size per arm before the start: shares by R's power.prop.test formula, means by the
 * t-corrected normal formula (power.t.test), NPS by the normal formula on the per-answer
 * variance, durations as means divided by 0.864, the lowest asymptotic efficiency of the
 * Mann-Whitney test against the t test (Hodges & Lehmann 1956), so never too few.
 */
export async function planExperiment(
  db: Db,
  org: Organization,
  input: PlanInput,
  context: { scope?: DataScope } = {},
): Promise<ExperimentPlan> {
  const parsed = ZPlanInput.safeParse(input);
  if (!parsed.success)
    throw badRequest(
      'invalid-plan',
      parsed.error.issues.map((i) => `${i.path.join('.') || 'plan'}: ${i.message}`).join('; '),
    );
  const p = parsed.data;
  const customs = await customMetricsFor(db, org, [p.metric]);
  const metric = customs.get(p.metric) ?? getMetric(p.metric);
  if (!metric) throw badRequest('unknown-metric', `No metric "${p.metric}"; see cxkpi metrics.`);
  const kind = testKindOf(metric, p.options);
  if (!kind)
    throw badRequest('not-testable', `${metric.names.en} is a total, not a per-unit measure: nothing to plan.`);
  let baseline = p.baseline ?? null;
  let sd = p.sd ?? null;
  let daysNeeded: number | null = null;
  let historyN: number | null = null;
  if (p.from && p.to) {
    const result = await queryMetrics(
      db,
      org,
      { metrics: [p.metric], from: p.from, to: p.to, grain: 'all', where: p.where, options: { [p.metric]: p.options } },
      { customs, scope: context.scope },
    );
    const row = result.rows[0];
    if (row?.value !== null && row?.value !== undefined) {
      const arm = { value: row.value, n: row.n, ci_low: row.ci_low, ci_high: row.ci_high } as ArmResult;
      historyN = row.n;
      baseline ??= row.value;
      if (sd === null && kind === 'mean') {
        const comps = meanComponentsFromInterval(arm);
        if (comps) sd = Math.sqrt((comps.sumOfSquares - comps.sum ** 2 / comps.n) / (comps.n - 1));
      }
      if (sd === null && kind === 'nps' && row.ci_low !== null && row.ci_high !== null)
        sd = ((row.ci_high - row.ci_low) / 2 / 1.959963984540054) * Math.sqrt(row.n);
      if (sd === null && kind === 'rank') {
        const rows = await listMetricRows(
          db,
          org,
          { metric: p.metric, from: p.from, to: p.to, where: p.where, options: p.options, limit: 100_000 },
          { scope: context.scope },
        );
        const values = rows.rows.map((r) => r.measured_value).filter((v): v is number => typeof v === 'number');
        const c = meanComponentsOf(values);
        if (c.n > 1) sd = Math.sqrt((c.sumOfSquares - c.sum ** 2 / c.n) / (c.n - 1));
      }
    }
  }
  let n: number | null;
  let method: string;
  if (kind === 'proportion') {
    if (baseline === null)
      throw badRequest('no-baseline', 'Give --baseline (a share such as 0.8) or a history --from/--to.');
    const p2 =
      metric.direction === 'lower_is_better' ? baseline - p.min_detectable_effect : baseline + p.min_detectable_effect;
    n = sampleSizeForProportions(baseline, p2, p.alpha, p.power);
    method = "two-proportion z (R's power.prop.test)";
  } else {
    if (sd === null) throw badRequest('no-sd', 'Give --sd (the standard deviation per unit) or a history --from/--to.');
    if (kind === 'nps') {
      n = sampleSizePerArm(p.min_detectable_effect, sd * sd, sd * sd, p.alpha, p.power);
      method = 'NPS variance z';
    } else {
      n = sampleSizeForMeans(p.min_detectable_effect, sd, p.alpha, p.power);
      method = "Welch's t (R's power.t.test)";
      if (kind === 'rank' && n !== null) {
        n = n / 0.864;
        method = 'Mann-Whitney U: t-test size / 0.864 (its lowest efficiency against the t test)';
      }
    }
  }
  if (n === null)
    throw badRequest(
      'cannot-plan',
      'The baseline and effect give no valid alternative (a share must stay within 0..1).',
    );
  const perArm = Math.ceil(n - 1e-9);
  if (historyN && p.from && p.to) {
    const days = (Date.parse(p.to) - Date.parse(p.from)) / 86_400_000;
    // Both arms share the units: each gets half the history's rate.
    daysNeeded = Math.ceil((perArm * 2) / (historyN / days));
  }
  return {
    metric: p.metric,
    kind,
    baseline,
    sd,
    min_detectable_effect: p.min_detectable_effect,
    alpha: p.alpha,
    power: p.power,
    n_per_arm: perArm,
    method,
    days_needed: daysNeeded,
  };
}
