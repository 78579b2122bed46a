import { sql, type Kysely } from 'kysely';
import type { DataScope } from '../auth/index.ts';
import type { Database } from '../db/schema.ts';

/**
 * The teams and agents a caller may see, for the dashboard's pickers and pages, and the span of
 * the organization's data, so that screens open on a period that has data. A team lead sees their
 * teams and their agents, an agent their team and themself, a viewer the teams and no single agents.
 */
export interface Directory {
  teams: Array<{ id: string; name: string }>;
  agents: Array<{ id: string; name: string; team_id: string | null; active: boolean }>;
  /** First and last instant of tickets, survey answers and orders (ISO), null without data. */
  data: { first: string | null; last: string | null };
}

export async function getDirectory(db: Kysely<Database>, orgId: string, scope?: DataScope): Promise<Directory> {
  let teams = db.selectFrom('team').select(['id', 'name']).where('org_id', '=', orgId);
  if (scope?.teams)
    teams = scope.teams.length ? teams.where('id', 'in', scope.teams) : teams.where(sql<boolean>`false`);
  let agents = db.selectFrom('agent').select(['id', 'name', 'team_id', 'active']).where('org_id', '=', orgId);
  if (scope?.aggregatesOnly) agents = agents.where(sql<boolean>`false`);
  else if (scope?.agentId !== undefined) agents = agents.where('id', '=', scope.agentId);
  else if (scope?.teams)
    agents = scope.teams.length ? agents.where('team_id', 'in', scope.teams) : agents.where(sql<boolean>`false`);

  const span = await sql<{ first: Date | null; last: Date | null }>`
    select min(first) as first, max(last) as last from (
      select min(created_at) as first, max(created_at) as last from ticket where org_id = ${orgId}::uuid
      union all
      select min(submitted_at), max(submitted_at) from survey_response where org_id = ${orgId}::uuid
      union all
      select min(ordered_at), max(ordered_at) from customer_order where org_id = ${orgId}::uuid
    ) s`.execute(db);
  const row = span.rows[0];
  return {
    teams: await teams.orderBy('name').orderBy('id').execute(),
    agents: await agents.orderBy('name').orderBy('id').execute(),
    data: {
      first: row?.first ? new Date(row.first).toISOString() : null,
      last: row?.last ? new Date(row.last).toISOString() : null,
    },
  };
}
