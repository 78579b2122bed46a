import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { notFound } from '../errors.ts';

/**
 * API keys: `cxk_<prefix>_<secret>`. Only a SHA-256 hash is stored (the key has 192 random bits,
 * so a fast hash is safe here, unlike for passwords); the prefix lets people recognize a key in
 * lists without revealing it.
 */
export type ApiKeyScope = 'full' | 'ingest' | 'read';
export const API_KEY_SCOPES: readonly ApiKeyScope[] = ['full', 'ingest', 'read'];

export interface ApiKeyInfo {
  id: string;
  name: string;
  prefix: string;
  scope: ApiKeyScope;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export interface VerifiedKey {
  orgId: string;
  keyId: string;
  scope: ApiKeyScope;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export async function createApiKey(
  db: Kysely<Database>,
  orgId: string,
  input: { name: string; scope: ApiKeyScope; userId?: string },
): Promise<{ key: string; info: ApiKeyInfo }> {
  const prefix = randomBytes(4).toString('hex');
  const key = `cxk_${prefix}_${randomBytes(24).toString('base64url')}`;
  const info = await db
    .insertInto('api_key')
    .values({
      org_id: orgId,
      name: input.name,
      prefix,
      key_hash: hashApiKey(key),
      scope: input.scope,
      user_id: input.userId ?? null,
    })
    .returning(['id', 'name', 'prefix', 'scope', 'created_at', 'last_used_at', 'revoked_at'])
    .executeTakeFirstOrThrow();
  return { key, info };
}

export async function listApiKeys(db: Kysely<Database>, orgId: string): Promise<ApiKeyInfo[]> {
  return db
    .selectFrom('api_key')
    .select(['id', 'name', 'prefix', 'scope', 'created_at', 'last_used_at', 'revoked_at'])
    .where('org_id', '=', orgId)
    .orderBy('created_at')
    .execute();
}

export async function revokeApiKey(db: Kysely<Database>, orgId: string, idOrPrefix: string): Promise<void> {
  const byId = /^[0-9a-f-]{36}$/i.test(idOrPrefix);
  const result = await db
    .updateTable('api_key')
    .set({ revoked_at: new Date() })
    .where('org_id', '=', orgId)
    .where(byId ? 'id' : 'prefix', '=', idOrPrefix)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!Number(result.numUpdatedRows)) throw notFound('api-key-not-found', `No active API key ${idOrPrefix}.`);
}

/** The key's organization and scope, or undefined for an unknown or revoked key. */
export async function verifyApiKey(db: Kysely<Database>, key: string): Promise<VerifiedKey | undefined> {
  if (!/^cxk_[0-9a-f]{8}_[A-Za-z0-9_-]{32}$/.test(key)) return undefined;
  const row = await db
    .selectFrom('api_key')
    .select(['org_id', 'id', 'scope', 'last_used_at'])
    .where('key_hash', '=', hashApiKey(key))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  // Recording every use would turn each read into a write; a minute's precision is enough.
  if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > 60_000) {
    await db
      .updateTable('api_key')
      .set({ last_used_at: new Date() })
      .where('org_id', '=', row.org_id)
      .where('id', '=', row.id)
      .execute();
  }
  return { orgId: row.org_id, keyId: row.id, scope: row.scope };
}
