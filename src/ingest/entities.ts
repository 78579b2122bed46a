import { reviewText, SENTIMENT_COLUMNS, sentimentColumns } from '../feedback/sentiment/columns.ts';
import type { FieldKind } from './fields.ts';

/**
 * The importable entities of the data model (docs: data-model.md), declared once. Validation,
 * the column mapping, the upsert and the OpenAPI document are all driven by these declarations.
 */
export interface FieldDef {
  name: string;
  type: FieldKind;
  required?: boolean;
  /** Used when the record leaves the field out. */
  default?: string | number | boolean;
  description?: string;
}

/** A money field converted into the organization's reporting currency on the record's date. */
export interface MoneyRule {
  amount: string;
  /** Column that stores the converted amount. */
  reporting: string;
  /** Field whose local date picks the exchange rate; today when the record has none. */
  dateField: string;
}

export interface EntityDef {
  name: EntityName;
  table: string;
  /** Fields that identify a record (the upsert key after org_id). */
  key: string[];
  fields: FieldDef[];
  money?: MoneyRule;
  /** The timestamp or date that places a record in time (row listings filter and sort by it). */
  timeField?: string;
  /** Cross-field rules, run on a record whose fields are all valid. */
  check?: (row: Record<string, unknown>) => Array<{ field: string; reason: string }>;
  /**
   * Columns computed from a valid record (not importable fields), filled when it is shaped so
   * that the COPY and the upsert carry them: the sentiment of a comment or review.
   */
  derived?: {
    columns: ReadonlyArray<{ name: string; kind: FieldKind['kind'] }>;
    compute: (row: Record<string, unknown>) => void;
  };
  description: string;
}

export const ENTITY_NAMES = [
  'teams',
  'agents',
  'customers',
  'subscriptions',
  'orders',
  'tickets',
  'survey_responses',
  'reviews',
  'costs',
  'fx_rates',
] as const;
export type EntityName = (typeof ENTITY_NAMES)[number];

const sentimentDerived = SENTIMENT_COLUMNS.map((name) => ({
  name,
  kind: name === 'sentiment_score' ? ('decimal' as const) : ('text' as const),
}));
const id: FieldDef = { name: 'id', type: { kind: 'id' }, required: true };
const ref = (name: string): FieldDef => ({ name, type: { kind: 'id' } });
const text = (name: string, max?: number): FieldDef => ({ name, type: { kind: 'text', ...(max ? { max } : {}) } });
const timestamp = (name: string, required = false): FieldDef => ({ name, type: { kind: 'timestamp' }, required });
const attributes: FieldDef = { name: 'attributes', type: { kind: 'attributes' } };
const currency: FieldDef = { name: 'currency', type: { kind: 'currency' } };
const count = (name: string): FieldDef => ({ name, type: { kind: 'int', min: 0, max: 1_000_000_000 } });

export const TICKET_CHANNELS = ['email', 'chat', 'phone', 'social', 'web', 'other'] as const;
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const TICKET_STATUSES = ['open', 'pending', 'solved', 'closed'] as const;
export const SURVEY_KINDS = ['nps', 'csat', 'ces', 'enps', 'rating'] as const;

/** Score scale of each survey kind; anything outside is rejected, never clamped. */
export const SURVEY_SCALES: Record<(typeof SURVEY_KINDS)[number], [number, number]> = {
  nps: [0, 10],
  csat: [1, 5],
  ces: [1, 7],
  enps: [0, 10],
  rating: [1, 5],
};

function notBefore(row: Record<string, unknown>, later: string, earlier: string, reason?: string) {
  const a = row[later];
  const b = row[earlier];
  // ISO UTC strings of equal shape compare like the instants they name.
  if (typeof a === 'string' && typeof b === 'string' && a < b) {
    return [{ field: later, reason: reason ?? `${a} is earlier than ${earlier} ${b}` }];
  }
  return [];
}

