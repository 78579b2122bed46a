import { markRollupRows, refreshImportRollups } from '../metrics/rollups/index.ts';
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { localDate } from '../calendar/zoned-time.ts';
import type { Db, Session } from '../db/connect.ts';
import type { Database } from '../db/schema.ts';
import { badRequest, toAppError } from '../errors.ts';
import type { Organization } from '../orgs/index.ts';
import { getEntity, ENTITY_NAMES, type EntityDef } from './entities.ts';
import { failAbandonedImports, holdRunLock, releaseRunLock } from './fail-abandoned-imports.ts';
import type { DateOrder, ParseContext } from './fields.ts';
import { readRecords, type Detected, type ImportFormat, type SourceItem } from './read-records.ts';
import { RecordShaper, type FieldProblem, type MappingOptions } from './shape-record.ts';
import {
  analyzeIfGrown,
  createStage,
  estimateRows,
  loadAgentTeams,
  lookupRates,
  multiplyDecimals,
  upsertRows,
} from './upsert-rows.ts';

/**
 * The one import path behind `cxkpi import` and `POST /api/v1/import/{entity}`: read, map,
 * validate, convert currencies and upsert in batches inside one transaction. By default the
 * import is all-or-nothing: the first rejected record stops the writing, the rest of the file is
 * still validated so that every problem is reported, and the transaction is rolled back.
 */
export interface ImportOptions extends MappingOptions {
  format?: ImportFormat;
  /** Store the valid records and report the invalid ones instead of storing nothing. */
  skipInvalid?: boolean;
  /** Validate and count everything, then roll back. */
  dryRun?: boolean;
  /** Where the data came from (file name), kept in the import history. */
  source?: string;
  apiKeyId?: string;
  /** Receives every rejected record, e.g. to write a rejects file. */
  onReject?: (rejected: RejectedRecord) => void | Promise<void>;
  batchSize?: number;
  /** Text encoding of the bytes (default UTF-8). */
  encoding?: string;
  /** Longest record accepted (default 1 MiB, CXKPI_MAX_RECORD_BYTES). */
  maxRecordBytes?: number;
  /** XLSX: the worksheet to read (default the first). */
  sheet?: string;
  /** Day or month first in `01/02/2026` and `01-02-2026` (--date-format). */
  dateOrder?: DateOrder;
  /** A comma is the decimal separator (--decimal-comma). */
  decimalComma?: boolean;
  /**
   * A preset's rewriting of each source record before it is mapped (vendor values into cxkpi's),
   * with the problems that make the record invalid. See presets/.
   */
  prepare?: (
    values: Record<string, unknown>,
    ctx: ParseContext,
  ) => { values: Record<string, unknown>; errors?: FieldProblem[] };
  /** Source items that are not records (a report's footer line), skipped. */
  skip?: (item: SourceItem) => boolean;
  /**
   * Runs inside the import's transaction before each batch is written, with the rows and their
   * source records: a preset creates or matches the agents, teams and customers they name.
   */
  beforeWrite?: (session: Session, org: Organization, rows: PendingRow[]) => Promise<void>;
}

export interface RecordError {
  line: number;
  id?: string;
  field: string | null;
  reason: string;
}

export interface RejectedRecord {
  line: number;
  values: Record<string, unknown> | null;
  raw?: string;
  errors: RecordError[];
}

export interface ImportSummary {
  import_id: string;
  entity: string;
  status: 'succeeded' | 'rejected';
  dry_run: boolean;
  records: number;
  inserted: number;
  updated: number;
  unchanged: number;
  /** Records whose key appeared again later in the same batch; the later one was kept. */
  duplicates: number;
  rejected: number;
  /** The first problems (all of them up to MAX_REPORTED_ERRORS). */
  errors: RecordError[];
  errors_truncated: boolean;
  message: string;
  /** The format read, and for text how it was decoded ("windows-1251 (guessed)"). */
  format?: ImportFormat;
  encoding?: string;
  /**
   * Milliseconds of the import spent keeping the rollups current (marking the days of changed
   * rows and computing them again), all inside the import's transaction.
   */
  rollups_ms: number;
}

export const MAX_REPORTED_ERRORS = 1000;
const DEFAULT_BATCH = 2000;

/** Where records come from: the bytes of a file or request body, or objects built in code. */
export type ImportSource =
  | { bytes: AsyncIterable<Buffer | string> }
  | { objects: Iterable<Record<string, unknown>> | AsyncIterable<Record<string, unknown>> };

async function* objectItems(source: Extract<ImportSource, { objects: unknown }>): AsyncGenerator<SourceItem> {
  let line = 0;
  for await (const values of source.objects) yield { type: 'record', line: ++line, values };
}

