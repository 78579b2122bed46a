import { markRollupRows } from '../../metrics/rollups/index.ts';
import { sql } from 'kysely';
import type { Session } from '../../db/connect.ts';
import type { Organization } from '../../orgs/index.ts';
import { getEntity } from '../entities.ts';
import type { ParseContext } from '../fields.ts';
import type { PendingRow } from '../import-records.ts';
import { RecordShaper } from '../shape-record.ts';
import type { Preset, Ref } from './preset.ts';

/**
 * The agents, teams and customers an export names, created or matched inside the import's
 * transaction before each batch is written (so that a rejected import leaves none behind), and
 * the survey answers a preset derives from a record.
 *
 * Matching, per organization:
 * - a team: by id, else by name (case-insensitive);
 * - an agent: by id, else by e-mail (case-insensitive), else by name (case-insensitive);
 * - a customer: by id, else by e-mail (case-insensitive); never by name, which two customers share.
 * A match makes the record refer to the stored row's id; nothing stored is changed. Otherwise a
 * row is created with the export's key as id (the vendor's id where the export has one, else the
 * e-mail, else the name), the name (the key when the export gives none) and the e-mail; an agent
 * created this way joins the team the same record names.
 */
export function refResolver(preset: Preset) {
  // Keys already resolved in this import (its transaction): each is looked up once.
  const known = {
    team: new Map<string, string>(),
    agent: new Map<string, string>(),
    customer: new Map<string, string>(),
  };
  return async (session: Session, org: Organization, rows: PendingRow[]) => {
    if (!preset.refs && !preset.surveys) return;
    const teams = new Map<string, Ref>();
    const agents = new Map<string, Ref & { team?: string }>();
    const customers = new Map<string, Ref>();
    const perRow = rows.map((pending) => {
      const refs = preset.refs?.(pending.values, pending.row) ?? {};
      if (refs.team && !known.team.has(refs.team.key)) teams.set(refs.team.key, refs.team);
      if (refs.agent && !known.agent.has(refs.agent.key)) agents.set(refs.agent.key, refs.agent);
      if (refs.customer && !known.customer.has(refs.customer.key)) customers.set(refs.customer.key, refs.customer);
      return refs;
    });
    const teamIds = known.team;
    for (const [key, id] of await resolve(session, org, 'team', [...teams.values()], false)) teamIds.set(key, id);
    for (const agent of agents.values()) if (agent.team) agent.team = teamIds.get(agent.team) ?? agent.team;
    const agentIds = known.agent;
    for (const [key, id] of await resolve(session, org, 'agent', [...agents.values()], true)) agentIds.set(key, id);
    const customerIds = known.customer;
    for (const [key, id] of await resolve(session, org, 'customer', [...customers.values()], true))
      customerIds.set(key, id);
    for (const [at, refs] of perRow.entries()) {
      const row = rows[at]!.row;
      if (refs.team) row.team_id = teamIds.get(refs.team.key);
      if (refs.agent) row.agent_id = agentIds.get(refs.agent.key);
      if (refs.customer) row.customer_id = customerIds.get(refs.customer.key);
    }
    if (preset.surveys) await writeSurveys(session, org, preset, rows);
  };
}

type Kind = 'team' | 'agent' | 'customer';

