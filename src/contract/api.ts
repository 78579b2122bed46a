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

/*
 * Timestamps. The server's modules hold a Date, which JSON sends as its ISO string
 * (Date.prototype.toJSON). Shapes with timestamps take that type as a parameter: the server's
 * modules use `Alert<Date>`, the dashboard `Alert` (strings), so both read one declaration.
 */

/** The interface languages. */
export type Language = 'en' | 'ru' | 'lt';
/** A metric option's value (src/metrics/catalog/types.ts). */
export type OptionValue = string | number | boolean;

// --- Alerts (src/alerts/alerts.ts) and jobs (src/jobs/queue.ts) ---

export type AlertRule = 'threshold' | 'target' | 'anomaly';
export type AlertGrain = 'day' | 'week' | 'month';

/** An alert rule as GET /api/v1/alerts lists it (POST adds its webhook `secret`, once). */
export interface Alert<Time = string> {
  id: string;
  name: string;
  metric: string;
  rule: AlertRule;
  above: number | null;
  below: number | null;
  significant_only: boolean;
  scope: Record<string, string>;
  grain: AlertGrain;
  options: Record<string, OptionValue>;
  notify: Array<{ email?: string; webhook?: string }>;
  language: Language | null;
  enabled: boolean;
  created_by: string;
  created_at: Time;
}

/** GET /api/v1/alerts. */
export interface AlertList<Time = string> {
  alerts: Array<Alert<Time>>;
}

/** A firing of an alert as GET /api/v1/alerts/history lists it. */
export interface AlertEvent<Time = string> {
  id: string;
  /** The alert's name. */
  alert: string;
  metric: string;
  period: string;
  group: Record<string, string>;
  value: number | null;
  expected_low: number | null;
  expected_high: number | null;
  rule: AlertRule;
  reason: string;
  state: 'fired' | 'delivered' | 'failed' | 'acknowledged';
  error: string | null;
  fired_at: Time;
  delivered_at: Time | null;
  acknowledged_at: Time | null;
  acknowledged_by: string | null;
}

/** GET /api/v1/alerts/history. */
export interface AlertHistory<Time = string> {
  events: Array<AlertEvent<Time>>;
}

export type JobState = 'pending' | 'running' | 'done' | 'dead';

/** A job of the one job runner, as GET /api/v1/jobs lists it for administrators. */
export interface Job<Time = string> {
  org_id: string;
  id: string;
  /** survey.send, alert.deliver, ... (src/jobs/kinds.ts). */
  kind: string;
  key: string;
  payload: Record<string, unknown>;
  state: JobState;
  run_at: Time;
  attempts: number;
  max_attempts: number;
  last_error: string | null;
  result: Record<string, unknown> | null;
  created_at: Time;
  started_at: Time | null;
  finished_at: Time | null;
}

/** GET /api/v1/jobs. */
export interface JobList<Time = string> {
  jobs: Array<Job<Time>>;
}

// --- Targets (src/kpi/targets.ts) and the audit log (src/auth/audit.ts) ---

export type TargetGrain = 'month' | 'quarter' | 'year';

/** A KPI target as GET /api/v1/targets lists it and POST returns it. */
export interface Target<Time = string> {
  id: string;
  metric: string;
  value: number;
  scope: Record<string, string>;
  grain: TargetGrain;
  valid_from: string;
  valid_to: string | null;
  options: Record<string, OptionValue>;
  created_by: string;
  created_at: Time;
}

/** GET /api/v1/targets. */
export interface TargetList<Time = string> {
  targets: Array<Target<Time>>;
}

/**
 * An entry of the audit log (GET /api/v1/audit). `details` depends on the action: target.set and
 * target.deleted hold the target itself.
 */
export interface AuditEntry<Time = string> {
  id: string;
  at: Time;
  actor_type: 'user' | 'api_key' | 'operator';
  actor: string;
  action: string;
  target: string | null;
  details: Record<string, unknown>;
  ip: string | null;
}