export async function importRecords(
  db: Db,
  org: Organization,
  entityName: string,
  source: ImportSource,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const entity = getEntity(entityName);
  if (!entity) {
    throw badRequest('unknown-entity', `There is no entity "${entityName}"; use one of ${ENTITY_NAMES.join(', ')}.`);
  }
  const ctx: ParseContext = {
    timezone: org.timezone,
    ...(options.dateOrder ? { dateOrder: options.dateOrder } : {}),
    ...(options.decimalComma ? { decimalComma: true } : {}),
    serialDates: options.format === 'xlsx',
  };
  const shaper = new RecordShaper(entity, ctx, options);
  const runId = randomUUID();
  const state = new ImportState(entity, org, options);
  const onDetect = (detected: Detected) => {
    state.detected = detected;
    // Spreadsheets hold dates as serial day numbers.
    ctx.serialDates = detected.format === 'xlsx';
  };
  return db.session(async (session) => {
    // While the import runs its session holds a lock named after the run, so that a run left
    // `running` by a process that died can be told from one still going (failAbandonedImports).
    await holdRunLock(session, runId);
    try {
      await failAbandonedImports(session.kysely);
      await session.kysely
        .insertInto('import_run')
        .values({
          org_id: org.id,
          id: runId,
          entity: entity.name,
          source: options.source ?? null,
          format: options.format ?? 'auto',
          status: 'running',
          dry_run: options.dryRun ?? false,
          skip_invalid: options.skipInvalid ?? false,
          errors: '[]',
          api_key_id: options.apiKeyId ?? null,
        })
        .execute();
      try {
        const before = await estimateRows(session, entity);
        await sql`begin`.execute(session.kysely);
        try {
          await createStage(session, entity);
          await state.run(
            session,
            shaper,
            'bytes' in source
              ? readRecords(source.bytes, options.format, {
                  ...(options.encoding ? { encoding: options.encoding } : {}),
                  ...(options.maxRecordBytes ? { maxRecordBytes: options.maxRecordBytes } : {}),
                  ...(options.sheet !== undefined ? { sheet: options.sheet } : {}),
                  onDetect,
                })
              : objectItems(source),
          );
          // The rollups of what was written, in the same transaction: a committed row is counted.
          if (!state.mustRollBack() && !options.dryRun) {
            // Fresh statistics first: the rollups' lookups of a customer's other tickets must use
            // their index, not walk a table the planner still thinks is small.
            await analyzeIfGrown(session, entity, before, state.inserted);
            // The staging's plan settings (createStage) are for the row writes, not for the rollups.
            await sql`set local enable_hashjoin = on; set local enable_mergejoin = on`.execute(session.kysely);
            await state.timed(() => refreshImportRollups(session.kysely, org, entity.name));
          }
        } catch (error) {
          // Whatever failed, the transaction ends here, so the run's record and its lock can be
          // written and the session goes back clean.
          await sql`rollback`.execute(session.kysely).catch(() => {});
          throw error;
        }
        await sql.raw(state.mustRollBack() ? 'rollback' : 'commit').execute(session.kysely);
      } catch (error) {
        const appError = toAppError(error);
        await finishRun(session.kysely, org.id, runId, {
          status: appError.status < 500 ? 'rejected' : 'failed',
          message: appError.message,
          errors: appError.details,
          state,
        });
        throw appError;
      }
      const summary = state.summary(runId);
      await finishRun(session.kysely, org.id, runId, {
        status: summary.status,
        message: summary.message,
        errors: summary.errors,
        state,
      });
      return summary;
    } finally {
      await releaseRunLock(session, runId);
    }
  });
}

/**
 * Records the outcome. Should that fail (the connection broke, say), a plainer update still
 * takes the run out of `running`.
 */
async function finishRun(
  db: Kysely<Database>,
  orgId: string,
  runId: string,
  outcome: { status: 'succeeded' | 'rejected' | 'failed'; message: string; errors: unknown; state: ImportState },
) {
  const committed = outcome.status === 'succeeded' && !outcome.state.dryRun;
  const errors = Array.isArray(outcome.errors) ? outcome.errors : outcome.errors ? [outcome.errors] : [];
  try {
    await db
      .updateTable('import_run')
      .set({
        status: outcome.status,
        // PostgreSQL text holds no NUL, not even in JSON; a reason may quote one.
        message: outcome.message.replaceAll('\u0000', '\u2400'),
        errors: JSON.stringify(errors).replaceAll('\\u0000', '\\u2400'),
        rows_read: outcome.state.records,
        inserted: committed ? outcome.state.inserted : 0,
        updated: committed ? outcome.state.updated : 0,
        unchanged: outcome.state.unchanged,
        rejected: outcome.state.rejected,
        duplicates: outcome.state.duplicates,
        finished_at: new Date(),
      })
      .where('org_id', '=', orgId)
      .where('id', '=', runId)
      .execute();
  } catch {
    await db
      .updateTable('import_run')
      .set({
        status: 'failed',
        message: 'The import failed and its outcome could not be recorded.',
        finished_at: new Date(),
      })
      .where('org_id', '=', orgId)
      .where('id', '=', runId)
      .execute();
  }
}

