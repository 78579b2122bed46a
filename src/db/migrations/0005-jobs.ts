import { sql, type Kysely } from 'kysely';

// Frozen once released. One table for all work that runs later (survey sweeps and e-mails today,
// alerts and reports next). A job is claimed by one runner with FOR UPDATE SKIP LOCKED, retried
// with backoff, and ends done or dead. (org_id, kind, key) makes enqueueing idempotent: a
// recurring job's key is its time slot, a one-off's key names what it is for.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table job (
      org_id uuid not null references organization (id) on delete cascade,
      id uuid not null default gen_random_uuid(),
      kind text collate "C" not null,
      key text collate "C" not null,
      payload jsonb not null default '{}',
      state text not null default 'pending' check (state in ('pending', 'running', 'done', 'dead')),
      run_at timestamptz not null default now(),
      attempts integer not null default 0,
      max_attempts integer not null default 5 check (max_attempts > 0),
      last_error text,
      locked_by text,
      locked_until timestamptz,
      result jsonb,
      created_at timestamptz not null default now(),
      started_at timestamptz,
      finished_at timestamptz,
      primary key (org_id, id)
    );
    create unique index job_key on job (org_id, kind, key);
    create index job_due on job (run_at) where state in ('pending', 'running');
    create index job_history on job (org_id, created_at desc);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table job`.execute(db);
}
