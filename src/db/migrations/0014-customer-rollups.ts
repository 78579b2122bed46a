import { sql, type Kysely } from 'kysely';

// Frozen once released. Customer rollups (src/metrics/rollups/customers.ts): per customer and
// calendar period (month, quarter, year in the organization's time zone) its state at the
// period's start and end and its subscription revenue, and per period the sums of those states overall and by one customer
// field; rollup_state says which activity basis they were built on and up to which period. A
// duration's rollup row also keeps its median and 90th percentile, read when each period and
// group of a query is that one row.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- No foreign keys, as metric_rollup: written in bulk inside imports.
    create table customer_state (
      org_id uuid not null,
      customer_id text collate "C" not null,
      grain text not null check (grain in ('month', 'quarter', 'year')),
      period date not null,
      active_start boolean not null,
      active_end boolean not null,
      -- The customer's first activity falls in the period: at or after its start (is_new), after it (joined).
      is_new boolean not null,
      joined boolean not null,
      mrr_start numeric not null,
      mrr_end numeric not null,
      -- Subscription revenue earned in the period (MRR x the share of each month active), and
      -- whether a subscription of the customer was active in it at all.
      revenue numeric not null,
      paying boolean not null,
      -- The customer's segment, plan, country, language and acquisition channel when it was computed:
      -- a later change takes the state out of the sums it was added to.
      d1 text collate "C",
      d2 text collate "C",
      d3 text collate "C",
      d4 text collate "C",
      d5 text collate "C",
      primary key (org_id, customer_id, grain, period)
    );
    create table customer_rollup (
      org_id uuid not null,
      grain text not null check (grain in ('month', 'quarter', 'year')),
      period date not null,
      -- 0: all customers; 1, 2, 4, 8, 16: by d1 .. d5 (the others are null and mean "all").
      level smallint not null,
      d1 text collate "C",
      d2 text collate "C",
      d3 text collate "C",
      d4 text collate "C",
      d5 text collate "C",
      customers bigint not null,
      n_start bigint not null,
      n_end bigint not null,
      churned bigint not null,
      new bigint not null,
      joined bigint not null,
      joined_churned bigint not null,
      n_mrr_start bigint not null,
      mrr_start numeric not null,
      mrr_end numeric not null,
      mrr_kept numeric not null,
      mrr_kept_capped numeric not null,
      paying bigint not null,
      revenue numeric not null,
      constraint customer_rollup_key unique nulls not distinct (org_id, grain, level, period, d1, d2, d3, d4, d5)
    );
    alter table rollup_state
      add column basis text,
      add column covered_to date;
    alter table metric_rollup
      add column p50 double precision,
      add column p90 double precision;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table customer_state, customer_rollup;
    alter table rollup_state drop column basis, drop column covered_to;
    alter table metric_rollup drop column p50, drop column p90;
  `.execute(db);
}
