import { CompiledQuery, sql, type Kysely } from 'kysely';
import type { Session } from '../db/connect.ts';
import type { Database } from '../db/schema.ts';
import type { EntityDef, FieldDef } from './entities.ts';

/**
 * Writes batches of validated rows. One probe of the primary key splits a batch: new rows are
 * copied straight into the table (COPY is the fastest way into PostgreSQL), known rows are copied
 * into a temporary staging table with the address (ctid) of their stored twin and updated where
 * they differ (`IS DISTINCT FROM` leaves identical ones alone), so that inserted, updated and
 * unchanged records are told apart. Identifiers come from the entity declarations, never from
 * input.
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

/** The statements and COPY line writers of one entity, built once from its declaration. */
export interface UpsertPlan {
  /** Finds the stored rows of a batch: their key (as text, joined by U+0001) and ctid. */
  probe: string;
  /** Columns of the table that a direct COPY fills. */
  columns: string[];
  toLine(row: Record<string, unknown>, orgId: string, agentTeams: ReadonlyMap<string, string | null>): string;
  stageColumns: string[];
  createStage: string;
  toStageLine(row: Record<string, unknown>, target: string, agentTeams: ReadonlyMap<string, string | null>): string;
  /** Updates the stored rows that differ from their staged twins. */
  update: string;
  /** The keys (first key field) of the staged rows that differ from their stored twins. */
  changed: string;
}

const plans = new Map<string, UpsertPlan>();

export function upsertPlan(entity: EntityDef): UpsertPlan {
  let plan = plans.get(entity.name);
  if (plan) return plan;
  const fields = entity.fields;
  const names = fields.map((field) => field.name);
  const kinds = fields.map((field) => field.type.kind);
  // The reporting amount is computed before the COPY (exactly, see multiplyDecimals).
  const derived = entity.derived?.columns ?? [];
  const columns = [...names, ...(entity.money ? [entity.money.reporting] : []), ...derived.map((c) => c.name)];
  const columnKinds = [...kinds, ...(entity.money ? (['decimal'] as const) : []), ...derived.map((c) => c.kind)];
  const updatable = columns.filter((column) => !entity.key.includes(column));
  const agentAt = names.indexOf('agent_id');
  const teamAt = agentAt === -1 ? -1 : names.indexOf('team_id');
  // Lists and objects are never null in the tables: an absent one is empty.
  const absent = columnKinds.map((kind) =>
    kind === 'ratings' || kind === 'attributes' || kind === 'list' ? '{}' : '\\N',
  );
  const line = (row: Record<string, unknown>, agentTeams: ReadonlyMap<string, string | null>) => {
    let text = '';
    for (let at = 0; at < columns.length; at++) {
      let value = row[columns[at]!];
      // The agent's team at import time stands in for a missing team.
      if (at === teamAt && value === undefined && row.agent_id !== undefined)
        value = agentTeams.get(row.agent_id as string);
      text += `\t${value === undefined || value === null ? absent[at] : copyValue(value, columnKinds[at]!)}`;
    }
    return text;
  };
  const keyTypes = entity.key.map((k) => SQL_TYPES[kinds[names.indexOf(k)]!]);
  const probe =
    entity.key.length === 1
      ? `select t.${entity.key[0]}::text as key, t.ctid::text as target from ${entity.table} t ` +
        `where t.org_id = $1 and t.${entity.key[0]} = any(array(select json_array_elements_text($2::json)))`
      : `select concat_ws(chr(1), ${entity.key.map((k) => `t.${k}::text`).join(', ')}) as key, t.ctid::text as target ` +
        `from ${entity.table} t where t.org_id = $1 and (${entity.key.map((k) => `t.${k}`).join(', ')}) in ` +
        `(select ${entity.key.map((k, i) => `(x->>${i})::${keyTypes[i]}`).join(', ')} from json_array_elements($2::json) x)`;
  const differs =
    `(${updatable.map((column) => `t.${column}`).join(', ')}) is distinct from ` +
    `(${updatable.map((column) => `s.${column}`).join(', ')})`;
  plan = {
    probe,
    columns: ['org_id', ...columns],
    toLine: (row, orgId, agentTeams) => `${orgId}${line(row, agentTeams)}\n`,
    stageColumns: [...columns, '_target'],
    createStage:
      `create temporary table ${STAGE} (${columns.map((c, i) => `${c} ${SQL_TYPES[columnKinds[i]!]}`).join(', ')}, ` +
      `_target tid) on commit drop`,
    toStageLine: (row, target, agentTeams) => `${line(row, agentTeams).slice(1)}\t${target}\n`,
    // The ctid alone finds the stored row: one TID probe per staged row. Adding `t.org_id = $1`
    // to the join lets a planner without fresh statistics (any table during a large import)
    // walk all of the organization's rows for every staged row instead.
    update:
      `update ${entity.table} t set ${updatable.map((column) => `${column} = s.${column}`).join(', ')}, updated_at = now() ` +
      `from ${STAGE} s where t.ctid = s._target and ${differs}`,
    changed: `select s.${entity.key[0]} as key from ${STAGE} s join ${entity.table} t on t.ctid = s._target where ${differs}`,
  };
  plans.set(entity.name, plan);
  return plan;
}

