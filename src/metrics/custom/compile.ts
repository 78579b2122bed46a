import { sql, type RawBuilder } from 'kysely';
import { getMetric } from '../catalog/index.ts';
import type { MetricEntity } from '../catalog/types.ts';
import { findDimension, type Join } from '../dimensions.ts';
import { METRIC_ENTITIES } from '../entities.ts';
import { formulaError, parseFormula, type Condition, type Expr, type Literal, type Name } from './formula.ts';

/**
 * Resolves a parsed formula against the catalog: entities, their fields and dimensions, and
 * catalog metrics. Every name becomes static SQL written here; every value the user typed travels
 * as a query parameter. The result says which components to compute per entity and how to
 * combine them into the value.
 */
type FieldType = 'number' | 'boolean' | 'time';
interface Field {
  sql: string;
  type: FieldType;
  description: string;
}

const seconds = (from: string, to: string, divisor = 1) =>
  `extract(epoch from e.${to} - e.${from})${divisor === 1 ? '' : ` / ${divisor}`}`;

/** Entities a formula can aggregate, the timestamp that places a row in a period, and fields. */
export const FORMULA_ENTITIES: Partial<Record<MetricEntity, { time: string; fields: Record<string, Field> }>> = {
  tickets: {
    time: METRIC_ENTITIES.tickets.time,
    fields: {
      first_response_seconds: {
        sql: seconds('created_at', 'first_response_at'),
        type: 'number',
        description: 'created to first response',
      },
      first_response_minutes: {
        sql: seconds('created_at', 'first_response_at', 60),
        type: 'number',
        description: 'the same in minutes',
      },
      first_response_hours: {
        sql: seconds('created_at', 'first_response_at', 3600),
        type: 'number',
        description: 'the same in hours',
      },
      resolution_seconds: {
        sql: seconds('created_at', 'resolved_at'),
        type: 'number',
        description: 'created to resolved',
      },
      resolution_minutes: {
        sql: seconds('created_at', 'resolved_at', 60),
        type: 'number',
        description: 'the same in minutes',
      },
      resolution_hours: {
        sql: seconds('created_at', 'resolved_at', 3600),
        type: 'number',
        description: 'the same in hours',
      },
      agent_replies: { sql: 'e.agent_replies', type: 'number', description: 'replies by agents' },
      customer_replies: { sql: 'e.customer_replies', type: 'number', description: 'replies by the customer' },
      reopen_count: { sql: 'e.reopen_count', type: 'number', description: 'times reopened' },
      handle_time_seconds: { sql: 'e.handle_time_seconds', type: 'number', description: 'agent handle time' },
      first_response_by_bot: {
        sql: 'e.first_response_by_bot',
        type: 'boolean',
        description: 'answered first by a bot',
      },
      first_response_at: { sql: 'e.first_response_at', type: 'time', description: 'use with is null / is not null' },
      first_resolved_at: { sql: 'e.first_resolved_at', type: 'time', description: 'use with is null / is not null' },
      resolved_at: { sql: 'e.resolved_at', type: 'time', description: 'use with is null / is not null' },
      closed_at: { sql: 'e.closed_at', type: 'time', description: 'use with is null / is not null' },
    },
  },
  survey_responses: {
    time: METRIC_ENTITIES.survey_responses.time,
    fields: {
      score: { sql: 'e.score', type: 'number', description: 'the answer on the survey scale' },
      sentiment_score: { sql: 'e.sentiment_score', type: 'number', description: "the comment's sentiment, -1 to 1" },
    },
  },
  reviews: {
    time: METRIC_ENTITIES.reviews.time,
    fields: {
      rating: { sql: 'e.rating', type: 'number', description: 'the rating as given' },
      rating_share: { sql: 'e.rating / e.rating_max', type: 'number', description: 'the rating over its maximum, 0-1' },
      sentiment_score: { sql: 'e.sentiment_score', type: 'number', description: "the text's sentiment, -1 to 1" },
    },
  },
  feedback: {
    time: METRIC_ENTITIES.feedback.time,
    fields: {
      sentiment_score: { sql: 'e.sentiment_score', type: 'number', description: "the text's sentiment, -1 to 1" },
    },
  },
  orders: {
    time: METRIC_ENTITIES.orders.time,
    fields: { amount: { sql: 'e.amount_reporting', type: 'number', description: 'amount in the reporting currency' } },
  },
};

export interface CompiledAggregate {
  node: Expr & { type: 'aggregate' };
  /** Column prefix of its components (a0_n, a0_s, ...). */
  alias: string;
  entity: MetricEntity;
  /** Select list items computing the components. */
  select: RawBuilder<unknown>[];
  joins: Set<Join>;
}

