import { sql, type RawBuilder } from 'kysely';
import type { DataScope } from '../auth/access.ts';
import { badRequest } from '../errors.ts';
import { getMetric } from './catalog/index.ts';
import { DISAGREE_SQL } from './catalog/feedback.ts';
import type { MetricDef, MetricEntity } from './catalog/types.ts';
import { metricParts, ownEntities } from './kinds/index.ts';

/**
 * Dimensions a metric can be filtered and grouped by, per entity: the entity's own fields,
 * references (filtered by id, shown with id and name), fields of related entities with a dot
 * (`customer.segment`, `ticket.channel`) and custom attributes (`attributes.region`,
 * `customer.attributes.region`). Expressions are static SQL over the metric row `e` and the
 * joins named; attribute names travel as parameters.
 */
export type Join = 'team' | 'agent' | 'customer' | 'ticket';

export const JOINS: Record<Join, string> = {
  team: 'left join team tm on tm.org_id = e.org_id and tm.id = e.team_id',
  agent: 'left join agent ag on ag.org_id = e.org_id and ag.id = e.agent_id',
  customer: 'left join customer cu on cu.org_id = e.org_id and cu.id = e.customer_id',
  ticket: 'left join ticket tk on tk.org_id = e.org_id and tk.id = e.ticket_id',
};

export interface Dimension {
  id: string;
  /** SQL of the value (an id for references). */
  sql: string;
  /** SQL of the display name, for references. */
  name?: string;
  joins: Join[];
  description: string;
}

const ref = (id: string, column: string, join: Join, alias: string, description: string): Dimension => ({
  id,
  sql: `e.${column}`,
  name: `${alias}.name`,
  joins: [join],
  description,
});
const own = (id: string, description: string): Dimension => ({ id, sql: `e.${id}`, joins: [], description });
const customerField = (field: string): Dimension => ({
  id: `customer.${field}`,
  sql: `cu.${field}`,
  joins: ['customer'],
  description: `the customer's ${field.replace('_', ' ')}`,
});

const SENTIMENT_CLASS_TEXT =
  "the comment's sentiment as read: very_negative, negative, neutral, positive, very_positive";

const FIRST_RESPONSE_BUCKET =
  `case when tk.id is null then null when tk.first_response_at is null then 'no response' ` +
  `when tk.first_response_at - tk.created_at < interval '1 hour' then '< 1 h' ` +
  `when tk.first_response_at - tk.created_at < interval '4 hours' then '1-4 h' ` +
  `when tk.first_response_at - tk.created_at < interval '24 hours' then '4-24 h' else '> 24 h' end`;

/** Fields of the customer record that every entity with a customer can be grouped by. */
export const CUSTOMER_FIELDS = ['segment', 'plan', 'country', 'language', 'acquisition_channel'] as const;

const common: Dimension[] = [
  ref('team', 'team_id', 'team', 'tm', 'team (id; shown with its name)'),
  ref('agent', 'agent_id', 'agent', 'ag', 'agent (id; shown with the name)'),
  ref('customer', 'customer_id', 'customer', 'cu', 'customer (id; shown with the name)'),
  own('channel', 'channel'),
  ...CUSTOMER_FIELDS.map(customerField),
];

