import { z } from 'zod';
import { addPeriods } from '../calendar/periods.ts';
import { dataScope, type Access } from '../auth/access.ts';
import type { Db } from '../db/connect.ts';
import { badRequest, invalidInput } from '../errors.ts';
import { customMetricsFor, getMetric, queryMetrics, type MetricDef, type MetricRow } from '../metrics/index.ts';
import type { Organization } from '../orgs/index.ts';
import type { Scorecard, ScorecardLine, ScorecardSubject } from '../contract/api.ts';
import { judge, listTargets, scopeKey, type Attainment, type TargetGrain } from './targets.ts';

/**
 * A team's or an agent's scorecard for one period: each targeted KPI with its value, n,
 * interval, target and verdict, the change against the previous period, and the team's or the
 * organization's value beside it. Everything comes from queryMetrics as the caller, so an agent
 * sees their own card and a team lead their teams'. With several subjects (`by`), a KPI is ranked
 * only among subjects with enough data, and durations only among subjects of the same main
 * channel (a chat team answers faster than an e-mail team by nature).
 */
export const ZScorecardQuery = z
  .object({
    period: z.string().regex(/^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$/, 'is YYYY-MM, YYYY-Qn or YYYY, such as 2026-03'),
    team: z.string().min(1).max(200).optional(),
    agent: z.string().min(1).max(200).optional(),
    by: z.enum(['agent', 'team']).optional(),
    /** KPIs to show; default: every KPI with a target in force in the period. */
    metrics: z.array(z.string().min(1)).min(1).max(20).optional(),
    /** An opt-in weighted score: the weighted share of targets met, with these weights shown. */
    weights: z.record(z.string(), z.number().positive().finite()).optional(),
  })
  .strict()
  .refine((q) => !(q.team && q.agent), { message: 'name a team or an agent, not both', path: ['agent'] })
  .refine((q) => !(q.agent && q.by), { message: 'an agent has no members to list', path: ['by'] });
export type ScorecardQuery = z.input<typeof ZScorecardQuery>;

// GET /api/v1/scorecard's answer, declared with the HTTP contract that the dashboard shares.
export type { Scorecard, ScorecardLine, ScorecardSubject } from '../contract/api.ts';

/** 2026-03 -> month, 2026-Q1 -> quarter, 2026 -> year, as a range [from, to). */
export function parseScorecardPeriod(period: string): { grain: TargetGrain; from: string; to: string } {
  const quarter = /^(\d{4})-Q([1-4])$/.exec(period);
  if (quarter) {
    const from = `${quarter[1]}-${String((Number(quarter[2]) - 1) * 3 + 1).padStart(2, '0')}-01`;
    return { grain: 'quarter', from, to: addPeriods(from, 'quarter', 1) };
  }
  if (/^\d{4}$/.test(period)) return { grain: 'year', from: `${period}-01-01`, to: `${Number(period) + 1}-01-01` };
  const from = `${period}-01`;
  return { grain: 'month', from, to: addPeriods(from, 'month', 1) };
}

export async function computeScorecard(
  db: Db,
  org: Organization,
  access: Access,
  input: ScorecardQuery,
): Promise<Scorecard> {
  const parsed = ZScorecardQuery.safeParse(input);
  if (!parsed.success) throw invalidInput('invalid-scorecard', parsed.error.issues, 'scorecard');
  const query = parsed.data;
  const { grain, from, to } = parseScorecardPeriod(query.period);
  const metrics = query.metrics ?? (await targetedMetrics(db, org.id, grain, from));
  if (!metrics.length)
    throw badRequest(
      'no-targets',
      `No KPI has a ${grain}ly target in force for ${query.period}: set one with cxkpi targets set, or name the KPIs.`,
    );
  const scope = dataScope(access);
  const where: Record<string, string> = query.team ? { team: query.team } : query.agent ? { agent: query.agent } : {};
  const by = query.by ? [query.by] : [];
  // One level up: the team of the agent(s) shown, or the organization for teams.
  const level: 'team' | 'organization' | null =
    query.team && query.by === 'agent' ? 'team' : query.agent || query.by || query.team ? 'organization' : null;
  // The subjects' numbers, the level above and the definitions are independent: asked at once.
  const [main, contextRows, definitions] = await Promise.all([
    queryMetrics(db, org, { metrics, from, to, grain, by, where, compare: 'previous' }, { scope }),
    level === null
      ? Promise.resolve([])
      : queryMetrics(
          db,
          org,
          { metrics, from, to, grain, where: level === 'team' ? { team: query.team! } : {} },
          { scope },
        ).then((result) => result.rows),
    metricDefinitions(db, org, metrics),
  ]);
  const contextOf = new Map(contextRows.map((row) => [row.metric, row.value]));

  const subjects = new Map<string, ScorecardSubject>();
  for (const row of main.rows) {
    const id = query.by ? row.group[query.by] : null;
    if (query.by && !id) continue;
    const subjectScope = query.by ? { [query.by]: id! } : where;
    const key = JSON.stringify(subjectScope);
    let subject = subjects.get(key);
    if (!subject) {
      subject = {
        scope: subjectScope,
        name: query.by ? (row.group[`${query.by}_name`] ?? null) : null,
        lines: [],
        channel_mix: null,
        score: null,
      };
      subjects.set(key, subject);
    }
    subject.lines.push(
      line(row, definitions.get(row.metric)!, level ? { level, value: contextOf.get(row.metric) ?? null } : null),
    );
  }
  const list = [...subjects.values()];
  await inheritTargets(db, org, list, query, grain, from, definitions);
  if (metrics.some((id) => definitions.get(id)?.unit === 'seconds'))
    await addChannelMix(db, org, access, list, query, from, to);
  if (query.by) rank(list, metrics, definitions);
  if (query.weights) for (const subject of list) subject.score = weightedScore(subject.lines, query.weights);
  return { period: query.period, grain, from, to, subjects: list };
}