/** The key of a row as the probe returns it: key fields as text, joined by U+0001. */
function keyOf(entity: EntityDef, row: Record<string, unknown>): string {
  return entity.key.length === 1 ? String(row[entity.key[0]!]) : entity.key.map((k) => String(row[k])).join('\u0001');
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

const DECIMAL_PARTS = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * The exact product of two decimal strings, as PostgreSQL's numeric multiplication gives it (the
 * scale of the result is the sum of the scales), so that reporting amounts can be copied in.
 */
export function multiplyDecimals(a: string, b: string): string {
  const parse = (text: string) => {
    const match = DECIMAL_PARTS.exec(text.trim());
    if (!match) throw new Error(`not a decimal: ${text}`);
    const [, sign, whole = '', fraction = '', exponent = '0'] = match;
    let digits = BigInt(`${whole}${fraction}` || '0');
    let scale = fraction.length - Number(exponent);
    if (scale < 0) {
      digits *= 10n ** BigInt(-scale);
      scale = 0;
    }
    return { digits: sign === '-' ? -digits : digits, scale };
  };
  const x = parse(a);
  const y = parse(b);
  const product = x.digits * y.digits;
  const scale = x.scale + y.scale;
  const negative = product < 0n;
  const text = (negative ? -product : product).toString().padStart(scale + 1, '0');
  const point = text.length - scale;
  return `${negative ? '-' : ''}${text.slice(0, point)}${scale ? `.${text.slice(point)}` : ''}`;
}

/** Prepares a session (inside its transaction) to take batches of `entity`. */
export async function createStage(session: Session, entity: EntityDef): Promise<void> {
  await session.kysely.executeQuery(CompiledQuery.raw(upsertPlan(entity).createStage));
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
 * Called with the keys (first key field) of rows a batch changes: before the change (rows about
 * to be updated) and after it (rows inserted or updated). Unchanged rows are never passed.
 */
export type ChangeHook = (keys: unknown[]) => Promise<void>;

/**
 * Writes one batch (whose keys are unique). New rows are copied into the table; known rows are
 * staged and updated where they differ, and the UPDATE is skipped when the probe found none.
 * `onChange` learns which rows change, before and after (rollups mark their days).
 */
export async function upsertRows(
  session: Session,
  entity: EntityDef,
  orgId: string,
  rows: Array<Record<string, unknown>>,
  agentTeams: ReadonlyMap<string, string | null> = new Map(),
  onChange?: ChangeHook,
): Promise<UpsertCounts> {
  if (!rows.length) return { inserted: 0, updated: 0 };
  const plan = upsertPlan(entity);
  const keys = rows.map((row) => (entity.key.length === 1 ? row[entity.key[0]!] : entity.key.map((k) => row[k])));
  const found = await session.kysely.executeQuery<{ key: string; target: string }>(
    CompiledQuery.raw(plan.probe, [orgId, JSON.stringify(keys)]),
  );
  const stored = new Map(found.rows.map((row) => [row.key, row.target]));
  let inserted = 0;
  let fresh = '';
  let known = '';
  const freshKeys: unknown[] = [];
  for (const row of rows) {
    const target = stored.size ? stored.get(keyOf(entity, row)) : undefined;
    if (target === undefined) {
      fresh += plan.toLine(row, orgId, agentTeams);
      freshKeys.push(row[entity.key[0]!]);
      inserted++;
    } else known += plan.toStageLine(row, target, agentTeams);
  }
  // A record another import inserted since the probe makes this fail with a unique violation
  // (mapped to a 409 "conflict"); the whole import rolls back and can simply be run again.
  if (inserted) {
    await session.copyIn(entity.table, plan.columns, fresh);
    await onChange?.(freshKeys);
  }
  if (!known) return { inserted, updated: 0 };
  await session.kysely.executeQuery(CompiledQuery.raw(`truncate ${STAGE}`));
  await session.copyIn(STAGE, plan.stageColumns, known);
  let changed: unknown[] | undefined;
  if (onChange) {
    const result = await session.kysely.executeQuery<{ key: unknown }>(CompiledQuery.raw(plan.changed));
    changed = result.rows.map((row) => row.key);
    if (!changed.length) return { inserted, updated: 0 };
    await onChange(changed);
  }
  const updated = await session.kysely.executeQuery(CompiledQuery.raw(plan.update));
  if (changed) await onChange!(changed);
  return { inserted, updated: Number(updated.numAffectedRows ?? 0) };
}

/**
 * After an import that grew a table by a fifth or more, fresh statistics keep the planner from
 * treating it as the small table it was (PGlite never analyzes on its own).
 */
export async function analyzeIfGrown(session: Session, entity: EntityDef, before: number, inserted: number) {
  if (inserted >= 1000 && inserted >= before / 5)
    await session.kysely.executeQuery(CompiledQuery.raw(`analyze ${entity.table}`));
}

/** Rows a table held by its last statistics (0 when never analyzed). */
export async function estimateRows(session: Session, entity: EntityDef): Promise<number> {
  const result = await session.kysely.executeQuery<{ rows: number }>(
    CompiledQuery.raw(`select greatest(reltuples, 0)::float8 as rows from pg_class where oid = $1::regclass`, [
      entity.table,
    ]),
  );
  return Number(result.rows[0]?.rows ?? 0);
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
