import { sql, type Kysely } from 'kysely';

// Frozen once released. Rollups: per organization, metric and local day (and month, summed from
// the days) the additive components of a catalog metric by the dashboard's dimensions, and per
// organization and entity the state that says whether they may answer (src/metrics/rollups).

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- No foreign key to organization: rows are written by the thousand inside imports, and the
    -- check per row cost as much as computing them (organizations are never deleted; their data
    -- is, and deleteOrganizationData deletes these rows with it).
    create table metric_rollup (
      org_id uuid not null,
      metric text collate "C" not null,
      grain text not null check (grain in ('day', 'month')),
      period date not null,
      -- Which dimensions the row is grouped by (a bit per dimension: team 1, agent 2, d1 4, d2 8,
      -- d3 16); the columns of the others are null and mean "all".
      level smallint not null,
      team_id text collate "C",
      agent_id text collate "C",
      d1 text collate "C",
      d2 text collate "C",
      d3 text collate "C",
      n bigint not null,
      k bigint,
      s double precision,
      ss double precision,
      promoters bigint,
      detractors bigint,
      -- Durations: each distinct value and how many rows had it (src/metrics/rollups/histogram.ts).
      buckets double precision[],
      counts integer[]
    );
    create index metric_rollup_lookup on metric_rollup (org_id, metric, grain, level, period);
    create table rollup_state (
      org_id uuid not null references organization (id) on delete cascade,
      entity text not null,
      timezone text not null,
      version integer not null,
      status text not null check (status in ('ready', 'stale')),
      built_at timestamptz not null default now(),
      primary key (org_id, entity)
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table metric_rollup, rollup_state`.execute(db);
}