function line(row: MetricRow, metric: MetricDef, context: ScorecardLine['context']): ScorecardLine {
  return {
    metric: row.metric,
    name: metric.names,
    unit: metric.unit,
    direction: metric.direction,
    value: row.value,
    n: row.n,
    ci_low: row.ci_low,
    ci_high: row.ci_high,
    low_sample: row.low_sample,
    target: row.target ?? null,
    target_scope: row.target !== undefined && row.target !== null ? 'own' : null,
    attainment: row.attainment ?? 'no_target',
    miss_significant: row.miss_significant ?? null,
    previous: row.previous ?? null,
    delta: row.delta ?? null,
    significant: row.significant ?? null,
    context,
    rank: null,
    ranked_among: null,
  };
}

async function targetedMetrics(db: Db, orgId: string, grain: TargetGrain, from: string): Promise<string[]> {
  const rows = await db.kysely
    .selectFrom('kpi_target')
    .select('metric')
    .distinct()
    .where('org_id', '=', orgId)
    .where('grain', '=', grain)
    .where('valid_from', '<=', from)
    .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>', from)]))
    .orderBy('metric')
    .execute();
  return rows.map((row) => row.metric);
}

async function metricDefinitions(db: Db, org: Organization, ids: string[]): Promise<Map<string, MetricDef>> {
  const customs = await customMetricsFor(db, org, ids);
  return new Map(ids.map((id) => [id, (getMetric(id) ?? customs.get(id))!]));
}

/**
 * A subject without a target of its own is judged by the target of the level above: an agent by
 * their team's, then the organization's; a team by the organization's. The line says which.
 */
async function inheritTargets(
  db: Db,
  org: Organization,
  subjects: ScorecardSubject[],
  query: z.infer<typeof ZScorecardQuery>,
  grain: TargetGrain,
  from: string,
  definitions: Map<string, MetricDef>,
) {
  const inForce = (await listTargets(db.kysely, org.id, { metrics: [...definitions.keys()] })).filter(
    (t) =>
      t.grain === grain &&
      t.valid_from <= from &&
      (t.valid_to === null || t.valid_to > from) &&
      !Object.keys(t.options).length,
  );
  if (!inForce.length) return;
  const agentIds = subjects.map((s) => s.scope.agent).filter((id): id is string => Boolean(id));
  const teamOf = new Map<string, string | null>();
  if (agentIds.length) {
    const agents = await db.kysely
      .selectFrom('agent')
      .select(['id', 'team_id'])
      .where('org_id', '=', org.id)
      .where('id', 'in', agentIds)
      .execute();
    for (const agent of agents) teamOf.set(agent.id, agent.team_id);
  }
  for (const subject of subjects) {
    const team = subject.scope.agent ? (query.team ?? teamOf.get(subject.scope.agent) ?? null) : null;
    type Level = [ScorecardLine['target_scope'], Record<string, string>];
    const levels: Level[] = [];
    if (subject.scope.agent && team) levels.push(['team', { team }]);
    if (subject.scope.agent || subject.scope.team) levels.push(['organization', {}]);
    for (const line of subject.lines) {
      if (line.target !== null) continue;
      for (const [level, scope] of levels) {
        const target = inForce.find((t) => t.metric === line.metric && scopeKey(t.scope) === scopeKey(scope));
        if (!target) continue;
        Object.assign(line, judge(line, target.value, line.direction), { target_scope: level });
        break;
      }
    }
  }
}

