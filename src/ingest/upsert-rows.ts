import { CompiledQuery, sql, type Kysely } from 'kysely';
import type { Session } from '../db/connect.ts';
import type { Database } from '../db/schema.ts';
import type { EntityDef, FieldDef } from './entities.ts';

/**
 * Writes batches of validated rows: COPY into a temporary staging table, then an UPDATE of the
 * known rows that differ (`IS DISTINCT FROM` leaves identical ones alone) and an INSERT of the
 * new ones, so that inserted, updated and unchanged records are told apart. Identifiers come from the entity declarations, never
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

const STAGE = 'import_stage';

interface Plan {
  /** New rows are copied straight into the table (entities keyed by id, without money). */
  direct: boolean;
  probe: string;
  directColumns: string[];
  toDirectLine(row: Record<string, unknown>, orgId: string, agentTeams: ReadonlyMap<string, string | null>): string;
  stageColumns: string[];
  createStage: string;
  locate: string;
  update: string;
  insert: string;
  toCopyLine(row: Record<string, unknown>): string;
}

const plans = new Map<string, Plan>();

function planFor(entity: EntityDef): Plan {
  let plan = plans.get(entity.name);
  if (plan) return plan;
  const fields = entity.fields;
  const names = fields.map((field) => field.name);
  const kinds = fields.map((field) => field.type.kind);
  const stageColumns = [...names, ...(entity.money ? ['_rate'] : [])];
  const stageTypes = [...kinds.map((kind) => SQL_TYPES[kind]), ...(entity.money ? ['numeric'] : [])];
  const columns = [...names];
  const values = fields.map((field) => {
    if (field.name === 'team_id' && names.includes('agent_id')) {
      // The agent's team at import time stands in for a missing team.
      return `coalesce(s.team_id, (select a.team_id from agent a where a.org_id = $1 and a.id = s.agent_id))`;
    }
    if (['ratings', 'attributes', 'list'].includes(field.type.kind)) return `coalesce(s.${field.name}, '{}')`;
    return `s.${field.name}`;
  });
  if (entity.money) {
    columns.push(entity.money.reporting);
    values.push(`s.${entity.money.amount} * s._rate`);
  }
  const updatable = columns.filter((column) => !entity.key.includes(column));
  const updatableValues = updatable.map((column) => values[columns.indexOf(column)]!);
  const sameKey = entity.key.map((k) => `t.${k} = s.${k}`).join(' and ');
  const agentAt = names.indexOf('agent_id');
  const teamAt = agentAt === -1 ? -1 : names.indexOf('team_id');
  const emptyObject = kinds.map((kind) =>
    kind === 'ratings' || kind === 'attributes' ? '{}' : kind === 'list' ? '{}' : null,
  );
  plan = {
    direct: !entity.money && entity.key.length === 1 && entity.key[0] === 'id',
    probe: `select id from ${entity.table} where org_id = $1 and id = any(array(select json_array_elements_text($2::json)))`,
    directColumns: ['org_id', ...names],
    toDirectLine: (row, orgId, agentTeams) => {
      let line = orgId;
      for (let at = 0; at < names.length; at++) {
        let value = row[names[at]!];
        // The agent's team at import time stands in for a missing team.
        if (at === teamAt && value === undefined && row.agent_id !== undefined)
          value = agentTeams.get(row.agent_id as string);
        line += `\t${value === undefined || value === null ? (emptyObject[at] ?? '\\N') : copyValue(value, kinds[at]!)}`;
      }
      return `${line}\n`;
    },
    stageColumns,
    createStage:
      `create temporary table ${STAGE} (${stageColumns.map((c, i) => `${c} ${stageTypes[i]}`).join(', ')}, _target tid) ` +
      `on commit drop`,
    // Each staged row finds its stored twin by a primary-key probe. Joining the tables instead
    // leaves the plan to statistics, which lag far behind during an import (PGlite never
    // analyzes on its own) and then pick plans that compare every staged row with every row.
    locate: `update ${STAGE} s set _target = (select t.ctid from ${entity.table} t where t.org_id = $1 and ${sameKey})`,
    update:
      `update ${entity.table} t set ${updatable.map((column, i) => `${column} = ${updatableValues[i]}`).join(', ')}, updated_at = now() ` +
      `from ${STAGE} s where t.ctid = s._target and t.org_id = $1 and ` +
      `(${updatable.map((column) => `t.${column}`).join(', ')}) is distinct from (${updatableValues.join(', ')})`,
    insert:
      `insert into ${entity.table} (org_id, ${columns.join(', ')}) ` +
      `select $1::uuid, ${values.join(', ')} from ${STAGE} s where s._target is null`,
    toCopyLine: (row) => {
      let line = '';
      for (let at = 0; at < names.length; at++) {
        if (at) line += '\t';
        line += copyValue(row[names[at]!], kinds[at]!);
      }
      if (entity.money) line += `\t${copyValue(row._rate, 'decimal')}`;
      return `${line}\n`;
    },
  };
  plans.set(entity.name, plan);
  return plan;
}