const entities: EntityDef[] = [
  {
    name: 'teams',
    table: 'team',
    key: ['id'],
    description: 'Support teams.',
    fields: [id, { name: 'name', type: { kind: 'text', max: 500 }, required: true }, attributes],
  },
  {
    name: 'agents',
    table: 'agent',
    timeField: 'hired_at',
    key: ['id'],
    description: 'People (or bots) who answer tickets.',
    fields: [
      id,
      { name: 'name', type: { kind: 'text', max: 500 }, required: true },
      text('email', 500),
      ref('team_id'),
      { name: 'active', type: { kind: 'bool' }, default: true },
      timestamp('hired_at'),
      attributes,
    ],
  },
  {
    name: 'customers',
    table: 'customer',
    timeField: 'signed_up_at',
    key: ['id'],
    description: 'Customers (accounts or people) that buy, subscribe and contact support.',
    money: { amount: 'acquisition_cost', reporting: 'acquisition_cost_reporting', dateField: 'signed_up_at' },
    fields: [
      id,
      text('name', 500),
      text('email', 500),
      text('segment', 200),
      text('plan', 200),
      text('country', 200),
      text('language', 35),
      timestamp('signed_up_at'),
      text('acquisition_channel', 200),
      { name: 'acquisition_cost', type: { kind: 'decimal', min: 0 } },
      currency,
      attributes,
    ],
  },
  {
    name: 'subscriptions',
    table: 'subscription',
    timeField: 'started_at',
    key: ['id'],
    description: 'Recurring subscriptions; a customer is active while one covers the day.',
    money: { amount: 'mrr', reporting: 'mrr_reporting', dateField: 'started_at' },
    fields: [
      id,
      { name: 'customer_id', type: { kind: 'id' }, required: true },
      text('plan', 200),
      { name: 'mrr', type: { kind: 'decimal', min: 0 }, required: true },
      currency,
      timestamp('started_at', true),
      timestamp('ended_at'),
      text('cancel_reason', 2000),
      attributes,
    ],
    check: (row) => notBefore(row, 'ended_at', 'started_at'),
  },
  {
    name: 'orders',
    table: 'customer_order',
    timeField: 'ordered_at',
    key: ['id'],
    description: 'One-off purchases.',
    money: { amount: 'amount', reporting: 'amount_reporting', dateField: 'ordered_at' },
    fields: [
      id,
      { name: 'customer_id', type: { kind: 'id' }, required: true },
      { name: 'amount', type: { kind: 'decimal' }, required: true },
      currency,
      timestamp('ordered_at', true),
      { name: 'status', type: { kind: 'enum', values: ['completed', 'cancelled', 'refunded'] }, default: 'completed' },
      text('channel', 200),
      attributes,
    ],
  },
  {
    name: 'tickets',
    table: 'ticket',
    timeField: 'created_at',
    key: ['id'],
    description: 'Support tickets (conversations) with their timestamps.',
    fields: [
      id,
      ref('customer_id'),
      ref('agent_id'),
      ref('team_id'),
      { name: 'channel', type: { kind: 'enum', values: TICKET_CHANNELS } },
      { name: 'priority', type: { kind: 'enum', values: TICKET_PRIORITIES } },
      { name: 'status', type: { kind: 'enum', values: TICKET_STATUSES } },
      text('subject', 2000),
      { name: 'tags', type: { kind: 'list' } },
      timestamp('created_at', true),
      timestamp('first_response_at'),
      timestamp('first_resolved_at'),
      { ...timestamp('resolved_at'), description: 'Latest resolution.' },
      timestamp('closed_at'),
      { ...count('reopen_count'), default: 0 },
      count('agent_replies'),
      count('customer_replies'),
      count('handle_time_seconds'),
      { name: 'first_response_by_bot', type: { kind: 'bool' }, default: false },
      attributes,
    ],
    check: (row) => {
      // Without reopens the first resolution is the latest one; with reopens it is unknown.
      if (row.first_resolved_at === undefined && row.resolved_at !== undefined && row.reopen_count === 0) {
        row.first_resolved_at = row.resolved_at;
      }
      return [
        ...notBefore(row, 'first_response_at', 'created_at'),
        ...notBefore(row, 'first_resolved_at', 'created_at'),
        ...notBefore(row, 'resolved_at', 'created_at'),
        ...notBefore(
          row,
          'resolved_at',
          'first_resolved_at',
          'the latest resolution is earlier than first_resolved_at',
        ),
        ...notBefore(row, 'closed_at', 'created_at'),
      ];
    },
  },
  {
    name: 'survey_responses',
    table: 'survey_response',
    timeField: 'submitted_at',
    key: ['id'],
    description: 'Answers to NPS, CSAT, CES, eNPS and rating surveys.',
    fields: [
      id,
      { name: 'kind', type: { kind: 'enum', values: SURVEY_KINDS }, required: true },
      {
        name: 'score',
        type: { kind: 'int' },
        required: true,
        description: 'On the scale of its kind: nps and enps 0-10, csat and rating 1-5, ces 1-7.',
      },
      timestamp('submitted_at', true),
      text('survey', 200),
      text('comment'),
      text('language', 35),
      ref('customer_id'),
      ref('ticket_id'),
      ref('agent_id'),
      ref('team_id'),
      text('channel', 200),
      { name: 'ratings', type: { kind: 'ratings' } },
      attributes,
    ],
    check: (row) => {
      const scale = SURVEY_SCALES[row.kind as keyof typeof SURVEY_SCALES];
      const score = row.score as number;
      if (scale && (score < scale[0] || score > scale[1])) {
        return [{ field: 'score', reason: `${score} is outside the ${row.kind} scale ${scale[0]}-${scale[1]}` }];
      }
      return [];
    },
    derived: {
      columns: sentimentDerived,
      compute: (row) => Object.assign(row, sentimentColumns(row.comment as string | undefined, row.language)),
    },
  },
  {
    name: 'reviews',
    table: 'review',
    timeField: 'published_at',
    key: ['id'],
    description: 'Public online reviews.',
    fields: [
      id,
      { name: 'source', type: { kind: 'text', max: 200 }, required: true },
      timestamp('published_at', true),
      { name: 'rating', type: { kind: 'decimal', min: 0 } },
      { name: 'rating_max', type: { kind: 'decimal', min: 0, exclusiveMin: true }, default: '5' },
      text('title', 2000),
      text('text'),
      text('language', 35),
      text('author', 500),
      ref('customer_id'),
      text('url', 2000),
      attributes,
    ],
    check: (row) =>
      row.rating !== undefined && Number(row.rating) > Number(row.rating_max)
        ? [{ field: 'rating', reason: `${row.rating} is above rating_max ${row.rating_max}` }]
        : [],
    derived: {
      columns: sentimentDerived,
      compute: (row) => Object.assign(row, sentimentColumns(reviewText(row.title, row.text), row.language)),
    },
  },
  {
    name: 'costs',
    table: 'cost',
    timeField: 'period_start',
    key: ['id'],
    description: 'Support, acquisition and other costs over a period.',
    money: { amount: 'amount', reporting: 'amount_reporting', dateField: 'period_start' },
    fields: [
      id,
      { name: 'category', type: { kind: 'enum', values: ['support', 'acquisition', 'other'] }, required: true },
      { name: 'amount', type: { kind: 'decimal' }, required: true },
      currency,
      { name: 'period_start', type: { kind: 'date' }, required: true },
      { name: 'period_end', type: { kind: 'date' }, required: true },
      ref('team_id'),
      text('description', 2000),
    ],
    check: (row) => notBefore(row, 'period_end', 'period_start'),
  },
  {
    name: 'fx_rates',
    table: 'fx_rate',
    timeField: 'date',
    key: ['currency', 'date'],
    description: 'Exchange rates: units of the reporting currency per one unit of `currency`.',
    fields: [
      { name: 'currency', type: { kind: 'currency' }, required: true },
      { name: 'date', type: { kind: 'date' }, required: true },
      { name: 'rate', type: { kind: 'decimal', min: 0, exclusiveMin: true }, required: true },
    ],
  },
];

const byName = new Map(entities.map((entity) => [entity.name, entity]));

export function getEntity(name: string): EntityDef | undefined {
  return byName.get(name as EntityName);
}

export function listEntities(): EntityDef[] {
  return entities;
}
