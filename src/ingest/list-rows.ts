import { sql, type RawBuilder } from 'kysely';
import { z } from 'zod';
import type { Db } from '../db/connect.ts';
import { badRequest } from '../errors.ts';
import type { Organization } from '../orgs/index.ts';
import type { EntityDef } from './entities.ts';
import { Invalid, parseValue } from './fields.ts';

/**
 * The stored rows of an entity for drill-down and export, with equality filters, a time range
 * and keyset paging (stable under concurrent inserts, unlike OFFSET).
 */
export const ZRowsQuery = z.object({
  from: z.string().optional(),
  to: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(100),
  cursor: z.string().optional(),
  format: z.enum(['json', 'csv']).optional(),
});
export type RowsQuery = z.infer<typeof ZRowsQuery> & {
  filters?: Record<string, string>;
  /**
   * Filters beyond the entity's own fields (a metric query's dimensions such as `team`,
   * `customer.segment`, `ticket.channel`): SQL over the row `e` and the joins it needs, or
   * undefined when the name is unknown.
   */
  resolveFilter?: (name: string, values: string[]) => { joins: string[]; condition: RawBuilder<unknown> } | undefined;
  /** Conditions over `e` that always apply (the caller's part of the data). */
  restrict?: RawBuilder<unknown>[];
};

export interface RowsPage {
  rows: Array<Record<string, unknown>>;
  next_cursor: string | null;
}

/** Columns a listing returns: the public fields, converted amounts and the last update. */
export function rowColumns(entity: EntityDef): string[] {
  return [...entity.fields.map((f) => f.name), ...(entity.money ? [entity.money.reporting] : []), 'updated_at'];
}

const FILTERABLE = new Set(['id', 'text', 'enum', 'currency', 'bool', 'int']);

/** Sort key: newest first by a required time field, then the key; otherwise the key alone. */
function sortKey(entity: EntityDef): { columns: string[]; descending: boolean } {
  const time = entity.fields.find((f) => f.name === entity.timeField);
  if (time?.required) return { columns: [...new Set([time.name, ...entity.key])], descending: true };
  return { columns: entity.key, descending: false };
}

export async function listRows(db: Db, org: Organization, entity: EntityDef, query: RowsQuery): Promise<RowsPage> {
  const conditions: RawBuilder<unknown>[] = [sql`e.org_id = ${org.id}::uuid`, ...(query.restrict ?? [])];
  const ctx = { timezone: org.timezone };

  const joins = new Set<string>();
  for (const [name, raw] of Object.entries(query.filters ?? {})) {
    // PostgreSQL text cannot hold NUL: refused here rather than failing in the database.
    if (hasNul(name) || hasNul(raw))
      throw badRequest('invalid-filter', `${name.replace(/\0/g, '\\0')}: contains a NUL character`);
    const attribute = /^attributes\.(.+)$/.exec(name);
    if (attribute && entity.fields.some((f) => f.name === 'attributes')) {
      conditions.push(sql`e.attributes ->> ${attribute[1]} in (${sql.join(raw.split(','))})`);
      continue;
    }
    const field = entity.fields.find((f) => f.name === name);
    if (!field || !FILTERABLE.has(field.type.kind)) {
      const resolved = query.resolveFilter?.(
        name,
        raw.split(',').map((v) => v.trim()),
      );
      if (resolved) {
        resolved.joins.forEach((j) => joins.add(j));
        conditions.push(resolved.condition);
        continue;
      }
      const allowed = entity.fields.filter((f) => FILTERABLE.has(f.type.kind)).map((f) => f.name);
      throw badRequest(
        'invalid-filter',
        `Cannot filter ${entity.name} by "${name}"; use one of ${allowed.join(', ')}, attributes.<name>, ` +
          `${query.resolveFilter ? "the metric query's dimensions (team, customer.segment, ...), " : ''}from, to.`,
      );
    }
    const values = raw.split(',').map((text) => {
      const value = parseValue(field.type, text, ctx);
      if (value instanceof Invalid) throw badRequest('invalid-filter', `${name}: ${value.reason}`);
      return value;
    });
    conditions.push(sql`${sql.ref(`e.${name}`)} in (${sql.join(values)})`);
  }

  if ((query.from || query.to) && !entity.timeField) {
    throw badRequest('invalid-filter', `${entity.name} have no time field to filter by from/to.`);
  }
  const timeField = entity.fields.find((f) => f.name === entity.timeField);
  for (const [bound, op] of [
    ['from', '>='],
    ['to', '<'],
  ] as const) {
    const raw = query[bound];
    if (!raw || !timeField) continue;
    const value = parseValue(timeField.type, raw, ctx);
    if (value instanceof Invalid) throw badRequest('invalid-filter', `${bound}: ${value.reason}`);
    conditions.push(sql`${sql.ref(`e.${timeField.name}`)} ${sql.raw(op)} ${value}`);
  }

  const order = sortKey(entity);
  if (query.cursor) {
    const invalid = badRequest('invalid-cursor', 'The cursor is not one this API returned; start again without it.');
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(query.cursor, 'base64url').toString('utf8'));
    } catch {
      throw invalid;
    }
    if (!Array.isArray(decoded) || decoded.length !== order.columns.length) throw invalid;
    // Each value must be one the column can hold: it goes to SQL as a parameter of that column.
    const values = order.columns.map((column, i) => {
      const field = entity.fields.find((f) => f.name === column)!;
      const raw: unknown = decoded[i];
      const value = typeof raw === 'string' || typeof raw === 'number' ? parseValue(field.type, raw, ctx) : undefined;
      if (value === undefined || value === null || value instanceof Invalid || hasNul(value)) throw invalid;
      return value;
    });
    const left = sql.join(order.columns.map((c) => sql.ref(`e.${c}`)));
    conditions.push(sql`(${left}) ${sql.raw(order.descending ? '<' : '>')} (${sql.join(values)})`);
  }

  const direction = sql.raw(order.descending ? 'desc' : 'asc');
  const result = await sql<Record<string, unknown>>`
    select ${sql.join(rowColumns(entity).map((c) => sql.ref(`e.${c}`)))}
    from ${sql.table(entity.table)} e ${sql.raw([...joins].join(' '))}
    where ${sql.join(conditions, sql` and `)}
    order by ${sql.join(order.columns.map((c) => sql`${sql.ref(`e.${c}`)} ${direction}`))}
    limit ${query.limit + 1}`.execute(db.kysely);
  const rows = result.rows.slice(0, query.limit);
  const last = rows.at(-1);
  const next =
    result.rows.length > query.limit && last
      ? Buffer.from(
          JSON.stringify(
            order.columns.map((c) => (last[c] instanceof Date ? (last[c] as Date).toISOString() : last[c])),
          ),
        ).toString('base64url')
      : null;
  return { rows, next_cursor: next };
}

const hasNul = (value: unknown) => typeof value === 'string' && value.includes('\0');