const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One field in COPY text format: \N for null, backslash escapes for tabs, line breaks and \. */
function copyValue(value: unknown, kind: FieldDef['type']['kind']): string {
  if (value === undefined || value === null) return '\\N';
  let text: string;
  if (kind === 'list') text = arrayLiteral(value as string[]);
  else if (typeof value === 'object') text = JSON.stringify(value);
  else text = String(value);
  return COPY_SPECIAL.test(text) ? text.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]!) : text;
}

/** A PostgreSQL text[] literal: every element quoted, backslashes and quotes escaped. */
function arrayLiteral(items: string[]): string {
  return `{${items.map((item) => `"${item.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;
}

/** Prepares a session (inside its transaction) to take batches of `entity`. */
export async function createStage(session: Session, entity: EntityDef): Promise<void> {
  await session.kysely.executeQuery(CompiledQuery.raw(planFor(entity).createStage));
  // JIT compiling each batch's statements costs more than running them; the ctid join must be
  // a TID probe per staged row, not a scan of the organization's rows.
  await session.kysely.executeQuery(
    CompiledQuery.raw('set local jit = off; set local enable_hashjoin = off; set local enable_mergejoin = off'),
  );
}

/** The stored team of every agent, for records that name an agent but no team. */
export async function loadAgentTeams(session: Session, orgId: string): Promise<Map<string, string | null>> {
  const result = await session.kysely.executeQuery<{ id: string; team_id: string | null }>(
    CompiledQuery.raw('select id, team_id from agent where org_id = $1', [orgId]),
  );
  return new Map(result.rows.map((row) => [row.id, row.team_id]));
}

/**
 * Writes one batch. For entities keyed by id, one probe of the primary key splits the batch:
 * new rows are copied straight into the table (COPY is the fastest way into PostgreSQL), known
 * rows go through the staging table and an UPDATE of those that differ. Other entities stage
 * everything, then update and insert from the stage.
 */
export async function upsertRows(
  session: Session,
  entity: EntityDef,
  orgId: string,
  rows: Array<Record<string, unknown>>,
  agentTeams: ReadonlyMap<string, string | null> = new Map(),
): Promise<UpsertCounts> {
  if (!rows.length) return { inserted: 0, updated: 0 };
  const plan = planFor(entity);
  let inserted = 0;
  let known = rows;
  if (plan.direct) {
    const found = await session.kysely.executeQuery<{ id: string }>(
      CompiledQuery.raw(plan.probe, [orgId, JSON.stringify(rows.map((row) => row.id))]),
    );
    const stored = new Set(found.rows.map((row) => row.id));
    known = [];
    let text = '';
    for (const row of rows) {
      if (stored.has(row.id as string)) known.push(row);
      else {
        text += plan.toDirectLine(row, orgId, agentTeams);
        inserted++;
      }
    }
    // A record another import inserted since the probe makes this fail with a unique violation
    // (mapped to a 409 "conflict"); the whole import rolls back and can simply be run again.
    if (inserted) await session.copyIn(entity.table, plan.directColumns, text);
    if (!known.length) return { inserted, updated: 0 };
  }
  let text = '';
  for (const row of known) text += plan.toCopyLine(row);
  await session.kysely.executeQuery(CompiledQuery.raw(`truncate ${STAGE}`));
  await session.copyIn(STAGE, plan.stageColumns, text);
  await session.kysely.executeQuery(CompiledQuery.raw(plan.locate, [orgId]));
  const updated = await session.kysely.executeQuery(CompiledQuery.raw(plan.update, [orgId]));
  if (!plan.direct) {
    const added = await session.kysely.executeQuery(CompiledQuery.raw(plan.insert, [orgId]));
    inserted += Number(added.numAffectedRows ?? 0);
  }
  return { inserted, updated: Number(updated.numAffectedRows ?? 0) };
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