export interface CompiledFormula {
  tree: Expr;
  aggregates: CompiledAggregate[];
  /** Catalog metrics the formula uses. */
  metrics: string[];
  /** Entities whose rows it aggregates. */
  entities: MetricEntity[];
  /**
   * The agents and teams its conditions name (`agent = 'ag-04'`, `team in (...)`), and whether
   * any condition is on an agent at all: the engine refuses a formula naming someone outside the
   * caller's scope and keeps an agent's per-agent formulas to their own rows.
   */
  names: { agent: string[]; team: string[]; onAgent: boolean };
}

const MAX_AGGREGATES = 12;

export function compileFormula(text: string): CompiledFormula {
  const tree = parseFormula(text);
  const aggregates: CompiledAggregate[] = [];
  const metrics = new Set<string>();
  const visit = (node: Expr): void => {
    switch (node.type) {
      case 'number':
        return;
      case 'negate':
        return visit(node.expr);
      case 'binary':
        visit(node.left);
        return visit(node.right);
      case 'metric': {
        const metric = getMetric(node.id);
        if (!metric) throw formulaError(text, node.at, `there is no catalog metric "${node.id}"`);
        if (metric.series)
          throw formulaError(text, node.at, `${node.id} has one series per attribute and cannot be used in a formula`);
        metrics.add(node.id);
        return;
      }
      case 'aggregate':
        if (aggregates.length >= MAX_AGGREGATES)
          throw formulaError(text, node.at, `a formula has at most ${MAX_AGGREGATES} aggregates`);
        aggregates.push(compileAggregate(text, node, `a${aggregates.length}`));
    }
  };
  visit(tree);
  return {
    tree,
    aggregates,
    metrics: [...metrics],
    entities: [...new Set(aggregates.map((a) => a.entity))],
    names: namedPeople(aggregates),
  };
}

/** The agent and team values named in the aggregates' conditions. */
function namedPeople(aggregates: CompiledAggregate[]): CompiledFormula['names'] {
  const names = { agent: new Set<string>(), team: new Set<string>(), onAgent: false };
  const visit = (condition: Condition | undefined): void => {
    if (!condition) return;
    switch (condition.type) {
      case 'and':
      case 'or':
        visit(condition.left);
        return visit(condition.right);
      case 'not':
        return visit(condition.condition);
      default: {
        const field = condition.field.name;
        if (field !== 'agent' && field !== 'team') return;
        if (field === 'agent') names.onAgent = true;
        const values =
          condition.type === 'in' ? condition.values : condition.type === 'compare' ? [condition.value] : [];
        for (const value of values) names[field].add(String(value));
      }
    }
  };
  for (const { node } of aggregates) {
    visit(node.where);
    visit(node.success);
  }
  return { agent: [...names.agent].sort(), team: [...names.team].sort(), onAgent: names.onAgent };
}

function compileAggregate(text: string, node: Expr & { type: 'aggregate' }, alias: string): CompiledAggregate {
  const entityName = node.entity.name as MetricEntity;
  const entity = FORMULA_ENTITIES[entityName];
  if (!entity) {
    throw formulaError(
      text,
      node.entity.at,
      `"${node.entity.name}" is not an entity a formula can count; use ${Object.keys(FORMULA_ENTITIES).join(', ')}`,
    );
  }
  const joins = new Set<Join>();
  const where = node.where ? compileCondition(text, entityName, node.where, joins) : sql`true`;
  const ref = (suffix: string) => sql.ref(`${alias}_${suffix}`);
  const select: RawBuilder<unknown>[] = [];
  if (node.fn === 'count') select.push(sql`count(*) filter (where ${where}) as ${ref('n')}`);
  if (node.fn === 'share') {
    const success = compileCondition(text, entityName, node.success!, joins);
    select.push(sql`count(*) filter (where ${where}) as ${ref('n')}`);
    select.push(sql`count(*) filter (where ${where} and (${success})) as ${ref('k')}`);
  }
  if (node.fn === 'sum' || node.fn === 'avg') {
    const field = entity.fields[node.field!.name];
    if (!field || field.type !== 'number') throw unknownField(text, entityName, node.field!, 'number');
    const value = sql.raw(`(${field.sql})::float8`);
    select.push(sql`count(${value}) filter (where ${where}) as ${ref('n')}`);
    select.push(sql`sum(${value}) filter (where ${where}) as ${ref('s')}`);
    select.push(sql`sum(${value} * ${value}) filter (where ${where}) as ${ref('ss')}`);
  }
  return { node, alias, entity: entityName, select, joins };
}

function unknownField(text: string, entity: MetricEntity, name: Name, wanted?: FieldType) {
  const fields = Object.entries(FORMULA_ENTITIES[entity]!.fields)
    .filter(([, f]) => !wanted || f.type === wanted)
    .map(([id]) => id);
  return formulaError(
    text,
    name.at,
    `${entity} has no ${wanted ?? ''} field "${name.name}"${wanted ? '' : ' and no such dimension'}; fields: ${fields.join(', ')}`.replace(
      '  ',
      ' ',
    ),
  );
}