export const DIMENSIONS: Record<MetricEntity, Dimension[]> = {
  customers: [],
  reviews: [],
  feedback: [],
  orders: common.filter((d) => !['team', 'agent'].includes(d.id)).concat([own('status', 'order status')]),
  costs: [common.find((d) => d.id === 'team')!, own('category', 'cost category')],
  tickets: [...common, own('priority', 'ticket priority'), own('status', 'ticket status')],
  survey_invitations: [
    ...common,
    { id: 'survey', sql: 'e.survey_id', joins: [], description: 'survey id' },
    own('source', 'how the invitation came: ticket_solved, batch, recurring, widget'),
    own('language', 'language of the invitation'),
  ],
  survey_responses: [
    ...common,
    own('sentiment_class', SENTIMENT_CLASS_TEXT),
    own('kind', 'survey kind (nps, csat, ces, enps, rating)'),
    own('survey', 'survey name'),
    own('language', 'language of the answer'),
    ref('ticket', 'ticket_id', 'ticket', 'tk', 'ticket (id; shown with its subject)'),
    { id: 'ticket.channel', sql: 'tk.channel', joins: ['ticket'], description: "the ticket's channel" },
    { id: 'ticket.priority', sql: 'tk.priority', joins: ['ticket'], description: "the ticket's priority" },
    {
      id: 'ticket.first_response_bucket',
      sql: FIRST_RESPONSE_BUCKET,
      joins: ['ticket'],
      description: "the ticket's first response time: < 1 h, 1-4 h, 4-24 h, > 24 h, no response",
    },
  ],
};
DIMENSIONS.reviews = [
  ref('customer', 'customer_id', 'customer', 'cu', 'customer (id; shown with the name)'),
  ...CUSTOMER_FIELDS.map(customerField),
  own('source', 'where the review was published'),
  own('language', 'language of the review'),
  own('sentiment_class', SENTIMENT_CLASS_TEXT),
];
DIMENSIONS.feedback = [
  ...common,
  own('source', 'survey (a comment) or review'),
  own('kind', 'survey kind, or review'),
  own('language', 'language of the answer or review'),
  own('sentiment_class', SENTIMENT_CLASS_TEXT),
  own('score_class', "the score's reading: negative, neutral, positive (as the Feedback stream's tone)"),
  {
    id: 'agreement',
    sql: `case when e.score_class is null or e.sentiment_class is null then null when ${DISAGREE_SQL('e')} then 'disagree' else 'agree' end`,
    joins: [],
    description: "whether the text's class (in three) and the score's agree: agree, disagree",
  },
];
// Customer metrics run over the customers that have subscriptions: `c` (customer_id, first
// subscription start), `e` their customer record, `p` the period. Their fields are the customer's
// fields, so they carry the same names as on every other entity (`customer.segment`).
DIMENSIONS.customers = [
  {
    id: 'customer',
    sql: 'c.customer_id',
    name: 'e.name',
    joins: [],
    description: 'customer (id; shown with the name)',
  },
  ...CUSTOMER_FIELDS.map((field) => ({
    id: `customer.${field}`,
    sql: `e.${field}`,
    joins: [] as Join[],
    description: `the customer's ${field.replace('_', ' ')}`,
  })),
  {
    id: 'nps_group',
    sql:
      `(select case when r.score >= 9 then 'promoter' when r.score >= 7 then 'passive' else 'detractor' end ` +
      `from survey_response r where r.org_id = c.org_id and r.customer_id = c.customer_id and r.kind = 'nps' ` +
      `and r.submitted_at < p.start_at order by r.submitted_at desc, r.id desc limit 1)`,
    joins: [],
    description: "the group of the customer's latest NPS answer before the period (promoter, passive, detractor)",
  },
];

/**
 * The customer's support experience before an instant: `sla_missed_or_low_csat` when a ticket of
 * theirs waited more than an hour for its first response (calendar time; unanswered ones count
 * from their creation) or a CSAT answer of theirs scored 1-3; `good` when they had tickets and
 * neither; `no_contact` otherwise. For revenue and ARPU by support experience (issue 18).
 */
const supportExperience = (org: string, customer: string, before: string) =>
  `(case when exists (select 1 from ticket sx where sx.org_id = ${org} and sx.customer_id = ${customer} ` +
  `and sx.created_at < ${before} and coalesce(sx.first_response_at, ${before}) - sx.created_at > interval '1 hour') ` +
  `or exists (select 1 from survey_response sr where sr.org_id = ${org} and sr.customer_id = ${customer} ` +
  `and sr.kind = 'csat' and sr.score <= 3 and sr.submitted_at < ${before}) then 'sla_missed_or_low_csat' ` +
  `when exists (select 1 from ticket sx where sx.org_id = ${org} and sx.customer_id = ${customer} ` +
  `and sx.created_at < ${before}) then 'good' else 'no_contact' end)`;
