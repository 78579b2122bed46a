import type { Kysely } from 'kysely';
import type { AuditEntry as AuditEntryAnswer } from '../contract/api.ts';
import type { Database } from '../db/schema.ts';
import type { Access } from './access.ts';

/**
 * The audit log of administrative actions: who (user, API key or the operator's CLI), what,
 * on what, when and from where. Never passwords, tokens or keys: `details` holds only the
 * changed settings and roles. An entry's shape is the HTTP contract's (GET /api/v1/audit), with a Date.
 */
export type AuditEntry = AuditEntryAnswer<Date>;

export async function recordAudit(
  db: Kysely<Database>,
  access: Access,
  action: string,
  target: string | null,
  details: Record<string, unknown> = {},
  ip?: string,
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      org_id: access.orgId,
      actor_type: access.kind,
      actor_id: access.actorId,
      actor: access.actor,
      action,
      target,
      details: JSON.stringify(details),
      ip: ip ?? null,
    })
    .execute();
}

/** Newest first; `before` is the id of the last entry of the previous page. */
export async function listAudit(
  db: Kysely<Database>,
  orgId: string,
  options: { limit?: number; before?: string } = {},
): Promise<AuditEntry[]> {
  let query = db
    .selectFrom('audit_log')
    .select(['id', 'at', 'actor_type', 'actor', 'action', 'target', 'details', 'ip'])
    .where('org_id', '=', orgId);
  if (options.before) query = query.where('id', '<', options.before);
  const rows = await query
    .orderBy('id', 'desc')
    .limit(Math.min(Math.max(options.limit ?? 100, 1), 1000))
    .execute();
  return rows.map((r) => ({ ...r, id: String(r.id) }));
}