/** A condition as SQL over the row `e` and the joins it adds; values are parameters. */
function compileCondition(
  text: string,
  entity: MetricEntity,
  condition: Condition,
  joins: Set<Join>,
): RawBuilder<unknown> {
  switch (condition.type) {
    case 'and':
    case 'or': {
      const left = compileCondition(text, entity, condition.left, joins);
      const right = compileCondition(text, entity, condition.right, joins);
      return condition.type === 'and' ? sql`(${left} and ${right})` : sql`(${left} or ${right})`;
    }
    case 'not':
      return sql`not coalesce(${compileCondition(text, entity, condition.condition, joins)}, false)`;
    default:
      return comparison(text, entity, condition, joins);
  }
}

function comparison(
  text: string,
  entity: MetricEntity,
  condition: Exclude<Condition, { type: 'and' | 'or' | 'not' }>,
  joins: Set<Join>,
): RawBuilder<unknown> {
  const { field: name } = condition;
  const field = FORMULA_ENTITIES[entity]!.fields[name.name];
  let value: RawBuilder<unknown>;
  let type: FieldType | 'text';
  if (field) {
    value = sql.raw(`(${field.sql})`);
    type = field.type;
  } else {
    const dimension = findDimension(entity, name.name);
    if (!dimension) throw unknownField(text, entity, name);
    dimension.joins.forEach((j) => joins.add(j));
    value = dimension.attribute
      ? sql`(${sql.raw(dimension.sql)} ->> ${dimension.attribute})`
      : sql.raw(`(${dimension.sql})`);
    type = 'text';
  }
  if (condition.type === 'null') return condition.negated ? sql`${value} is not null` : sql`${value} is null`;
  if (type === 'time')
    throw formulaError(text, name.at, `${name.name} is a time: compare it with is null or is not null`);
  const values = condition.type === 'in' ? condition.values : [condition.value];
  const params = values.map((v) => parameter(text, name, type as Exclude<FieldType, 'time'> | 'text', v));
  if (condition.type === 'in') {
    const list = sql.join(params);
    return condition.negated ? sql`${value} not in (${list})` : sql`${value} in (${list})`;
  }
  if (type !== 'number' && !['=', '!='].includes(condition.op)) {
    throw formulaError(
      text,
      name.at,
      `${name.name} is ${type === 'text' ? 'text' : 'true or false'}: compare it with = , != or in`,
    );
  }
  return sql`${value} ${sql.raw(condition.op === '!=' ? 'is distinct from' : condition.op)} ${params[0]}`;
}

function parameter(
  text: string,
  name: Name,
  type: Exclude<FieldType, 'time'> | 'text',
  value: Literal,
): RawBuilder<unknown> {
  if (type === 'number') {
    if (typeof value !== 'number')
      throw formulaError(text, name.at, `${name.name} is a number: compare it with a number`);
    return sql`${value}::float8`;
  }
  if (type === 'boolean') {
    if (typeof value !== 'boolean') throw formulaError(text, name.at, `${name.name} is true or false`);
    return sql`${value}::boolean`;
  }
  if (typeof value === 'boolean') throw formulaError(text, name.at, `${name.name} is text: compare it with 'text'`);
  return sql`${String(value)}::text`;
}

/** What a formula needs to be evaluated for one period and group. */
export interface FormulaInputs {
  /** Components of an aggregate (n, k, s, ss), undefined when no row matched. */
  aggregate(alias: string): Record<string, unknown> | undefined;
  /** The value of a catalog metric, null when it has none. */
  metric(id: string): number | null;
}

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

/** The value: arithmetic on aggregates and metrics; null when a part is null or a divisor 0. */
export function evaluateFormula(compiled: CompiledFormula, inputs: FormulaInputs): number | null {
  const aliases = new Map(compiled.aggregates.map((a) => [a.node, a.alias]));
  const value = (node: Expr): number | null => {
    switch (node.type) {
      case 'number':
        return node.value;
      case 'metric':
        return inputs.metric(node.id);
      case 'negate': {
        const inner = value(node.expr);
        return inner === null ? null : -inner;
      }
      case 'binary': {
        const a = value(node.left);
        const b = value(node.right);
        if (a === null || b === null) return null;
        if (node.op === '/') return b === 0 ? null : a / b;
        return node.op === '+' ? a + b : node.op === '-' ? a - b : a * b;
      }
      case 'aggregate': {
        const c = inputs.aggregate(aliases.get(node)!);
        const n = num(c?.n);
        if (node.fn === 'count') return n;
        if (node.fn === 'sum') return num(c?.s);
        if (n === 0) return null;
        return node.fn === 'share' ? num(c?.k) / n : num(c?.s) / n;
      }
    }
  };
  return value(compiled.tree);
}