/** GET /api/v1/audit, newest first; page with `before` = the last entry's id. */
export interface AuditLog<Time = string> {
  entries: Array<AuditEntry<Time>>;
}

// --- Reports (src/reports/) ---

export type ReportSchedule = 'monthly' | 'quarterly';

/** A report definition as GET /api/v1/reports lists it and POST returns it. */
export interface Report<Time = string> {
  id: string;
  name: string;
  schedule: ReportSchedule;
  day: number;
  time: string;
  metrics: string[];
  scope: Record<string, string>;
  language: Language | null;
  attach: Array<'pdf' | 'xlsx'>;
  /** Addresses, and users by id (with their e-mail when listed). */
  recipients: Array<{ email?: string; user?: string }>;
  enabled: boolean;
  created_by: string;
  created_at: Time;
}

/** Whether an SMTP server is configured: without one, reports are stored, not mailed. */
export interface MailState {
  configured: boolean;
}

/** GET /api/v1/reports. */
export interface ReportList<Time = string> {
  reports: Array<Report<Time>>;
  mail: MailState;
}

/** A stored copy of a report for one audience and period (src/reports/deliver.ts). */
export interface ReportIssue<Time = string> {
  id: string;
  report_id: string;
  /** The report's name. */
  report: string;
  period: string;
  audience: string;
  language: string;
  addresses: string[];
  delivered: string[];
  mail_state: 'queued' | 'sent' | 'not_mailed' | 'failed' | 'no_recipients';
  mail_error: string | null;
  generated_at: Time;
  mailed_at: Time | null;
}

/** GET /api/v1/reports/archive, and POST /api/v1/reports/{id}/send (the copies it stored). */
export interface ReportIssues<Time = string> {
  issues: Array<ReportIssue<Time>>;
  mail: MailState;
}

// --- Surveys (src/surveys/) ---

export type SurveyKind = 'nps' | 'csat' | 'ces' | 'enps' | 'rating';

/** When invitations are sent besides batches. */
export interface SurveyTrigger {
  /** Invite the customer when a ticket is solved, this many minutes later. */
  ticket_solved?: { delay_minutes: number; channels?: string[] };
  /** A relationship survey: every active customer, every this many days. */
  recurring?: { every_days: number };
}

/** A survey definition as GET /api/v1/surveys/{id} gives it; texts are filled in every language. */
export interface Survey<Time = string> {
  id: string;
  name: string;
  kind: SurveyKind;
  question: Texts;
  /** The open question after the score; null for none. */
  follow_up: Texts | null;
  attributes: string[];
  status: 'active' | 'closed';
  closes_at: Time | null;
  trigger: SurveyTrigger;
  fatigue_days: number;
  reminder_hours: number | null;
  link_days: number;
  created_at: Time;
  updated_at: Time;
}

export interface SurveyStats {
  invitations: number;
  delivered: number;
  responses: number;
  /** responses / delivered invitations; null before anything was delivered. */
  response_rate: number | null;
  unsent: number;
}

/** GET /api/v1/surveys: the surveys with their counts, and the SMTP server (null: none). */
export interface SurveyList<Time = string> {
  surveys: Array<Survey<Time> & { stats: SurveyStats }>;
  email: { smtp: string } | null;
}

export type InvitationSource = 'ticket_solved' | 'batch' | 'recurring' | 'widget';

/** An invitation as GET /api/v1/surveys/{id}/invitations lists it. */
export interface Invitation<Time = string> {
  id: string;
  customer_id: string | null;
  ticket_id: string | null;
  agent_id: string | null;
  team_id: string | null;
  channel: string | null;
  email: string | null;
  language: string;
  source: InvitationSource;
  send_after: Time;
  sent_at: Time | null;
  delivery_error: string | null;
  reminded_at: Time | null;
  responded_at: Time | null;
  expires_at: Time;
  created_at: Time;
}

