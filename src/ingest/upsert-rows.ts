import { CompiledQuery, sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { EntityDef, FieldDef } from './entities.ts';

/**
 * Writes one batch of validated rows with a single statement: the batch travels as one JSON
 * parameter, `json_to_recordset` turns it into typed rows, and `ON CONFLICT ... DO UPDATE ...
 * WHERE ... IS DISTINCT FROM` leaves identical rows alone, so the statement tells inserted,
 * updated and unchanged records apart. Identifiers come from the entity declarations, never
 * from input.
 */
export interface UpsertCounts {
  inserted: number;
  updated: number;
}

const SQL_TYPES: Record<FieldDef['type']['kind'], string> = {
  id: 'text',
  text: 'text',
  enum: 'text',
  int: 'integer',
  decimal: 'numeric',
  bool: 'boolean',
  timestamp: 'timestamptz',
  date: 'date',
  currency: 'text',
  list: 'text[]',
  ratings: 'jsonb',
  attributes: 'jsonb',
};

interface Plan {
  build(orgId: string, rowsJson: string): CompiledQuery;
}

const plans = new Map<string, Plan>();

function planFor(entity: EntityDef): Plan {
  let plan = plans.get(entity.name);
  if (plan) return plan;
  const fields = entity.fields.map((field) => field.name);
  const recordType = [
    ...entity.fields.map((field) => `${field.name} ${SQL_TYPES[field.type.kind]}`),
    ...(entity.money ? ['_rate numeric'] : []),
  ].join(', ');
  const valueOf = (name: string): string => {
    // The agent's team at import time stands in for a missing team.
    if (name === 'team_id' && fields.includes('agent_id')) {
      return `coalesce(x.team_id, (select a.team_id from agent a where a.org_id = $1 and a.id = x.agent_id))`;
    }
    if (name === 'attributes' || name === 'ratings') return `coalesce(x.${name}, '{}'::jsonb)`;
    if (name === 'tags') return `coalesce(x.tags, '{}'::text[])`;
    return `x.${name}`;
  };
  const columns = [...fields];
  const values = fields.map(valueOf);
  if (entity.money) {
    columns.push(entity.money.reporting);
    values.push(`x.${entity.money.amount} * x._rate`);
  }
  const updatable = columns.filter((column) => !entity.key.includes(column));
  const text =
    `insert into ${entity.table} as t (org_id, ${columns.join(', ')}) ` +
    `select $1::uuid, ${values.join(', ')} from json_to_recordset($2::json) as x(${recordType}) ` +
    `on conflict (org_id, ${entity.key.join(', ')}) do update set ` +
    `${updatable.map((column) => `${column} = excluded.${column}`).join(', ')}, updated_at = now() ` +
    `where (${updatable.map((column) => `t.${column}`).join(', ')}) is distinct from ` +
    `(${updatable.map((column) => `excluded.${column}`).join(', ')}) ` +
    `returning (xmax = 0) as inserted`;
  // The statement text is fixed per entity; only $1 (organization) and $2 (rows) carry data.
  plan = { build: (orgId, rowsJson) => CompiledQuery.raw(text, [orgId, rowsJson]) };
  plans.set(entity.name, plan);
  return plan;
}

export async function upsertRows(
  db: Kysely<Database>,
  entity: EntityDef,
  orgId: string,
  rows: Array<Record<string, unknown>>,
): Promise<UpsertCounts> {
  if (!rows.length) return { inserted: 0, updated: 0 };
  const result = await db.executeQuery<{ inserted: boolean }>(planFor(entity).build(orgId, JSON.stringify(rows)));
  let inserted = 0;
  for (const row of result.rows) if (row.inserted) inserted++;
  return { inserted, updated: result.rows.length - inserted };
}

/**
 * Exchange rates for a batch: for each (currency, local date) the most recent rate of the
 * organization on or up to 31 days before that date; null where there is none.
 */
export async function lookupRates(
  db: Kysely<Database>,
  orgId: string,
  wanted: Array<{ currency: string; date: string }>,
): Promise<Array<string | null>> {
  if (!wanted.length) return [];
  const result = await sql<{ i: number; rate: string | null }>`
    select x.i, (
      select r.rate::text from fx_rate r
      where r.org_id = ${orgId}::uuid and r.currency = x.currency and r.date <= x.d and r.date > x.d - 31
      order by r.date desc limit 1
    ) as rate
    from json_to_recordset(${JSON.stringify(wanted.map((w, i) => ({ i, currency: w.currency, d: w.date })))}::json)
      as x(i integer, currency text, d date)
    order by x.i`.execute(db);
  return result.rows.map((row) => row.rate);
}
