import { sql, type Kysely } from 'kysely';

// Frozen once released. An agent's tickets by time: a scorecard's channel mix, an agent's rows
// behind a value and any per-agent question the rollups do not keep (agent by channel) read the
// agent's own tickets instead of the whole organization's for the period.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index ticket_agent on ticket (org_id, agent_id, created_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index ticket_agent`.execute(db);
}
