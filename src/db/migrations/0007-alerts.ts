import { sql, type Kysely } from 'kysely';

// Frozen once released. Alert rules (a metric query, a rule, where to tell) and the events they
// fire: at most one per rule, period and group, with the delivery state. Deliveries are jobs.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table alert_rule (
      org_id uuid not null references organization (id) on delete cascade,
      id uuid not null default gen_random_uuid(),
      name text not null,
      metric text collate "C" not null,
      rule text not null check (rule in ('threshold', 'target', 'anomaly')),
      above double precision,
      below double precision,
      significant_only boolean not null default false,
      scope jsonb not null default '{}',
      grain text not null check (grain in ('day', 'week', 'month')),
      options jsonb not null default '{}',
      notify jsonb not null default '[]',
      language text check (language in ('en', 'ru', 'lt')),
      secret text not null,
      enabled boolean not null default true,
      created_by text not null,
      created_at timestamptz not null default now(),
      primary key (org_id, id),
      unique (org_id, name)
    );
    create table alert_event (
      org_id uuid not null references organization (id) on delete cascade,
      id uuid not null default gen_random_uuid(),
      alert_id uuid not null,
      period date not null,
      group_key text collate "C" not null,
      "group" jsonb not null default '{}',
      value double precision,
      expected_low double precision,
      expected_high double precision,
      rule text not null,
      reason text not null,
      state text not null default 'fired' check (state in ('fired', 'delivered', 'failed', 'acknowledged')),
      error text,
      fired_at timestamptz not null default now(),
      delivered_at timestamptz,
      acknowledged_at timestamptz,
      acknowledged_by text,
      primary key (org_id, id),
      unique (org_id, alert_id, period, group_key),
      foreign key (org_id, alert_id) references alert_rule (org_id, id) on delete cascade
    );
    create index alert_event_recent on alert_event (org_id, fired_at desc);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table alert_event, alert_rule`.execute(db);
}
