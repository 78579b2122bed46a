import type { ColumnType, Generated } from 'kysely';

/** Row types of the tables, as Kysely sees them. Timestamps come back as Date. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = ColumnType<Record<string, unknown>, string | Record<string, unknown>, string | Record<string, unknown>>;

/** A text in the three languages of the interface. */
export type Texts = { en: string; ru: string; lt: string };

/** What the sentiment model read from a comment or review (migration 0010); null without text. */
export interface SentimentColumns {
  sentiment_class: 'very_negative' | 'negative' | 'neutral' | 'positive' | 'very_positive' | null;
  sentiment_score: ColumnType<number | null, number | string | null | undefined, number | string | null>;
  sentiment_language: 'en' | 'ru' | 'lt' | null;
  sentiment_model: string | null;
  /** Themes the text mentions, each with its tone; null until the feedback.sentiment job tags it. */
  themes: ColumnType<Record<string, string> | null, string | null | undefined, string | null>;
  themes_version: string | null;
  themes_at: Timestamp | null;
}

export type Role = 'owner' | 'admin' | 'manager' | 'team_lead' | 'agent' | 'viewer';

interface Entity {
  org_id: string;
  id: string;
  attributes: Generated<Json>;
  updated_at: GeneratedTimestamp;
}

export interface Database {
  organization: {
    id: Generated<string>;
    slug: string;
    name: string;
    timezone: Generated<string>;
    currency: Generated<string>;
    language: Generated<'en' | 'ru' | 'lt'>;
    settings: Generated<Json>;
    created_at: GeneratedTimestamp;
  };
  api_key: {
    org_id: string;
    id: Generated<string>;
    name: string;
    prefix: string;
    key_hash: string;
    scope: 'full' | 'ingest' | 'read';
    user_id: string | null;
    created_at: GeneratedTimestamp;
    last_used_at: Timestamp | null;
    revoked_at: Timestamp | null;
  };
  app_user: {
    id: Generated<string>;
    email: string;
    name: Generated<string>;
    password_hash: string;
    failed_logins: Generated<number>;
    locked_until: Timestamp | null;
    password_changed_at: GeneratedTimestamp;
    last_login_at: Timestamp | null;
    created_at: GeneratedTimestamp;
  };
  membership: {
    org_id: string;
    user_id: string;
    role: Role;
    teams: Generated<string[]>;
    agent_id: string | null;
    created_at: GeneratedTimestamp;
  };
  user_session: {
    id: string;
    user_id: string;
    org_id: string;
    csrf_token: string;
    created_at: GeneratedTimestamp;
    last_seen_at: GeneratedTimestamp;
    expires_at: Timestamp;
    ip: string | null;
    user_agent: string | null;
  };
  invitation: {
    org_id: string;
    id: Generated<string>;
    email: string;
    role: Role;
    teams: Generated<string[]>;
    agent_id: string | null;
    token_hash: string;
    created_by: string | null;
    created_at: GeneratedTimestamp;
    expires_at: Timestamp;
    accepted_at: Timestamp | null;
  };
  audit_log: {
    org_id: string;
    id: Generated<string>;
    at: GeneratedTimestamp;
    actor_type: 'user' | 'api_key' | 'operator';
    actor_id: string | null;
    actor: string;
    action: string;
    target: string | null;
    details: ColumnType<Record<string, unknown>, string | undefined, string>;
    ip: string | null;
  };
  survey: {
    org_id: string;
    id: string;
    name: string;
    kind: 'nps' | 'csat' | 'ces' | 'enps' | 'rating';
    question: ColumnType<Texts, string, string>;
    follow_up: ColumnType<Texts | null, string | null, string | null>;
    attributes: Generated<string[]>;
    status: Generated<'active' | 'closed'>;
    closes_at: Timestamp | null;
    trigger: ColumnType<Record<string, unknown>, string | undefined, string>;
    fatigue_days: Generated<number>;
    reminder_hours: number | null;
    link_days: Generated<number>;
    created_at: GeneratedTimestamp;
    updated_at: GeneratedTimestamp;
  };
  survey_invitation: {
    org_id: string;
    id: Generated<string>;
    survey_id: string;
    customer_id: string | null;
    ticket_id: string | null;
    agent_id: string | null;
    team_id: string | null;
    channel: string | null;
    email: string | null;
    language: string;
    source: 'ticket_solved' | 'batch' | 'recurring' | 'widget';
    send_after: GeneratedTimestamp;
    sent_at: Timestamp | null;
    delivery_error: string | null;
    reminded_at: Timestamp | null;
    responded_at: Timestamp | null;
    expires_at: Timestamp;
    created_at: GeneratedTimestamp;
  };
  alert_rule: {
    org_id: string;
    id: Generated<string>;
    name: string;
    metric: string;
    rule: 'threshold' | 'target' | 'anomaly';
    above: number | null;
    below: number | null;
    significant_only: Generated<boolean>;
    scope: Json;
    grain: 'day' | 'week' | 'month';
    options: Json;
    notify: ColumnType<Array<{ email?: string; webhook?: string }>, string, string>;
    language: 'en' | 'ru' | 'lt' | null;
    secret: string;
    enabled: Generated<boolean>;
    created_by: string;
    created_at: GeneratedTimestamp;
  };
  alert_event: {
    org_id: string;
    id: Generated<string>;
    alert_id: string;
    period: string;
    group_key: string;
    group: Json;
    value: number | null;
    expected_low: number | null;
    expected_high: number | null;
    rule: string;
    reason: string;
    state: Generated<'fired' | 'delivered' | 'failed' | 'acknowledged'>;
    error: string | null;
    fired_at: GeneratedTimestamp;
    delivered_at: Timestamp | null;
    acknowledged_at: Timestamp | null;
    acknowledged_by: string | null;
  };
  kpi_target: {
    org_id: string;
    id: Generated<string>;
    metric: string;
    value: number;
    scope: Json;
    scope_key: string;
    grain: 'month' | 'quarter' | 'year';
    valid_from: string;
    valid_to: string | null;
    options: Json;
    created_by: string;
    created_at: GeneratedTimestamp;
  };
  job: {
    org_id: string;
    id: Generated<string>;
    kind: string;
    key: string;
    payload: Json;
    state: Generated<'pending' | 'running' | 'done' | 'dead'>;
    run_at: GeneratedTimestamp;
    attempts: Generated<number>;
    max_attempts: Generated<number>;
    last_error: string | null;
    locked_by: string | null;
    locked_until: Timestamp | null;
    result: Json | null;
    created_at: GeneratedTimestamp;
    started_at: Timestamp | null;
    finished_at: Timestamp | null;
  };
  survey_unsubscribe: {
    org_id: string;
    email: string;
    customer_id: string | null;
    at: GeneratedTimestamp;
  };
  signing_key: {
    org_id: string;
    secret: Buffer;
    created_at: GeneratedTimestamp;
  };
  custom_metric: {
    org_id: string;
    id: string;
    names: ColumnType<{ en: string; ru: string; lt: string }, string, string>;
    description: Generated<string>;
    unit: string;
    direction: string;
    formula: string;
    min_sample: Generated<number>;
    created_at: GeneratedTimestamp;
    updated_at: GeneratedTimestamp;
  };
  import_run: {
    org_id: string;
    id: Generated<string>;
    entity: string;
    source: string | null;
    format: string;
    status: 'running' | 'succeeded' | 'rejected' | 'failed';
    dry_run: Generated<boolean>;
    skip_invalid: Generated<boolean>;
    rows_read: Generated<number>;
    inserted: Generated<number>;
    updated: Generated<number>;
    unchanged: Generated<number>;
    rejected: Generated<number>;
    duplicates: Generated<number>;
    errors: ColumnType<unknown[], string, string>;
    message: string | null;
    api_key_id: string | null;
    started_at: GeneratedTimestamp;
    finished_at: Timestamp | null;
  };
  team: Entity & { name: string };
  agent: Entity & {
    name: string;
    email: string | null;
    team_id: string | null;
    active: Generated<boolean>;
    hired_at: Timestamp | null;
  };
  customer: Entity & {
    name: string | null;
    email: string | null;
    segment: string | null;
    plan: string | null;
    country: string | null;
    language: string | null;
    signed_up_at: Timestamp | null;
    acquisition_channel: string | null;
    acquisition_cost: number | null;
    currency: string | null;
    acquisition_cost_reporting: number | null;
  };
  subscription: Entity & {
    customer_id: string;
    plan: string | null;
    mrr: number;
    currency: string;
    mrr_reporting: number;
    started_at: Timestamp;
    ended_at: Timestamp | null;
    cancel_reason: string | null;
  };
  customer_order: Entity & {
    customer_id: string;
    amount: number;
    currency: string;
    amount_reporting: number;
    ordered_at: Timestamp;
    status: string;
    channel: string | null;
  };
  ticket: Entity & {
    customer_id: string | null;
    agent_id: string | null;
    team_id: string | null;
    channel: string | null;
    priority: string | null;
    status: string | null;
    subject: string | null;
    tags: string[];
    created_at: Timestamp;
    first_response_at: Timestamp | null;
    first_resolved_at: Timestamp | null;
    resolved_at: Timestamp | null;
    closed_at: Timestamp | null;
    reopen_count: number;
    agent_replies: number | null;
    customer_replies: number | null;
    handle_time_seconds: number | null;
    first_response_by_bot: boolean;
  };
  feedback_theme: {
    org_id: string;
    id: string;
    position: number;
    names: ColumnType<Texts, string, string>;
    keywords: ColumnType<Texts, string, string>;
    updated_at: GeneratedTimestamp;
  };
  survey_response: Entity & {
    kind: string;
    score: number;
    submitted_at: Timestamp;
    survey: string | null;
    comment: string | null;
    language: string | null;
    customer_id: string | null;
    ticket_id: string | null;
    agent_id: string | null;
    team_id: string | null;
    channel: string | null;
    ratings: Json;
  } & SentimentColumns;
  review: Entity & {
    source: string;
    published_at: Timestamp;
    rating: number | null;
    rating_max: number;
    title: string | null;
    text: string | null;
    language: string | null;
    author: string | null;
    customer_id: string | null;
    url: string | null;
  } & SentimentColumns;
  cost: Omit<Entity, 'attributes'> & {
    category: string;
    amount: number;
    currency: string;
    amount_reporting: number;
    period_start: ColumnType<string, string, string>;
    period_end: ColumnType<string, string, string>;
    team_id: string | null;
    description: string | null;
  };
  metric_rollup: {
    org_id: string;
    metric: string;
    grain: 'day' | 'month';
    period: ColumnType<string, string, string>;
    level: number;
    team_id: string | null;
    agent_id: string | null;
    d1: string | null;
    d2: string | null;
    d3: string | null;
    n: number;
    k: number | null;
    s: number | null;
    ss: number | null;
    promoters: number | null;
    detractors: number | null;
    buckets: number[] | null;
    counts: number[] | null;
    relative_error: number | null;
    p50: number | null;
    p90: number | null;
  };
  customer_state: {
    org_id: string;
    customer_id: string;
    grain: 'month' | 'quarter' | 'year';
    period: ColumnType<string, string, string>;
    active_start: boolean;
    active_end: boolean;
    is_new: boolean;
    joined: boolean;
    mrr_start: number;
    mrr_end: number;
    revenue: number;
    paying: boolean;
    d1: string | null;
    d2: string | null;
    d3: string | null;
    d4: string | null;
    d5: string | null;
  };
  customer_rollup: {
    org_id: string;
    grain: 'month' | 'quarter' | 'year';
    period: ColumnType<string, string, string>;
    level: number;
    d1: string | null;
    d2: string | null;
    d3: string | null;
    d4: string | null;
    d5: string | null;
    customers: number;
    n_start: number;
    n_end: number;
    churned: number;
    new: number;
    joined: number;
    joined_churned: number;
    n_mrr_start: number;
    mrr_start: number;
    mrr_end: number;
    mrr_kept: number;
    mrr_kept_capped: number;
    paying: number;
    revenue: number;
  };
  rollup_state: {
    org_id: string;
    entity: string;
    timezone: string;
    version: number;
    status: 'ready' | 'stale';
    built_at: GeneratedTimestamp;
    basis: string | null;
    covered_to: ColumnType<string, string, string> | null;
  };
  fx_rate: {
    org_id: string;
    currency: string;
    date: ColumnType<string, string, string>;
    rate: number;
    updated_at: GeneratedTimestamp;
  };
  report_definition: {
    org_id: string;
    id: Generated<string>;
    name: string;
    schedule: 'monthly' | 'quarterly';
    day: Generated<number>;
    send_time: Generated<string>;
    metrics: ColumnType<string[], string, string>;
    scope: ColumnType<Record<string, string>, string, string>;
    language: 'en' | 'ru' | 'lt' | null;
    attach: ColumnType<Array<'pdf' | 'xlsx'>, string, string>;
    recipients: ColumnType<Array<{ email?: string; user?: string }>, string, string>;
    enabled: Generated<boolean>;
    created_by: string;
    created_at: GeneratedTimestamp;
  };
  report_issue: {
    org_id: string;
    id: Generated<string>;
    report_id: string;
    period: string;
    audience: string;
    language: string;
    addresses: ColumnType<string[], string, string>;
    delivered: ColumnType<string[], string | undefined, string>;
    content: Json;
    pdf: Uint8Array;
    xlsx: Uint8Array;
    html: string;
    mail_state: 'queued' | 'sent' | 'not_mailed' | 'failed' | 'no_recipients';
    mail_error: string | null;
    generated_at: GeneratedTimestamp;
    mailed_at: Timestamp | null;
  };
}
