import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

/**
 * Browser sessions: a random token in an HttpOnly cookie, stored only as its SHA-256 hash, with a
 * CSRF token the page sends back in a header on every change. A session ends after 12 hours
 * without use or 14 days in all, at logout, and when the password or the role changes.
 */
export const SESSION_IDLE_MS = 12 * 3600_000;
export const SESSION_MAX_MS = 14 * 86_400_000;

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

export interface SessionInfo {
  id: string;
  userId: string;
  orgId: string;
  csrfToken: string;
}

export async function createSession(
  db: Kysely<Database>,
  userId: string,
  orgId: string,
  meta: { ip?: string; userAgent?: string } = {},
): Promise<{ token: string; session: SessionInfo }> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const id = hash(token);
  await db
    .insertInto('user_session')
    .values({
      id,
      user_id: userId,
      org_id: orgId,
      csrf_token: csrfToken,
      expires_at: new Date(Date.now() + SESSION_MAX_MS),
      ip: meta.ip?.slice(0, 100) ?? null,
      user_agent: meta.userAgent?.slice(0, 300) ?? null,
    })
    .execute();
  return { token, session: { id, userId, orgId, csrfToken } };
}

/** The live session of a cookie token, or undefined (expired, idle, ended or unknown). */
export async function verifySession(db: Kysely<Database>, token: string): Promise<SessionInfo | undefined> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
  const id = hash(token);
  const row = await db.selectFrom('user_session').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const now = Date.now();
  if (row.expires_at.getTime() <= now || row.last_seen_at.getTime() + SESSION_IDLE_MS <= now) {
    await db.deleteFrom('user_session').where('id', '=', id).execute();
    return undefined;
  }
  if (now - row.last_seen_at.getTime() > 60_000) {
    await db.updateTable('user_session').set({ last_seen_at: new Date() }).where('id', '=', id).execute();
  }
  return { id, userId: row.user_id, orgId: row.org_id, csrfToken: row.csrf_token };
}

export async function endSession(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('user_session').where('id', '=', id).execute();
}
