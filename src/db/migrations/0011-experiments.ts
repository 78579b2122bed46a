import { sql, type Kysely } from 'kysely';

// Frozen once released. Experiments on service changes: a named comparison of a control and a
// treatment arm (values of one dimension, or a date split for before/after) over a date range,
// with the outcome metrics, their query options and the minimum detectable effect of the first.
// Organizations' own industry reference values (benchmarks) beside the shipped set.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table experiment (
      org_id uuid not null references organization (id) on delete cascade,
      id uuid not null default gen_random_uuid(),
      name text not null,
      hypothesis text not null default '',
      metrics jsonb not null,
      options jsonb not null default '{}',
      variant_dimension text not null,
      control_value text,
      treatment_value text,
      split_date date,
      where_filter jsonb not null default '{}',
      date_from date not null,
      date_to date not null,
      treatment_share double precision not null default 0.5 check (treatment_share > 0 and treatment_share < 1),
      min_detectable_effect double precision,
      created_by text not null,
      created_at timestamptz not null default now(),
      primary key (org_id, id),
      check (date_to > date_from),
      check ((split_date is null) = (variant_dimension <> 'date'))
    );
    create unique index experiment_name on experiment (org_id, name);
    create table benchmark (
      org_id uuid not null references organization (id) on delete cascade,
      id uuid not null default gen_random_uuid(),
      metric text collate "C" not null,
      segment text not null default '',
      low double precision,
      high double precision,
      source text not null,
      created_by text not null,
      created_at timestamptz not null default now(),
      primary key (org_id, id),
      check (low is not null or high is not null),
      check (low is null or high is null or low <= high)
    );
    create unique index benchmark_metric on benchmark (org_id, metric, segment);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table benchmark; drop table experiment`.execute(db);
}
