import { sql } from 'kysely';
import type { Db } from '../../db/connect.ts';
import type { JobKinds } from '../../jobs/index.ts';
import { loadCompiledThemes } from '../themes/index.ts';
import { tagThemes } from '../themes/tag-themes.ts';
import { reviewText, sentimentColumns } from './columns.ts';
import { SENTIMENT_MODEL, threeClass, type SentimentClass } from './index.ts';

/**
 * `feedback.sentiment`: every ten minutes, for each organization with comments or reviews that
 * were read by another model version (or never, such as rows stored before migration 0010) or not
 * yet tagged with the organization's current themes (every import leaves new rows untagged;
 * saving themes queues this job at once), the sentiment is read and the themes tagged again in
 * batches, so that a new model or theme list reaches old rows without an import.
 */
const EVERY_MS = 10 * 60_000;
const BATCH = 1000;
/** Per run; the next slot's job carries on. */
const MAX_ROWS = 50_000;

const TABLES = {
  survey_response: { read: sql`null::text as title, comment as body`, pending: sql`comment is not null` },
  review: { read: sql`title, text as body`, pending: sql`(title is not null or text is not null)` },
} as const;

// The runner asks for the organizations every few seconds; the tables are scanned once per slot
// of this process and database (a job enqueued again for the same slot is a no-op anyway).
const checkedSlot = new WeakMap<Db, number>();

async function pendingOrgs(db: Db, now: Date): Promise<string[]> {
  const slot = Math.floor(now.getTime() / EVERY_MS);
  if (checkedSlot.get(db) === slot) return [];
  checkedSlot.set(db, slot);
  const result = await sql<{ org_id: string }>`
    select org_id from survey_response where comment is not null
      and (sentiment_model is distinct from ${SENTIMENT_MODEL} or themes_version is null or themes_at < updated_at)
    union
    select org_id from review where (title is not null or text is not null)
      and (sentiment_model is distinct from ${SENTIMENT_MODEL} or themes_version is null or themes_at < updated_at)`.execute(
    db.kysely,
  );
  return result.rows.map((r) => r.org_id);
}

/** Re-reads one organization's stale rows; returns how many were updated. */
export async function refreshSentiment(db: Db, orgId: string, maxRows = MAX_ROWS): Promise<{ refreshed: number }> {
  let refreshed = 0;
  const themes = await loadCompiledThemes(db, orgId);
  for (const [table, spec] of Object.entries(TABLES)) {
    while (refreshed < maxRows) {
      const rows = await sql<{ id: string; title: string | null; body: string | null; language: string | null }>`
        select id, ${spec.read}, language from ${sql.table(table)}
        where org_id = ${orgId}::uuid and ${spec.pending}
          and (sentiment_model is distinct from ${SENTIMENT_MODEL} or themes_version is distinct from ${themes.version}
            or themes_at < updated_at)
        order by id limit ${BATCH}`.execute(db.kysely);
      if (!rows.rows.length) break;
      const values = [];
      for (const [k, r] of rows.rows.entries()) {
        // Reading is CPU work: let the server answer requests between slices of a batch.
        if (k % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
        const text = reviewText(r.title, r.body);
        const read = sentimentColumns(text, r.language);
        const tagged =
          text && read.sentiment_language
            ? tagThemes(
                themes,
                text,
                read.sentiment_language,
                read.sentiment_class ? threeClass(read.sentiment_class as SentimentClass) : null,
              )
            : {};
        values.push({ id: r.id, ...read, themes: tagged });
      }
      // Rows whose text is blank get a null class but still this model's version, so they are not read again.
      await sql`
        update ${sql.table(table)} t set sentiment_class = v.sentiment_class, sentiment_score = v.sentiment_score,
          sentiment_language = v.sentiment_language, sentiment_model = ${SENTIMENT_MODEL},
          themes = v.themes, themes_version = ${themes.version}, themes_at = now()
        from json_to_recordset(${JSON.stringify(values)}::json)
          as v(id text, sentiment_class text, sentiment_score numeric, sentiment_language text, themes jsonb)
        where t.org_id = ${orgId}::uuid and t.id = v.id`.execute(db.kysely);
      refreshed += rows.rows.length;
      if (rows.rows.length < BATCH) break;
    }
  }
  return { refreshed };
}

export const sentimentJobKinds: JobKinds = {
  'feedback.sentiment': {
    maxAttempts: 3,
    every: { ms: EVERY_MS, orgs: (db, now) => pendingOrgs(db, now) },
    run: (ctx, job) => refreshSentiment(ctx.db, job.org_id),
  },
};