const SUPPORT_EXPERIENCE_DESCRIPTION =
  "the customer's support experience before the period (orders: before the order): sla_missed_or_low_csat " +
  '(a first response over 1 h or a CSAT of 1-3), good, no_contact';
DIMENSIONS.customers.push(
  {
    id: 'csat_group',
    sql:
      `(select case when r.score >= 4 then 'satisfied' else 'not_satisfied' end ` +
      `from survey_response r where r.org_id = c.org_id and r.customer_id = c.customer_id and r.kind = 'csat' ` +
      `and r.submitted_at < p.start_at order by r.submitted_at desc, r.id desc limit 1)`,
    joins: [],
    description: "the group of the customer's latest CSAT answer before the period (satisfied 4-5, not_satisfied 1-3)",
  },
  {
    id: 'customer.support_experience',
    sql: supportExperience('c.org_id', 'c.customer_id', 'p.start_at'),
    joins: [],
    description: SUPPORT_EXPERIENCE_DESCRIPTION,
  },
);
DIMENSIONS.orders.push({
  id: 'customer.support_experience',
  sql: supportExperience('e.org_id', 'e.customer_id', 'e.ordered_at'),
  joins: [],
  description: SUPPORT_EXPERIENCE_DESCRIPTION,
});

// The ticket reference shows the subject, not a name.
DIMENSIONS.survey_responses.find((d) => d.id === 'ticket')!.name = 'tk.subject';

/**
 * The canonical name of a dimension: a field of the customer is `customer.<field>` on every
 * entity, customer metrics included, and custom attributes of the customer are
 * `customer.attributes.<name>`. The bare field name (`segment`, `plan`, ...) is accepted as an
 * alias wherever the entity has no field of its own by that name (survey answers have their own
 * `language`), and on customer metrics `attributes.<name>` is the customer's attribute.
 */
export function canonicalDimension(entity: MetricEntity, id: string): string {
  if (DIMENSIONS[entity].some((d) => d.id === id)) return id;
  if ((CUSTOMER_FIELDS as readonly string[]).includes(id)) return `customer.${id}`;
  if (entity === 'customers' && id.startsWith('attributes.')) return `customer.${id}`;
  return id;
}

/** The canonical dimension names of an entity, attribute dimensions as `attributes.<name>`. */
export function dimensionIds(entity: MetricEntity): string[] {
  const ids = DIMENSIONS[entity].map((d) => d.id);
  if (entity === 'costs') return ids; // costs carry no attributes and no customer
  return [...ids, ...(entity === 'customers' ? [] : ['attributes.<name>']), 'customer.attributes.<name>'];
}

/** Aliases of the canonical names, for error messages. */
export const DIMENSION_ALIASES: readonly string[] = CUSTOMER_FIELDS.map((f) => `${f} = customer.${f}`);

/** A dimension by id or alias (its `id` is then the canonical name); undefined when unknown. */
export function findDimension(entity: MetricEntity, id: string): (Dimension & { attribute?: string }) | undefined {
  const canonical = canonicalDimension(entity, id);
  const known = DIMENSIONS[entity].find((d) => d.id === canonical);
  if (known) return known;
  const attribute = /^(customer\.)?attributes\.([A-Za-z_][A-Za-z0-9_.-]{0,63})$/.exec(canonical);
  if (!attribute || !dimensionIds(entity).includes(`${attribute[1] ?? ''}attributes.<name>`)) return undefined;
  const onCustomer = Boolean(attribute[1]) && entity !== 'customers';
  return {
    id: canonical,
    sql: onCustomer ? 'cu.attributes' : 'e.attributes',
    joins: onCustomer ? ['customer'] : [],
    description: 'custom attribute',
    attribute: attribute[2]!,
  };
}

/**
 * A dimension as a row filter for listings (GET /api/v1/{entity}): the same names and SQL as
 * metric queries, so the rows behind a number are found with the filters that produced it.
 */
export function dimensionFilter(
  entity: MetricEntity,
  id: string,
  values: string[],
): { joins: string[]; condition: RawBuilder<unknown> } | undefined {
  if (entity === 'customers') return undefined;
  const dimension = findDimension(entity, id);
  if (!dimension) return undefined;
  const value = dimension.attribute
    ? sql`${sql.raw(dimension.sql)} ->> ${dimension.attribute}`
    : sql.raw(dimension.sql);
  return { joins: dimension.joins.map((j) => JOINS[j]), condition: sql`${value} in (${sql.join(values)})` };
}

