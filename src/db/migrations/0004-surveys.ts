import { sql, type Kysely } from 'kysely';

// Frozen once released. Surveys cxkpi sends itself: definitions, one invitation per recipient
// (the attribution stays here; links carry only a signed random id), unsubscribes, and each
// organization's key for signing links. Answers land in survey_response like imported ones.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table survey (
      org_id uuid not null references organization (id) on delete cascade,
      id text collate "C" not null,
      name text not null,
      kind text not null check (kind in ('nps', 'csat', 'ces', 'enps', 'rating')),
      question jsonb not null,
      follow_up jsonb,
      attributes text[] not null default '{}',
      status text not null default 'active' check (status in ('active', 'closed')),
      closes_at timestamptz,
      trigger jsonb not null default '{}',
      fatigue_days integer not null default 30 check (fatigue_days >= 0),
      reminder_hours integer check (reminder_hours > 0),
      link_days integer not null default 30 check (link_days > 0),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (org_id, id)
    );

    create table survey_invitation (
      org_id uuid not null references organization (id) on delete cascade,
      id uuid not null default gen_random_uuid(),
      survey_id text collate "C" not null,
      customer_id text collate "C",
      ticket_id text collate "C",
      agent_id text collate "C",
      team_id text collate "C",
      channel text,
      email text,
      language text not null,
      source text not null check (source in ('ticket_solved', 'batch', 'recurring', 'widget')),
      send_after timestamptz not null default now(),
      sent_at timestamptz,
      delivery_error text,
      reminded_at timestamptz,
      responded_at timestamptz,
      expires_at timestamptz not null,
      created_at timestamptz not null default now(),
      primary key (org_id, id),
      foreign key (org_id, survey_id) references survey (org_id, id) on delete cascade
    );
    create index survey_invitation_due on survey_invitation (org_id, send_after) where sent_at is null;
    create index survey_invitation_customer on survey_invitation (org_id, customer_id, created_at);
    create unique index survey_invitation_ticket on survey_invitation (org_id, survey_id, ticket_id)
      where ticket_id is not null;
    create index survey_invitation_sent on survey_invitation (org_id, survey_id, sent_at);

    create table survey_unsubscribe (
      org_id uuid not null references organization (id) on delete cascade,
      email text not null,
      customer_id text collate "C",
      at timestamptz not null default now(),
      primary key (org_id, email)
    );

    create table signing_key (
      org_id uuid primary key references organization (id) on delete cascade,
      secret bytea not null,
      created_at timestamptz not null default now()
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table signing_key, survey_unsubscribe, survey_invitation, survey`.execute(db);
}
