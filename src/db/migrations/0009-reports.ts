import { sql, type Kysely } from 'kysely';

// Frozen once released. Report definitions (KPIs, scope, schedule, recipients) and the archive of
// generated reports: one copy per report, period and audience (the report's own scope, or a
// user's part of it), with its files and whether it was mailed.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table report_definition (
      org_id uuid not null references organization (id) on delete cascade,
      id uuid not null default gen_random_uuid(),
      name text not null,
      schedule text not null check (schedule in ('monthly', 'quarterly')),
      day smallint not null default 1 check (day between 1 and 28),
      send_time text not null default '08:00' check (send_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
      metrics jsonb not null,
      scope jsonb not null default '{}',
      language text check (language in ('en', 'ru', 'lt')),
      attach jsonb not null default '["pdf", "xlsx"]',
      recipients jsonb not null default '[]',
      enabled boolean not null default true,
      created_by text not null,
      created_at timestamptz not null default now(),
      primary key (org_id, id),
      unique (org_id, name)
    );
    create table report_issue (
      org_id uuid not null references organization (id) on delete cascade,
      id uuid not null default gen_random_uuid(),
      report_id uuid not null,
      period text collate "C" not null,
      audience text collate "C" not null,
      language text not null,
      addresses jsonb not null default '[]',
      delivered jsonb not null default '[]',
      content jsonb not null,
      pdf bytea not null,
      xlsx bytea not null,
      html text not null,
      mail_state text not null check (mail_state in ('queued', 'sent', 'not_mailed', 'failed', 'no_recipients')),
      mail_error text,
      generated_at timestamptz not null default now(),
      mailed_at timestamptz,
      primary key (org_id, id),
      unique (org_id, report_id, period, audience),
      foreign key (org_id, report_id) references report_definition (org_id, id) on delete cascade
    );
    create index report_issue_recent on report_issue (org_id, generated_at desc);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table report_issue, report_definition`.execute(db);
}