/** GET /api/v1/surveys/{id}/invitations. */
export interface InvitationList<Time = string> {
  invitations: Array<Invitation<Time>>;
}

/** POST /api/v1/surveys/{id}/invitations: what was created (with its link) and what skipped. */
export interface InviteResult {
  /** `index`: the recipient's position in the batch. */
  created: Array<{ index: number; id: string; customer_id: string | null; email: string | null; url: string }>;
  skipped: Array<{ index: number; customer_id: string | null; email: string | null; reason: string }>;
  /** Whether the invitations are e-mailed, in words. */
  email: string;
}

/** A service attribute customers rate 1-5 (GET /api/v1/organization/service-attributes). */
export interface ServiceAttribute {
  key: string;
  names: Texts;
}

// --- Analytics (src/analytics/) ---

/** An experiment as GET /api/v1/experiments lists it (src/analytics/experiments.ts). */
export interface Experiment {
  id: string;
  name: string;
  hypothesis: string;
  metrics: string[];
  options: Record<string, Record<string, OptionValue>>;
  variant_dimension: string;
  control: string | null;
  treatment: string | null;
  split: string | null;
  where: Record<string, string>;
  from: string;
  to: string;
  treatment_share: number;
  min_detectable_effect: number | null;
  /** `randomized` compares two arms side by side; `before_after` two periods, not a randomized test. */
  design: 'randomized' | 'before_after';
  created_by: string;
  created_at: string;
}

/** GET /api/v1/experiments. */
export interface ExperimentList {
  experiments: Experiment[];
}

/** The tests of src/stats/comparisons.ts. */
export type ComparisonTest = 'two-proportion-z' | 'fisher-exact' | 'nps-z' | 'welch-t' | 'mann-whitney-u';

/** Sample-ratio check of two arms' sizes against the planned split (src/stats/comparisons.ts). */
export interface SampleRatioCheck {
  observed: [number, number];
  expectedShare: number;
  statistic: number;
  pValue: number;
  /** p below 0.001: the split is not what was planned, so the arms are not comparable. */
  mismatch: boolean;
}

export interface ArmResult {
  arm: 'control' | 'treatment';
  label: string;
  from: string;
  to: string;
  value: number | null;
  n: number;
  ci_low: number | null;
  ci_high: number | null;
  low_sample: boolean;
  partial: boolean;
}

export interface MetricComparison {
  metric: string;
  name: string;
  unit: Unit;
  direction: Direction;
  control: ArmResult;
  treatment: ArmResult;
  /** treatment - control, in the metric's unit (a share as a fraction, NPS points, seconds). */
  difference: number | null;
  ci_low: number | null;
  ci_high: number | null;
  test: ComparisonTest | null;
  statistic: number | null;
  df: number | null;
  p_value: number | null;
  /** Holm-adjusted across the experiment's metrics. */
  p_adjusted: number | null;
  significant: boolean | null;
  /** Treatment better, worse or no clear difference at 5 % (after Holm), by the metric's direction. */
  verdict: 'better' | 'worse' | 'no_difference' | 'not_tested';
  sample_ratio: SampleRatioCheck | null;
  note: string | null;
  /** In plain words, in English: "treatment CSAT 85.1 % vs 80.2 %, +4.9 pp [2.1, 7.7], p = 0.001". */
  summary: string;
}

/** GET /api/v1/experiments/{name}/analysis. */
export interface ExperimentAnalysis {
  experiment: Experiment;
  design: Experiment['design'];
  /** Sample-ratio check of the first metric's n (null for before/after: no planned split). */
  sample_ratio: SampleRatioCheck | null;
  metrics: MetricComparison[];
  /** Required n per arm for the minimum detectable effect of the first metric, when one is set. */
  planned_n_per_arm: number | null;
  warnings: string[];
  analyzed_at: string;
}

