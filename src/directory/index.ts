import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DataScope } from '../auth/index.ts';
import type { Database } from '../db/schema.ts';
import { SURVEY_KINDS } from '../ingest/entities.ts';
import type { DataSpan, Directory } from '../contract/api.ts';

/**
 * The teams and agents a caller may see, for the dashboard's pickers and pages, and the span of
 * the organization's data, so that screens open on a period that has data. A team lead sees their
 * teams and their agents, an agent their team and themself, a viewer the teams and no single agents.
 * The shapes are the HTTP contract's (src/contract/api.ts).
 */
export type { DataSpan, Directory } from '../contract/api.ts';

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

/** Entities whose data has a span (the metric engine's entities; `customers` are their activity). */
export type SpanEntity =
  'tickets' | 'survey_responses' | 'survey_invitations' | 'customers' | 'orders' | 'costs' | 'reviews' | 'feedback';

/**
 * The span of each entity's data in local days of `tz`, for deciding which periods the data
 * covers whole: tickets by creation, survey answers by submission, invitations by sending,
 * orders by order time, costs by the days they cover, customers by subscription starts and ends
 * and completed orders (what makes them active). min/max over each organization's rows.
 */
export async function getDataSpans(
  db: Kysely<Database>,
  orgId: string,
  tz: string,
  entities: readonly SpanEntity[],
): Promise<Map<SpanEntity, DataSpan>> {
  // The local date of the first and last instant, not the first and last local date: the same
  // day (local time only moves back across a midnight in no zone we know), and an index answers
  // min and max of the column without reading every row.
  const min = (column: string) => sql`(min(${sql.ref(column)}) at time zone ${tz})::date`;
  const max = (column: string) => sql`(max(${sql.ref(column)}) at time zone ${tz})::date`;
  const SOURCES: Record<SpanEntity, RawBuilder<unknown>> = {
    tickets: sql`select ${min('created_at')} as first, ${max('created_at')} as last
      from ticket where org_id = ${orgId}::uuid`,
    // Per kind, so that the (org_id, kind, submitted_at) index answers each min and max.
    survey_responses: sql`select (min(f) at time zone ${tz})::date, (max(l) at time zone ${tz})::date from (${sql.join(
      SURVEY_KINDS.map(
        (kind) => sql`select min(submitted_at) as f, max(submitted_at) as l
          from survey_response where org_id = ${orgId}::uuid and kind = ${kind}`,
      ),
      sql` union all `,
    )}) k`,
    survey_invitations: sql`select ${min('sent_at')}, ${max('sent_at')}
      from survey_invitation where org_id = ${orgId}::uuid`,
    orders: sql`select ${min('ordered_at')}, ${max('ordered_at')}
      from customer_order where org_id = ${orgId}::uuid`,
    costs: sql`select min(period_start), max(period_end) from cost where org_id = ${orgId}::uuid`,
    reviews: sql`select ${min('published_at')}, ${max('published_at')}
      from review where org_id = ${orgId}::uuid`,
    // Comments and review texts: the span of either.
    feedback: sql`select ${min('submitted_at')}, ${max('submitted_at')}
        from survey_response where org_id = ${orgId}::uuid and comment is not null
      union all select ${min('published_at')}, ${max('published_at')}
        from review where org_id = ${orgId}::uuid and (title is not null or text is not null)`,
    customers: sql`select min(first), max(last) from (
        select ${min('started_at')} as first,
          greatest(${max('started_at')}, ${max('ended_at')}) as last
        from subscription where org_id = ${orgId}::uuid
        union all
        select ${min('ordered_at')}, ${max('ordered_at')}
        from customer_order where org_id = ${orgId}::uuid and status = 'completed') s`,
  };
  const spans = new Map<SpanEntity, DataSpan>();
  for (const entity of new Set(entities)) {
    const result = await sql<{ first: unknown; last: unknown }>`
      select min(first)::text as first, max(last)::text as last from (${SOURCES[entity]}) s(first, last)`.execute(db);
    const row = result.rows[0];
    spans.set(entity, row?.first && row.last ? { first: String(row.first), last: String(row.last) } : null);
  }
  return spans;
}
