import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { badRequest, notFound } from '../errors.ts';

const MICROS = sql`(extract(epoch from started_at) * 1000000)::bigint`;

/**
 * Past imports of an organization (every `cxkpi import`, HTTP import, dry run and demo load),
 * newest first, and one import with the records it rejected (the first MAX_REPORTED_ERRORS).
 */
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

const COLUMNS = [
  'id',
  'entity',
  'source',
  'format',
  'status',
  'dry_run',
  'skip_invalid',
  'rows_read',
  'inserted',
  'updated',
  'unchanged',
  'rejected',
  'duplicates',
  'message',
  'started_at',
  'finished_at',
] as const;

/** A selected row: the columns above and the number of stored errors. */
type Row = Record<(typeof COLUMNS)[number], unknown> & { error_count: unknown };

function toRun(row: Row): ImportRun {
  const { rows_read, started_at, finished_at, error_count, ...rest } = row;
  return {
    ...(rest as unknown as Omit<ImportRun, 'records' | 'started_at' | 'finished_at' | 'error_count'>),
    records: Number(rows_read),
    error_count: Number(error_count),
    started_at: new Date(started_at as Date).toISOString(),
    finished_at: finished_at ? new Date(finished_at as Date).toISOString() : null,
  };
}

export async function listImports(
  db: Kysely<Database>,
  orgId: string,
  options: { limit: number; before?: string; entity?: string },
): Promise<{ imports: ImportRun[]; next_before: string | null }> {
  let query = db
    .selectFrom('import_run')
    .select([...COLUMNS, (eb) => eb.fn<number>('jsonb_array_length', ['errors']).as('error_count')])
    .where('org_id', '=', orgId);
  if (options.entity) query = query.where('entity', '=', options.entity);
  if (options.before) {
    // The cursor is the start in microseconds (timestamps keep them) and the id.
    const match = /^(\d{1,20})_([0-9a-f-]{36})$/.exec(options.before);
    if (!match) throw badRequest('invalid-cursor', 'before is the next_before of the previous page.');
    query = query.where(sql<boolean>`(${MICROS}, id) < (${match[1]}::bigint, ${match[2]}::uuid)`);
  }
  const rows = await query
    .select(sql<string>`${MICROS}::text`.as('micros'))
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit + 1)
    .execute();
  const page = rows.slice(0, options.limit);
  const last = page.at(-1);
  return {
    imports: page.map(({ micros: _, ...row }) => toRun(row)),
    next_before: rows.length > options.limit && last ? `${last.micros}_${last.id}` : null,
  };
}

export async function getImport(
  db: Kysely<Database>,
  orgId: string,
  id: string,
): Promise<ImportRun & { errors: unknown[] }> {
  const row = await db
    .selectFrom('import_run')
    .select([...COLUMNS, 'errors', (eb) => eb.fn<number>('jsonb_array_length', ['errors']).as('error_count')])
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('not-found', `There is no import ${id}.`);
  const { errors, ...rest } = row;
  return { ...toRun(rest), errors: errors as unknown[] };
}