export interface CohortCell {
  months_since: number;
  month: string;
  /** Customers in the cohort (the denominator of customer retention). */
  n: number;
  retained: number;
  /** Revenue (orders) or MRR (subscriptions) of the cohort in that month, reporting currency. */
  revenue: number;
  value: number | null;
  ci_low: number | null;
  ci_high: number | null;
  partial: boolean;
}

export interface Cohort {
  cohort: string;
  group: string | null;
  size: number;
  base_revenue: number;
  cells: CohortCell[];
}

/** What cohorts can be split by: the customer's acquisition channel, plan, segment, or first-ticket CSAT. */
export type CohortGroup = 'channel' | 'plan' | 'segment' | 'first_ticket_csat_group';

/** GET /api/v1/cohorts: retention matrices (src/analytics/cohorts.ts). */
export interface CohortResult {
  meta: {
    metric: 'customer_retention' | 'revenue_retention';
    from: string;
    to: string;
    grain: 'month';
    by: CohortGroup | null;
    basis: 'subscriptions' | 'orders';
    tz: string;
    currency: string;
    generated_at: string;
  };
  cohorts: Cohort[];
}

/** An industry reference value, or the organization's own (src/analytics/benchmarks.ts). */
export interface Benchmark {
  id: string;
  origin: 'industry' | 'organization';
  version: string | null;
  metric: string;
  /** Who the range is for ("all industries", "SMB SaaS", ...); '' for everyone. */
  segment: string;
  /** In the metric's unit (shares as fractions, seconds); one side may be open. */
  low: number | null;
  high: number | null;
  label: string;
  source: { title: string; url: string | null; note: string | null };
}

/** GET /api/v1/benchmarks: the shipped set's version and the ranges. */
export interface BenchmarkList {
  version: string;
  benchmarks: Benchmark[];
}

// --- Feedback (src/feedback/) ---

/** What the sentiment model reads from a text (src/feedback/sentiment/classes.ts). */
export type SentimentClass = 'very_negative' | 'negative' | 'neutral' | 'positive' | 'very_positive';
export type Tone = 'negative' | 'neutral' | 'positive';

/** A survey comment or a review in GET /api/v1/feedback. */
export interface FeedbackItem {
  source: 'survey' | 'review';
  id: string;
  at: string;
  /** Survey kind (nps, csat, ...) or `review`. */
  kind: string;
  score: number | null;
  scale_min: number;
  scale_max: number;
  /** The score's reading. */
  sentiment: Tone | null;
  /** The text's reading by the sentiment model, and its score in [-1, 1]; null without text. */
  text_sentiment: SentimentClass | null;
  text_score: number | null;
  /** Themes the text mentions, each with its tone (tagged by the feedback.sentiment job). */
  themes: Record<string, Tone> | null;
  title: string | null;
  text: string | null;
  language: string | null;
  survey: string | null;
  channel: string | null;
  customer: { id: string; name: string | null } | null;
  ticket: { id: string; subject: string | null } | null;
  agent: { id: string; name: string | null } | null;
  team: { id: string; name: string | null } | null;
  /** Reviews: where they were published. */
  review_source: string | null;
  url: string | null;
}

/** GET /api/v1/feedback: a page of the stream, newest first. */
export interface FeedbackPage {
  items: FeedbackItem[];
  /** How many items match the filters. */
  total: number;
  next_cursor: string | null;
}

/** A value with its sample and interval, as a metric row has them. */
export type Estimate = Pick<MetricRow, 'value' | 'n' | 'ci_low' | 'ci_high' | 'low_sample'>;

export interface ThemeSummary {
  id: string;
  names: Texts;
  mentions: number;
  negative_share: Estimate | null;
  attribute_rating: Estimate | null;
  trend: Array<{ period: string; mentions: number }>;
}

/** GET /api/v1/themes/summary (src/feedback/themes/summarize-themes.ts). */
export interface ThemeSummaries {
  from: string;
  to: string;
  /** Whether the organization edited the theme list. */
  custom: boolean;
  themes: ThemeSummary[];
}