export interface PendingRow {
  line: number;
  row: Record<string, unknown>;
  values: Record<string, unknown>;
}

class ImportState {
  records = 0;
  inserted = 0;
  updated = 0;
  unchanged = 0;
  duplicates = 0;
  rejected = 0;
  readonly errors: RecordError[] = [];
  readonly dryRun: boolean;
  detected: Detected | undefined;
  private readonly skipInvalid: boolean;
  private agentTeams: Map<string, string | null> | undefined;
  private readonly batchSize: number;
  private rollupsMs = 0;

  constructor(
    private readonly entity: EntityDef,
    private readonly org: Organization,
    private readonly options: ImportOptions,
  ) {
    this.dryRun = options.dryRun ?? false;
    this.skipInvalid = options.skipInvalid ?? false;
    this.batchSize = options.batchSize ?? DEFAULT_BATCH;
  }

  /** Once a record is rejected in an all-or-nothing import, nothing more is written. */
  private get writing(): boolean {
    return this.skipInvalid || this.rejected === 0;
  }

  /** Runs rollup maintenance, adding its time to the summary's rollups_ms. */
  async timed(work: () => Promise<void>): Promise<void> {
    const started = performance.now();
    try {
      await work();
    } finally {
      this.rollupsMs += performance.now() - started;
    }
  }

  mustRollBack(): boolean {
    return this.dryRun || (this.rejected > 0 && !this.skipInvalid);
  }

  async run(session: Session, shaper: RecordShaper, items: AsyncIterable<SourceItem>) {
    let batch: PendingRow[] = [];
    // The previous batch is written while the next one is read and validated.
    let writing: Promise<void> = Promise.resolve();
    for await (const item of items) {
      if (item.type === 'columns') {
        const problems = shaper.checkColumns(item.columns);
        if (problems.length) {
          throw badRequest(
            'invalid-columns',
            `Line ${item.line}: ${problems.map((p) => p.reason).join('; ')}`,
            problems.map((p) => ({ line: item.line, field: p.field, reason: p.reason })),
          );
        }
        continue;
      }
      if (this.options.skip?.(item)) continue;
      this.records++;
      if (item.type === 'broken') {
        await this.reject({
          line: item.line,
          values: null,
          ...(item.raw !== undefined ? { raw: item.raw } : {}),
          errors: [{ line: item.line, field: item.field ?? null, reason: item.reason }],
        });
        continue;
      }
      const prepared = this.options.prepare?.(item.values, shaper.ctx);
      if (prepared) item.values = prepared.values;
      const shaped = prepared?.errors?.length ? { errors: prepared.errors } : shaper.shape(item.values);
      if (!shaped.row) {
        const id = idOf(item.values, shaper);
        await this.reject({
          line: item.line,
          values: item.values,
          errors: shaped.errors.map((e) => ({
            line: item.line,
            ...(id ? { id } : {}),
            field: e.field,
            reason: e.reason,
          })),
        });
        continue;
      }
      batch.push({ line: item.line, row: shaped.row, values: item.values });
      if (batch.length >= this.batchSize) {
        await writing;
        writing = this.flush(session, batch);
        // Handled when awaited above or after the loop; this only keeps Node from calling it unhandled.
        writing.catch(() => {});
        batch = [];
      }
    }
    await writing;
    await this.flush(session, batch);
  }

  private async reject(record: RejectedRecord) {
    this.rejected++;
    for (const error of record.errors) {
      if (this.errors.length < MAX_REPORTED_ERRORS) this.errors.push(error);
    }
    await this.options.onReject?.(record);
  }

  private async flush(session: Session, batch: PendingRow[]) {
    if (!batch.length) return;
    const unique = this.dedupe(batch);
    const priced = await this.convertMoney(session.kysely, unique);
    if (!this.writing || !priced.length) return;
    this.agentTeams ??= this.entity.fields.some((f) => f.name === 'agent_id')
      ? await loadAgentTeams(session, this.org.id)
      : new Map();
    await this.options.beforeWrite?.(session, this.org, priced);
    // Rollups (src/metrics/rollups) learn the days of the rows that change, before and after the
    // write; a re-imported unchanged row touches none.
    const counts = await upsertRows(
      session,
      this.entity,
      this.org.id,
      priced.map((p) => p.row),
      this.agentTeams,
      (ids) => this.timed(() => markRollupRows(session.kysely, this.org, this.entity.name, ids)),
    );
    this.inserted += counts.inserted;
    this.updated += counts.updated;
    this.unchanged += priced.length - counts.inserted - counts.updated;
  }

