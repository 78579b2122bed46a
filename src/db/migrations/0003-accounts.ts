import { sql, type Kysely } from 'kysely';

// Frozen once released. People and access: users (global, one login for several organizations),
// their role in each organization, sessions, invitations and the audit log. Organization-owned
// tables are keyed by org_id first; users and sessions are looked up by e-mail and token, so they
// stay plain tables (reference tables under Citus).

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table app_user (
      id uuid primary key default gen_random_uuid(),
      email text not null,
      name text not null default '',
      password_hash text not null,
      failed_logins integer not null default 0,
      locked_until timestamptz,
      password_changed_at timestamptz not null default now(),
      last_login_at timestamptz,
      created_at timestamptz not null default now()
    );
    create unique index app_user_email on app_user (lower(email));

    create table membership (
      org_id uuid not null references organization (id) on delete cascade,
      user_id uuid not null references app_user (id) on delete cascade,
      role text not null check (role in ('owner', 'admin', 'manager', 'team_lead', 'agent', 'viewer')),
      teams text[] not null default '{}',
      agent_id text collate "C",
      created_at timestamptz not null default now(),
      primary key (org_id, user_id)
    );
    create index membership_user on membership (user_id);

    create table user_session (
      id text primary key,
      user_id uuid not null references app_user (id) on delete cascade,
      org_id uuid not null references organization (id) on delete cascade,
      csrf_token text not null,
      created_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now(),
      expires_at timestamptz not null,
      ip text,
      user_agent text
    );
    create index user_session_user on user_session (user_id);

    create table invitation (
      org_id uuid not null references organization (id) on delete cascade,
      id uuid not null default gen_random_uuid(),
      email text not null,
      role text not null check (role in ('owner', 'admin', 'manager', 'team_lead', 'agent', 'viewer')),
      teams text[] not null default '{}',
      agent_id text collate "C",
      token_hash text not null unique,
      created_by uuid references app_user (id) on delete set null,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      accepted_at timestamptz,
      primary key (org_id, id)
    );

    create table audit_log (
      org_id uuid not null references organization (id) on delete cascade,
      id bigint generated always as identity,
      at timestamptz not null default now(),
      actor_type text not null check (actor_type in ('user', 'api_key', 'operator')),
      actor_id text,
      actor text not null,
      action text not null,
      target text,
      details jsonb not null default '{}',
      ip text,
      primary key (org_id, id)
    );
    create index audit_log_at on audit_log (org_id, at desc);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table audit_log, invitation, user_session, membership, app_user`.execute(db);
}
