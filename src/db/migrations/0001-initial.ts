import { sql, type Kysely } from 'kysely';

// Frozen: this migration must never change once released; later changes go into new files.
// Every table is keyed by org_id first so that the schema can be distributed by organization.
// The data tables carry org_id without a foreign key: the per-row check cost a fifth of import
// time, and only deleteOrganizationData (src/orgs) removes an organization's rows. Ids compare
// byte-wise (collate "C"): index maintenance with the database's locale cost a quarter of import time.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table organization (
      id uuid primary key default gen_random_uuid(),
      slug text not null unique,
      name text not null,
      timezone text not null default 'UTC',
      currency char(3) not null default 'EUR',
      language text not null default 'en' check (language in ('en', 'ru', 'lt')),
      settings jsonb not null default '{}',
      created_at timestamptz not null default now()
    );

    create table api_key (
      org_id uuid not null references organization (id) on delete cascade,
      id uuid not null default gen_random_uuid(),
      name text not null,
      prefix text not null,
      key_hash text not null unique,
      scope text not null check (scope in ('full', 'ingest', 'read')),
      user_id uuid,
      created_at timestamptz not null default now(),
      last_used_at timestamptz,
      revoked_at timestamptz,
      primary key (org_id, id)
    );

    create table import_run (
      org_id uuid not null references organization (id) on delete cascade,
      id uuid not null default gen_random_uuid(),
      entity text not null,
      source text,
      format text not null,
      status text not null check (status in ('running', 'succeeded', 'rejected', 'failed')),
      dry_run boolean not null default false,
      skip_invalid boolean not null default false,
      rows_read integer not null default 0,
      inserted integer not null default 0,
      updated integer not null default 0,
      unchanged integer not null default 0,
      rejected integer not null default 0,
      duplicates integer not null default 0,
      errors jsonb not null default '[]',
      message text,
      api_key_id uuid,
      started_at timestamptz not null default now(),
      finished_at timestamptz,
      primary key (org_id, id)
    );
    create index import_run_started on import_run (org_id, started_at desc);

    create table team (
      org_id uuid not null,
      id text collate "C" not null,
      name text not null,
      attributes jsonb not null default '{}',
      updated_at timestamptz not null default now(),
      primary key (org_id, id)
    );

    create table agent (
      org_id uuid not null,
      id text collate "C" not null,
      name text not null,
      email text,
      team_id text collate "C",
      active boolean not null default true,
      hired_at timestamptz,
      attributes jsonb not null default '{}',
      updated_at timestamptz not null default now(),
      primary key (org_id, id)
    );
    create index agent_team on agent (org_id, team_id);

    create table customer (
      org_id uuid not null,
      id text collate "C" not null,
      name text,
      email text,
      segment text,
      plan text,
      country text,
      language text,
      signed_up_at timestamptz,
      acquisition_channel text,
      acquisition_cost numeric,
      currency char(3),
      acquisition_cost_reporting numeric,
      attributes jsonb not null default '{}',
      updated_at timestamptz not null default now(),
      primary key (org_id, id)
    );
    create index customer_signed_up on customer (org_id, signed_up_at);

    create table subscription (
      org_id uuid not null,
      id text collate "C" not null,
      customer_id text collate "C" not null,
      plan text,
      mrr numeric not null,
      currency char(3) not null,
      mrr_reporting numeric not null,
      started_at timestamptz not null,
      ended_at timestamptz,
      cancel_reason text,
      attributes jsonb not null default '{}',
      updated_at timestamptz not null default now(),
      primary key (org_id, id)
    );
    create index subscription_customer on subscription (org_id, customer_id, started_at);
    create index subscription_started on subscription (org_id, started_at);
    create index subscription_ended on subscription (org_id, ended_at);

    create table customer_order (
      org_id uuid not null,
      id text collate "C" not null,
      customer_id text collate "C" not null,
      amount numeric not null,
      currency char(3) not null,
      amount_reporting numeric not null,
      ordered_at timestamptz not null,
      status text not null default 'completed',
      channel text,
      attributes jsonb not null default '{}',
      updated_at timestamptz not null default now(),
      primary key (org_id, id)
    );
    create index customer_order_ordered on customer_order (org_id, ordered_at);
    create index customer_order_customer on customer_order (org_id, customer_id, ordered_at);

    create table ticket (
      org_id uuid not null,
      id text collate "C" not null,
      customer_id text collate "C",
      agent_id text collate "C",
      team_id text collate "C",
      channel text,
      priority text,
      status text,
      subject text,
      tags text[] not null default '{}',
      created_at timestamptz not null,
      first_response_at timestamptz,
      first_resolved_at timestamptz,
      resolved_at timestamptz,
      closed_at timestamptz,
      reopen_count integer not null default 0,
      agent_replies integer,
      customer_replies integer,
      handle_time_seconds integer,
      first_response_by_bot boolean not null default false,
      attributes jsonb not null default '{}',
      updated_at timestamptz not null default now(),
      primary key (org_id, id)
    );
    create index ticket_created on ticket (org_id, created_at);
    create index ticket_resolved on ticket (org_id, resolved_at);
    create index ticket_first_response on ticket (org_id, first_response_at);
    create index ticket_customer on ticket (org_id, customer_id, created_at);

    create table survey_response (
      org_id uuid not null,
      id text collate "C" not null,
      kind text not null,
      score smallint not null,
      submitted_at timestamptz not null,
      survey text,
      comment text,
      language text,
      customer_id text collate "C",
      ticket_id text collate "C",
      agent_id text collate "C",
      team_id text collate "C",
      channel text,
      ratings jsonb not null default '{}',
      attributes jsonb not null default '{}',
      updated_at timestamptz not null default now(),
      primary key (org_id, id)
    );
    create index survey_response_submitted on survey_response (org_id, kind, submitted_at);
    create index survey_response_ticket on survey_response (org_id, ticket_id);
    create index survey_response_customer on survey_response (org_id, customer_id, submitted_at);

    create table review (
      org_id uuid not null,
      id text collate "C" not null,
      source text not null,
      published_at timestamptz not null,
      rating numeric,
      rating_max numeric not null default 5,
      title text,
      text text,
      language text,
      author text,
      customer_id text collate "C",
      url text,
      attributes jsonb not null default '{}',
      updated_at timestamptz not null default now(),
      primary key (org_id, id)
    );
    create index review_published on review (org_id, published_at);

    create table cost (
      org_id uuid not null,
      id text collate "C" not null,
      category text not null,
      amount numeric not null,
      currency char(3) not null,
      amount_reporting numeric not null,
      period_start date not null,
      period_end date not null,
      team_id text collate "C",
      description text,
      updated_at timestamptz not null default now(),
      primary key (org_id, id)
    );
    create index cost_period on cost (org_id, period_start);

    create table fx_rate (
      org_id uuid not null,
      currency char(3) not null,
      date date not null,
      rate numeric not null,
      updated_at timestamptz not null default now(),
      primary key (org_id, currency, date)
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table fx_rate, cost, review, survey_response, ticket, customer_order, subscription,
      customer, agent, team, import_run, api_key, organization;
  `.execute(db);
}