/** Share of each subject's tickets by channel, from the engine like every other number. */
async function addChannelMix(
  db: Db,
  org: Organization,
  access: Access,
  subjects: ScorecardSubject[],
  query: z.infer<typeof ZScorecardQuery>,
  from: string,
  to: string,
) {
  const dimension = query.by ?? null;
  const where: Record<string, string> = query.team ? { team: query.team } : query.agent ? { agent: query.agent } : {};
  const result = await queryMetrics(
    db,
    org,
    {
      metrics: ['tickets_created'],
      from,
      to,
      grain: 'all',
      by: dimension ? [dimension, 'channel'] : ['channel'],
      where,
    },
    { scope: dataScope(access) },
  );
  for (const subject of subjects) {
    const mine = result.rows.filter((row) => !dimension || row.group[dimension] === subject.scope[dimension]);
    const total = mine.reduce((sum, row) => sum + (row.value ?? 0), 0);
    if (!total) continue;
    subject.channel_mix = Object.fromEntries(
      mine
        .filter((row) => row.value)
        .map((row) => [row.group.channel ?? '(none)', Math.round((row.value! / total) * 1000) / 1000]),
    );
  }
}

/** The main channel of a subject: more than half its tickets, or mixed. */
function mainChannel(mix: Record<string, number> | null): string {
  if (!mix) return '(unknown)';
  const [channel, share] = Object.entries(mix).sort((a, b) => b[1] - a[1])[0] ?? ['(unknown)', 0];
  return share > 0.5 ? channel : '(mixed)';
}

function rank(subjects: ScorecardSubject[], metrics: string[], definitions: Map<string, MetricDef>) {
  for (const metric of metrics) {
    const definition = definitions.get(metric)!;
    if (definition.direction === 'neutral') continue;
    const eligible = subjects
      .map((subject) => ({ subject, line: subject.lines.find((l) => l.metric === metric)! }))
      .filter(({ line }) => line && line.value !== null && !line.low_sample);
    // Durations compete only with subjects of the same main channel.
    const pools = new Map<string, typeof eligible>();
    for (const entry of eligible) {
      const pool = definition.unit === 'seconds' ? mainChannel(entry.subject.channel_mix) : 'all';
      pools.set(pool, [...(pools.get(pool) ?? []), entry]);
    }
    for (const pool of pools.values()) {
      if (pool.length < 2) continue;
      const better = definition.direction === 'higher_is_better' ? -1 : 1;
      pool.sort((a, b) => better * (a.line.value! - b.line.value!));
      pool.forEach((entry, i) => {
        const tied = i > 0 && pool[i - 1]!.line.value === entry.line.value;
        entry.line.rank = tied ? pool[i - 1]!.line.rank : i + 1;
        entry.line.ranked_among = pool.length;
      });
    }
  }
}

/** Weighted share of targets met, over KPIs with a verdict (not enough data does not count). */
export function weightedScore(lines: Pick<ScorecardLine, 'metric' | 'attainment'>[], weights: Record<string, number>) {
  let total = 0;
  let met = 0;
  let counted = 0;
  for (const line of lines) {
    const weight = weights[line.metric];
    if (!weight || (line.attainment !== 'met' && line.attainment !== 'missed')) continue;
    total += weight;
    counted++;
    if (line.attainment === 'met') met += weight;
  }
  return { value: total ? met / total : null, weights, counted };
}

/** One row per subject and KPI, for CSV and XLSX. */
export function scorecardTable(card: Scorecard): { columns: string[]; rows: Array<Record<string, unknown>> } {
  const columns = [
    'period',
    'scope',
    'subject',
    'subject_name',
    'metric',
    'metric_name',
    'value',
    'n',
    'ci_low',
    'ci_high',
    'low_sample',
    'target',
    'target_scope',
    'attainment',
    'miss_significant',
    'previous',
    'delta',
    'significant',
    'context_level',
    'context_value',
    'rank',
    'ranked_among',
    'channel_mix',
    'weighted_score',
  ];
  const rows = card.subjects.flatMap((subject) =>
    subject.lines.map((line) => {
      const [scope, id] = Object.entries(subject.scope)[0] ?? ['organization', null];
      return {
        period: card.period,
        scope,
        subject: id,
        subject_name: subject.name,
        metric: line.metric,
        metric_name: line.name.en,
        value: line.value,
        n: line.n,
        ci_low: line.ci_low,
        ci_high: line.ci_high,
        low_sample: line.low_sample,
        target: line.target,
        target_scope: line.target_scope,
        attainment: line.attainment,
        miss_significant: line.miss_significant,
        previous: line.previous,
        delta: line.delta,
        significant: line.significant,
        context_level: line.context?.level ?? null,
        context_value: line.context?.value ?? null,
        rank: line.rank,
        ranked_among: line.ranked_among,
        channel_mix: subject.channel_mix ? JSON.stringify(subject.channel_mix) : null,
        weighted_score: subject.score?.value ?? null,
      };
    }),
  );
  return { columns, rows };
}
