import { sql, type Kysely } from 'kysely';

// Frozen once released. The sentiment read from survey comments and review texts (the class of
// five, the score in [-1, 1], the language read and the model version that read it; null where
// there is no text), the themes a text mentions with each one's tone ({"speed": "negative"}) and
// the version of the theme list that tagged them and when (a row updated since is tagged again), and the organization's editable themes.

export async function up(db: Kysely<any>): Promise<void> {
  for (const table of ['survey_response', 'review']) {
    await sql`
      alter table ${sql.table(table)}
        add column sentiment_class text check (sentiment_class in
          ('very_negative', 'negative', 'neutral', 'positive', 'very_positive')),
        add column sentiment_score numeric check (sentiment_score between -1 and 1),
        add column sentiment_language text check (sentiment_language in ('en', 'ru', 'lt')),
        add column sentiment_model text,
        add column themes jsonb,
        add column themes_version text,
        add column themes_at timestamptz`.execute(db);
  }
  // An organization's themes replace the default ten as a whole list; none means the defaults.
  await sql`
    create table feedback_theme (
      org_id uuid not null references organization (id) on delete cascade,
      id text collate "C" not null check (id ~ '^[a-z0-9_]{1,64}$'),
      position int not null,
      names jsonb not null,
      keywords jsonb not null,
      updated_at timestamptz not null default now(),
      primary key (org_id, id)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table feedback_theme`.execute(db);
  for (const table of ['survey_response', 'review']) {
    await sql`
      alter table ${sql.table(table)} drop column sentiment_class, drop column sentiment_score,
        drop column sentiment_language, drop column sentiment_model, drop column themes,
        drop column themes_version, drop column themes_at`.execute(db);
  }
}
