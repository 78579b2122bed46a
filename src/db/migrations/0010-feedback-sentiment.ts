import { sql, type Kysely } from 'kysely';

// Frozen once released. The sentiment read from survey comments and review texts (the class of
// five, the score in [-1, 1], the language read and the model version that read it; null where
// there is no text), and the organization's editable feedback themes.

export async function up(db: Kysely<any>): Promise<void> {
  for (const table of ['survey_response', 'review']) {
    await sql`
      alter table ${sql.table(table)}
        add column sentiment_class text check (sentiment_class in
          ('very_negative', 'negative', 'neutral', 'positive', 'very_positive')),
        add column sentiment_score numeric check (sentiment_score between -1 and 1),
        add column sentiment_language text check (sentiment_language in ('en', 'ru', 'lt')),
        add column sentiment_model text`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['survey_response', 'review']) {
    await sql`
      alter table ${sql.table(table)} drop column sentiment_class, drop column sentiment_score,
        drop column sentiment_language, drop column sentiment_model`.execute(db);
  }
}