export interface Driver {
  predictor: string;
  kind: 'attribute' | 'theme';
  /** Raw relative weight: the part of R² it accounts for. */
  weight: number;
  /** weight / R². */
  share: number;
  low: number;
  high: number;
  /** Correlation with the outcome: its sign says whether more of it goes with a higher score. */
  correlation: number;
}

/** GET /api/v1/drivers: key drivers of CSAT or NPS (src/feedback/drivers.ts). */
export interface DriversResult {
  outcome: 'csat' | 'nps';
  from: string;
  to: string;
  n: number;
  r2: number;
  drivers: Driver[];
  resamples: number;
  min_n: number;
  /** Attributes and themes left out, and why. */
  excluded: Array<{ predictor: string; reason: string }>;
}

// --- The caller (src/http/routes/auth.ts, src/auth/access.ts) ---

export type Role = 'owner' | 'admin' | 'manager' | 'team_lead' | 'agent' | 'viewer';
export type ApiKeyScope = 'full' | 'ingest' | 'read';

/** What a caller may do (src/auth/access.ts PERMISSIONS gives each role its list). */
export type Action =
  | 'import' // send data
  | 'query' // metric values (scoped for team leads and agents)
  | 'rows' // the records behind a number, exports of rows (scoped)
  | 'define_metrics' // custom KPIs
  | 'surveys' // survey definitions, invitations, service attributes
  | 'settings' // organization settings, business hours
  | 'users' // members, invitations, roles
  | 'keys' // API keys
  | 'audit' // the audit log
  | 'targets' // KPI targets (team leads: for their teams only; src/kpi/targets.ts checks the scope)
  | 'experiments'; // define and delete experiments, add benchmarks (analysis needs only query)

/**
 * GET /api/v1/auth/me (and the answer of login, of switching organization and of accepting an
 * invitation): who the caller is, their data scope and what they may do.
 */
export interface Me {
  kind: 'user' | 'api_key' | 'operator';
  user: { id: string; email: string; name: string } | null;
  role: Role | `key:${ApiKeyScope}`;
  /** Team lead: their teams; agent: their agent's team; null: the whole organization. */
  teams: string[] | null;
  /** Agent: their agent id. */
  agent_id: string | null;
  /**
   * How much of the organization's data the caller's numbers cover: all of it, their teams (team
   * lead), or their own and their team's (agent). The dashboard shows an organization total only
   * for `organization`.
   */
  data_scope: 'organization' | 'teams' | 'agent';
  permissions: readonly Action[];
  organization: { slug: string; name: string; timezone: string; currency: string; language: Language };
  organizations: Array<{ slug: string; name: string; role: Role }>;
  /** With a session: the token to send as X-CSRF-Token. */
  csrf_token?: string;
}

// --- Imports (src/ingest/, src/http/routes/imports.ts) ---

/** An importable entity and its fields, as GET /api/v1/entities lists it (for the column mapping). */
export interface EntityInfo {
  name: string;
  description: string;
  key: string[];
  time_field: string | null;
  fields: Array<{ name: string; kind: string; required: boolean; values?: readonly string[]; description?: string }>;
}

/** GET /api/v1/entities. */
export interface EntityList {
  entities: EntityInfo[];
}

/** A past import as GET /api/v1/imports lists it (src/ingest/list-imports.ts). */
export interface ImportRun {
  id: string;
  entity: string;
  source: string | null;
  format: string;
  status: 'running' | 'succeeded' | 'rejected' | 'failed';
  dry_run: boolean;
  skip_invalid: boolean;
  records: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  duplicates: number;
  message: string | null;
  /** Problems stored with the import (rejected records: line, id, field, reason). */
  error_count: number;
  started_at: string;
  finished_at: string | null;
}

/** GET /api/v1/imports, newest first; page with `before` = next_before. */
export interface ImportList {
  imports: ImportRun[];
  next_before: string | null;
}
