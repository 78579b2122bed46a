import { sql, type Kysely } from 'kysely';

// Frozen once released. Custom KPIs an organization defines from the formula language; the
// formula is stored as the text the user wrote and compiled again on every query.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table custom_metric (
      org_id uuid not null references organization (id) on delete cascade,
      id text collate "C" not null,
      names jsonb not null,
      description text not null default '',
      unit text not null check (unit in ('ratio', 'nps', 'score', 'seconds', 'count', 'money', 'number')),
      direction text not null check (direction in ('higher_is_better', 'lower_is_better', 'neutral')),
      formula text not null,
      min_sample integer not null default 30 check (min_sample >= 0),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (org_id, id)
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table custom_metric`.execute(db);
}
