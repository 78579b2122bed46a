import { sql, type Kysely } from 'kysely';

// Frozen once released. Customer-state rollups (src/metrics/rollups/customers.ts): per
// organization, customer and local month the customer's state at the month's start instant, and
// per customer the start of their first activity. No foreign key to organization, like
// metric_rollup (deleteOrganizationData deletes these rows).

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table customer_month_state (
      org_id uuid not null,
      customer_id text collate "C" not null,
      -- The local month: a row exists when an activity span touches [month start, next month start].
      month date not null,
      -- Active at the month's start instant, and the MRR of the spans active then.
      active boolean not null,
      mrr double precision not null,
      primary key (org_id, customer_id, month)
    );
    create index customer_month_state_month on customer_month_state (org_id, month);
    create table customer_rollup_first (
      org_id uuid not null,
      customer_id text collate "C" not null,
      first_start timestamptz not null,
      primary key (org_id, customer_id)
    );
    -- What the month rows were built for: the activity basis resolved for the organization and
    -- the last month kept (open subscriptions are active up to it).
    create table customer_rollup_extent (
      org_id uuid not null primary key,
      basis text not null,
      horizon date not null
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table customer_month_state, customer_rollup_first, customer_rollup_extent`.execute(db);
}