/** Key -> stored id for each ref, creating the ones that match nothing. */
async function resolve(
  session: Session,
  org: Organization,
  table: Kind,
  refs: Array<Ref & { team?: string }>,
  byEmail: boolean,
): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  if (!refs.length) return ids;
  const keys = refs.map((r) => r.key);
  const emails = byEmail ? refs.flatMap((r) => (r.email ? [r.email.toLowerCase()] : [])) : [];
  const names = table === 'customer' ? [] : refs.flatMap((r) => (r.name ? [r.name.toLowerCase()] : []));
  const found = await sql<{ id: string; name: string | null; email: string | null }>`
    select id, name, ${byEmail ? sql`email` : sql`null::text`} as email from ${sql.table(table)}
    where org_id = ${org.id}::uuid and (
      id = any(${keys}::text[])
      ${emails.length ? sql`or lower(email) = any(${emails}::text[])` : sql``}
      ${names.length ? sql`or lower(name) = any(${names}::text[])` : sql``})
    order by id`.execute(session.kysely);
  const byId = new Map(found.rows.map((r) => [r.id, r.id]));
  const byMail = new Map<string, string>();
  const byName = new Map<string, string>();
  for (const r of found.rows) {
    if (r.email && !byMail.has(r.email.toLowerCase())) byMail.set(r.email.toLowerCase(), r.id);
    if (r.name && !byName.has(r.name.toLowerCase())) byName.set(r.name.toLowerCase(), r.id);
  }
  const missing: Array<Ref & { team?: string }> = [];
  for (const ref of refs) {
    const id =
      byId.get(ref.key) ??
      (ref.email ? byMail.get(ref.email.toLowerCase()) : undefined) ??
      (ref.name && table !== 'customer' ? byName.get(ref.name.toLowerCase()) : undefined);
    if (id !== undefined) ids.set(ref.key, id);
    else missing.push(ref);
  }
  if (missing.length) {
    const values = missing.map((ref) => ({
      org_id: org.id,
      id: ref.key,
      name: ref.name ?? ref.key,
      ...(table !== 'team' ? { email: ref.email ?? null } : {}),
      ...(table === 'agent' ? { team_id: ref.team ?? null } : {}),
    }));
    const fields = ['id', 'name', ...(table !== 'team' ? ['email'] : []), ...(table === 'agent' ? ['team_id'] : [])];
    const list = sql.join(fields.map((f) => sql.ref(f)));
    await sql`insert into ${sql.table(table)} (org_id, ${list})
      select org_id, ${list} from json_populate_recordset(null::${sql.table(table)}, ${JSON.stringify(values)}::json)
      on conflict (org_id, id) do nothing`.execute(session.kysely);
    for (const ref of missing) ids.set(ref.key, ref.key);
  }
  return ids;
}

/**
 * Survey answers a preset derives from the batch's records, validated as survey_responses
 * records and upserted by id. A derived answer that is not valid is not written; the ticket keeps
 * the vendor's value as an attribute.
 */
async function writeSurveys(session: Session, org: Organization, preset: Preset, rows: PendingRow[]) {
  const entity = getEntity('survey_responses')!;
  const ctx: ParseContext = { timezone: org.timezone };
  const shaper = new RecordShaper(entity, ctx);
  const answers: Array<Record<string, unknown>> = [];
  for (const pending of rows) {
    for (const answer of preset.surveys!(pending.values, pending.row)) {
      const shaped = shaper.shape(answer);
      if (shaped.row) answers.push(shaped.row);
    }
  }
  if (!answers.length) return;
  const columns = entity.fields.map((f) => f.name);
  const unique = [...new Map(answers.map((row) => [row.id as string, { ...row, org_id: org.id }])).values()];
  const updatable = columns.filter((c) => c !== 'id');
  const list = sql.join(columns.map((c) => sql.ref(c)));
  // The rollups learn the days of the answers before and after the write (src/metrics/rollups).
  const ids = unique.map((row) => (row as Record<string, unknown>).id);
  await markRollupRows(session.kysely, org, 'survey_responses', ids);
  // One JSON parameter for the whole batch; an answer imported again unchanged is left alone.
  await sql`insert into survey_response (org_id, ${list})
    select org_id, ${sql.join(columns.map((c) => (c === 'ratings' || c === 'attributes' ? sql`coalesce(${sql.ref(c)}, '{}')` : sql.ref(c))))}
    from json_populate_recordset(null::survey_response, ${JSON.stringify(unique)}::json)
    on conflict (org_id, id) do update set ${sql.join(updatable.map((c) => sql`${sql.ref(c)} = excluded.${sql.ref(c)}`))}
    where (${sql.join(updatable.map((c) => sql`survey_response.${sql.ref(c)}`))}) is distinct from (${sql.join(updatable.map((c) => sql`excluded.${sql.ref(c)}`))})`.execute(
    session.kysely,
  );
  await markRollupRows(session.kysely, org, 'survey_responses', ids);
}
