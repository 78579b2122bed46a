/**
 * The shapes of the HTTP API's answers, declared once: the server's modules take their types
 * from here, and the dashboard (web/, which type-checks without node types) imports them with
 * `import type`. So this file imports nothing but other dependency-free files, and holds types
 * only: no rule the client could re-derive lives here.
 */
import type { Grain } from '../calendar/periods.ts';

export type Texts = { en: string; ru: string; lt: string };

/** What a metric is computed from (src/metrics/catalog/types.ts). */
export type MetricEntity =
  | 'tickets'
  | 'survey_responses'
  | 'survey_invitations'
  | 'customers'
  | 'orders'
  | 'costs'
  | 'reviews'
  /** Survey comments and review texts together (src/metrics/catalog/feedback.ts). */
  | 'feedback';
export type Unit = 'ratio' | 'nps' | 'score' | 'seconds' | 'count' | 'money' | 'number';
export type Direction = 'higher_is_better' | 'lower_is_better' | 'neutral';

/** A metric as the catalog endpoints and docs show it (no SQL); src/metrics/describe-metric.ts. */
export interface MetricInfo {
  id: string;
  names: Texts;
  description: string;
  unit: Unit;
  direction: Direction;
  entity: MetricEntity;
  time: string;
  population: string;
  formula: string;
  min_sample: number;
  uncertainty: 'wilson' | 'nps-wald' | 't-mean' | 'none';
  options: Array<{ id: string; description: string; values?: readonly string[]; default: string | number | boolean }>;
  business_hours: boolean;
  dimensions: string[];
  /** An organization's own KPI (formula language), not part of the catalog. */
  custom: boolean;
}

/** A metric for GET /api/v1/metrics: what it is, in every language, and whether this caller may query it. */
export interface PresentedMetric extends Omit<MetricInfo, 'options'> {
  descriptions: Texts;
  options: Array<MetricInfo['options'][number] & { descriptions: Texts }>;
  /** The range of a bounded value (CES 1-7, NPS -100..100); shares are 0-1 by their unit. */
  scale: { min: number; max: number } | null;
  /** The entities it is computed from, through the metrics it combines (what to import for it). */
  sources: string[];
  /** Whether this caller may query it, and if not why (team leads and agents: team data only). */
  queryable: boolean;
  reason: { code: string; message: string } | null;
}

/** GET /api/v1/metrics. */
export interface MetricList {
  metrics: PresentedMetric[];
}

/** A row's verdict against its target (src/kpi/targets.ts judgeRows). */
export type Attainment = 'met' | 'missed' | 'not_enough_data' | 'no_target';

/** First and last local day with data (inclusive, `YYYY-MM-DD`), null when there is none. */
export type DataSpan = { first: string; last: string } | null;

/** Which path answered a metric: rollups, raw rows, or (a metric combined from others) both. */
export type MetricSource = 'rollup' | 'raw' | 'mixed';

export interface MetricRow {
  metric: string;
  period: string | null;
  group: Record<string, string | null>;
  value: number | null;
  n: number;
  ci_low: number | null;
  ci_high: number | null;
  low_sample: boolean;
  previous?: number | null;
  delta?: number | null;
  significant?: boolean | null;
  /** With a target for the metric (src/kpi/targets.ts): the target in force for the row, and the verdict. */
  target?: number | null;
  attainment?: Attainment;
  /** Missed with the whole 95 % interval on the wrong side of the target. */
  miss_significant?: boolean | null;
  /** The period is not complete: see `isPartial`. */
  partial: boolean;
  /** With compare: the period compared with is not complete. */
  previous_partial?: boolean;
}

/** POST /api/v1/query (and cxkpi query). */
export interface MetricResult {
  rows: MetricRow[];
  meta: {
    tz: string;
    from: string;
    to: string;
    grain: Grain;
    compare: string | null;
    business_hours: boolean;
    generated_at: string;
    /** Per metric: the first and last local day with data of what it is computed from. */
    data_span: Record<string, DataSpan>;
    /** Per metric: whether rollups or raw rows answered (docs/scaling.md). */
    source: Record<string, MetricSource>;
    /**
     * Per metric whose percentiles came from bucketed rollups: their largest relative error
     * (0.01: within 1 % of the exact percentile). Absent where every value is exact.
     */
    percentile_error: Record<string, number>;
  };
}

/** POST /api/v1/query/rows: the rows behind a value. */
export interface MetricRowsResult {
  metric: string;
  columns: string[];
  rows: Array<Record<string, unknown>>;
  truncated: boolean;
}

/**
 * GET /api/v1/directory: the teams and agents a caller may see, and the span of the
 * organization's data (src/directory/index.ts).
 */
export interface Directory {
  teams: Array<{ id: string; name: string }>;
  agents: Array<{ id: string; name: string; team_id: string | null; active: boolean }>;
  /** First and last instant of tickets, survey answers and orders (ISO), null without data. */
  data: { first: string | null; last: string | null };
}

export interface ScorecardLine {
  metric: string;
  name: Texts;
  unit: Unit;
  direction: Direction;
  value: number | null;
  n: number;
  ci_low: number | null;
  ci_high: number | null;
  low_sample: boolean;
  target: number | null;
  /**
   * Whose target judged the line: the subject's own, or (without one) the target of its team or
   * of the organization, which an agent's or team's card inherits.
   */
  target_scope: 'own' | 'team' | 'organization' | null;
  attainment: Attainment;
  miss_significant: boolean | null;
  previous: number | null;
  delta: number | null;
  significant: boolean | null;
  /** The same KPI one level up: the team for an agent, the organization for a team. */
  context: { level: 'team' | 'organization'; value: number | null } | null;
  /** 1 = best among `ranked_among` subjects; null where a fair rank is not possible. */
  rank: number | null;
  ranked_among: number | null;
}

export interface ScorecardSubject {
  /** The dimension and id this card is for; empty for the organization. */
  scope: Record<string, string>;
  name: string | null;
  lines: ScorecardLine[];
  /** Share of the subject's tickets by channel, shown beside speed metrics. */
  channel_mix: Record<string, number> | null;
  score: { value: number | null; weights: Record<string, number>; counted: number } | null;
}

/** GET /api/v1/scorecard: a team's or agent's targeted KPIs for one period (src/kpi/scorecard.ts). */
export interface Scorecard {
  period: string;
  grain: 'month' | 'quarter' | 'year';
  from: string;
  to: string;
  subjects: ScorecardSubject[];
}
