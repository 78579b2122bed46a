import { sql, type Kysely } from 'kysely';

// Frozen once released. A month row of a duration whose values are too many to keep one by one
// keeps them in logarithmic buckets instead; relative_error says how far a percentile read from
// it may be from the exact one (null: exact). See src/metrics/rollups/histogram.ts.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table metric_rollup add column relative_error real`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table metric_rollup drop column relative_error`.execute(db);
}