  /** One statement cannot touch the same row twice: the last record with a key wins. */
  private dedupe(batch: PendingRow[]): PendingRow[] {
    const key = this.entity.key;
    const seen = new Map<string, number>();
    batch.forEach((pending, index) => seen.set(key.map((k) => pending.row[k]).join('\u0000'), index));
    if (seen.size === batch.length) return batch;
    this.duplicates += batch.length - seen.size;
    const keep = new Set(seen.values());
    return batch.filter((_, index) => keep.has(index));
  }

  /** Fills the currency and the exchange rate of money entities; rejects records without a rate. */
  private async convertMoney(trx: Kysely<Database>, batch: PendingRow[]): Promise<PendingRow[]> {
    const money = this.entity.money;
    if (!money) return batch;
    const foreign: Array<{ pending: PendingRow; currency: string; date: string }> = [];
    const today = localDate(this.org.timezone, Date.now());
    for (const pending of batch) {
      const row = pending.row;
      row.currency ??= this.org.currency;
      if (row.currency === this.org.currency) {
        row[money.reporting] = row[money.amount];
        continue;
      }
      const at = row[money.dateField];
      const date =
        typeof at === 'string' ? (at.length === 10 ? at : localDate(this.org.timezone, Date.parse(at))) : today;
      foreign.push({ pending, currency: row.currency as string, date });
    }
    if (!foreign.length) return batch;
    const rates = await lookupRates(trx, this.org.id, foreign);
    const missing = new Set<PendingRow>();
    for (const [i, entry] of foreign.entries()) {
      const rate = rates[i];
      if (rate) {
        const amount = entry.pending.row[money.amount] as string | undefined;
        entry.pending.row[money.reporting] = amount === undefined ? null : multiplyDecimals(amount, rate);
        continue;
      }
      missing.add(entry.pending);
      const id = entry.pending.row.id as string | undefined;
      await this.reject({
        line: entry.pending.line,
        values: entry.pending.values,
        errors: [
          {
            line: entry.pending.line,
            ...(id ? { id } : {}),
            field: 'currency',
            reason: `no ${entry.currency} to ${this.org.currency} rate on ${entry.date} or in the 31 days before; import fx_rates first`,
          },
        ],
      });
    }
    return missing.size ? batch.filter((pending) => !missing.has(pending)) : batch;
  }

  summary(importId: string): ImportSummary {
    const stored = !this.mustRollBack();
    const status = this.rejected > 0 && !this.skipInvalid ? 'rejected' : 'succeeded';
    const summary: ImportSummary = {
      import_id: importId,
      entity: this.entity.name,
      status,
      dry_run: this.dryRun,
      records: this.records,
      inserted: stored || this.dryRun ? this.inserted : 0,
      updated: stored || this.dryRun ? this.updated : 0,
      unchanged: this.unchanged,
      duplicates: this.duplicates,
      rejected: this.rejected,
      errors: this.errors,
      errors_truncated: this.rejected > 0 && this.errors.length >= MAX_REPORTED_ERRORS,
      message: '',
      ...(this.detected ? { format: this.detected.format } : {}),
      ...(this.detected?.encoding ? { encoding: describeEncoding(this.detected) } : {}),
      rollups_ms: Math.round(this.rollupsMs),
    };
    summary.message = describeSummary(summary);
    return summary;
  }
}

function idOf(values: Record<string, unknown>, shaper: RecordShaper): string | undefined {
  for (const key in values) {
    const target = shaper.target(key);
    if ('kind' in target && target.kind === 'field' && target.name === 'id') {
      const id = values[key];
      return typeof id === 'string' || typeof id === 'number' ? String(id).trim() || undefined : undefined;
    }
  }
  return undefined;
}

function describeEncoding(detected: Detected): string {
  if (detected.encodingReason === 'guessed') return `${detected.encoding} (guessed: the file is not valid UTF-8)`;
  return detected.encoding!;
}

export function describeSummary(s: ImportSummary): string {
  // A guessed encoding is said, so that a wrong guess is seen and overridden.
  const read = s.encoding?.includes('(guessed') ? ` Read as ${s.encoding}; --encoding overrides.` : '';
  const counts = `${s.records} records: ${s.inserted} inserted, ${s.updated} updated, ${s.unchanged} unchanged, ${s.rejected} rejected`;
  const dupes = s.duplicates ? ` (${s.duplicates} repeated ids: the last record of each was kept)` : '';
  if (s.status === 'rejected') {
    return `Nothing was stored: ${s.rejected} of ${s.records} records are invalid. Fix them, or import the valid ones with --skip-invalid.${read}`;
  }
  if (s.dry_run) return `Dry run, nothing was stored. ${counts}${dupes}.${read}`;
  return `Imported ${s.entity}. ${counts}${dupes}.${read}`;
}