/** Entities whose rows carry a team, and so can be shown to a team lead or an agent. */
export const TEAM_ENTITIES = new Set<MetricEntity>([
  'tickets',
  'survey_responses',
  'survey_invitations',
  'costs',
  'feedback',
]);

/**
 * Conditions that keep a caller within their part of the data: a team lead's teams, an agent's
 * team and, wherever single agents show (rows, by or where agent), only the agent themself.
 */
export function scopeFilters(
  entity: MetricEntity,
  scope: DataScope | undefined,
  perAgent: boolean,
): RawBuilder<unknown>[] {
  if (!scope) return [];
  const filters: RawBuilder<unknown>[] = [];
  if (scope.agentId !== undefined && (perAgent || !scope.teams?.length)) {
    filters.push(entity === 'costs' ? sql`false` : sql`e.agent_id = ${scope.agentId}`);
  } else if (scope.teams) {
    filters.push(scope.teams.length ? sql`e.team_id in (${sql.join(scope.teams)})` : sql`false`);
  }
  return filters;
}

/** The entities a metric reads, through the metrics it is computed from. */
export function metricEntities(metric: MetricDef): Set<MetricEntity> {
  const parts = metricParts(metric);
  return new Set([...ownEntities(metric), ...parts.flatMap((id) => [...metricEntities(getMetric(id)!)])]);
}

/**
 * The dimensions a metric can be grouped and filtered by, canonical names: those of its entity,
 * or for a metric combined from others (revenue, ARPU, CLV, ratios, custom KPIs) those every part
 * has with the same meaning.
 */
export function metricDimensionIds(metric: MetricDef): string[] {
  const lists = [...metricEntities(metric)].map(dimensionIds);
  return lists.length ? lists[0]!.filter((id) => lists.every((list) => list.includes(id))) : [];
}

/**
 * Joins, group-by columns (g0, g0_name, ...) and filters of a query's dimensions over the rows
 * `e` of an entity; `unknown` makes the error for a dimension the entity does not have.
 */
export function dimensionSql(
  entity: MetricEntity,
  by: string[],
  where: Record<string, string | string[]>,
  unknown: (id: string) => Error,
  scope?: DataScope,
  perAgent = false,
) {
  const joins = new Set<Join>();
  const groupSelects: RawBuilder<unknown>[] = [];
  const valueOf = (id: string) => {
    const dimension = findDimension(entity, id);
    if (!dimension) throw unknown(id);
    dimension.joins.forEach((j) => joins.add(j));
    return {
      dimension,
      value: dimension.attribute ? sql`${sql.raw(dimension.sql)} ->> ${dimension.attribute}` : sql.raw(dimension.sql),
    };
  };
  for (const [i, id] of by.entries()) {
    const { dimension, value } = valueOf(id);
    groupSelects.push(sql`${value} as ${sql.ref(`g${i}`)}`);
    groupSelects.push(
      sql`${dimension.name ? sql.raw(`min(${dimension.name})`) : sql`null`} as ${sql.ref(`g${i}_name`)}`,
    );
  }
  const filters: RawBuilder<unknown>[] = [];
  for (const [id, raw] of Object.entries(where)) {
    const { value } = valueOf(id);
    filters.push(sql`${value} in (${sql.join(filterValues(id, raw))})`);
  }
  filters.push(...scopeFilters(entity, scope, perAgent || by.includes('agent') || 'agent' in where));
  return { joins, groupSelects, filters };
}

/** The values of a `where` filter (a list, or text separated by commas); NUL characters are refused. */
export function filterValues(id: string, raw: string | string[]): string[] {
  const values = (Array.isArray(raw) ? raw : raw.split(',')).map((v) => v.trim());
  if (values.some((v) => v.includes('\0'))) throw badRequest('invalid-filter', `where.${id}: contains a NUL character`);
  return values;
}
