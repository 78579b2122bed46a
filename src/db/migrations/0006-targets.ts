import { sql, type Kysely } from 'kysely';

// Frozen once released. KPI targets: a value for a metric in a scope (the organization, or one
// value of each named dimension) and grain, valid for a range of period starts. A new target for
// the same metric, scope and grain closes the one before it, so a past period is judged by the
// target that was in force then; rows are never rewritten otherwise.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table kpi_target (
      org_id uuid not null references organization (id) on delete cascade,
      id uuid not null default gen_random_uuid(),
      metric text collate "C" not null,
      value double precision not null,
      scope jsonb not null default '{}',
      scope_key text collate "C" not null,
      grain text not null check (grain in ('month', 'quarter', 'year')),
      valid_from date not null,
      valid_to date,
      options jsonb not null default '{}',
      created_by text not null,
      created_at timestamptz not null default now(),
      primary key (org_id, id),
      check (valid_to is null or valid_to > valid_from)
    );
    create index kpi_target_metric on kpi_target (org_id, metric, grain, scope_key, valid_from);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table kpi_target`.execute(db);
}
