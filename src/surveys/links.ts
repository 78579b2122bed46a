import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../db/connect.ts';

/**
 * Survey links: `/s/<token>` where the token is the organization's and the invitation's random
 * ids with an HMAC-SHA256 tag (128 bits) under the organization's signing key. The token says
 * nothing about the customer, ticket or agent (they stay in the invitation row), cannot be
 * forged, and one respondent's token does not lead to another's. Widget links (`/w/<token>`)
 * sign the organization and a survey id the same way.
 */
const keys = new Map<string, Buffer>();

export async function signingKey(db: Db, orgId: string): Promise<Buffer> {
  const cached = keys.get(orgId);
  if (cached) return cached;
  await db.kysely
    .insertInto('signing_key')
    .values({ org_id: orgId, secret: randomBytes(32) })
    .onConflict((oc) => oc.column('org_id').doNothing())
    .execute();
  const row = await db.kysely
    .selectFrom('signing_key')
    .select('secret')
    .where('org_id', '=', orgId)
    .executeTakeFirstOrThrow();
  keys.set(orgId, row.secret);
  return row.secret;
}

/** Whether the organization has a key, without creating one for a made-up id. */
async function hasKey(db: Db, orgId: string): Promise<boolean> {
  if (keys.has(orgId)) return true;
  const row = await db.kysely.selectFrom('signing_key').select('org_id').where('org_id', '=', orgId).executeTakeFirst();
  return Boolean(row);
}

const uuidBytes = (uuid: string) => Buffer.from(uuid.replaceAll('-', ''), 'hex');
const bytesUuid = (bytes: Buffer) => {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};
const tag = (key: Buffer, kind: string, payload: Buffer) =>
  createHmac('sha256', key).update(kind).update(payload).digest().subarray(0, 16);

export async function invitationToken(db: Db, orgId: string, invitationId: string): Promise<string> {
  const payload = Buffer.concat([uuidBytes(orgId), uuidBytes(invitationId)]);
  return Buffer.concat([payload, tag(await signingKey(db, orgId), 'i', payload)]).toString('base64url');
}

/** The organization and invitation of a token, or undefined when it is malformed or forged. */
export async function openInvitationToken(
  db: Db,
  token: string,
): Promise<{ orgId: string; invitationId: string } | undefined> {
  if (!/^[A-Za-z0-9_-]{64}$/.test(token)) return undefined;
  const bytes = Buffer.from(token, 'base64url');
  if (bytes.length !== 48) return undefined;
  const payload = bytes.subarray(0, 32);
  const orgId = bytesUuid(payload.subarray(0, 16));
  if (!(await hasKey(db, orgId))) return undefined;
  const expected = tag(await signingKey(db, orgId), 'i', payload);
  if (!timingSafeEqual(expected, bytes.subarray(32))) return undefined;
  return { orgId, invitationId: bytesUuid(payload.subarray(16, 32)) };
}

export async function widgetToken(db: Db, orgId: string, surveyId: string): Promise<string> {
  const payload = Buffer.concat([uuidBytes(orgId), Buffer.from(surveyId, 'utf8')]);
  return `${payload.toString('base64url')}.${tag(await signingKey(db, orgId), 'w', payload).toString('base64url')}`;
}

export async function openWidgetToken(db: Db, token: string): Promise<{ orgId: string; surveyId: string } | undefined> {
  const match = /^([A-Za-z0-9_-]{24,120})\.([A-Za-z0-9_-]{22})$/.exec(token);
  if (!match) return undefined;
  const payload = Buffer.from(match[1]!, 'base64url');
  if (payload.length < 18) return undefined;
  const orgId = bytesUuid(payload.subarray(0, 16));
  if (!(await hasKey(db, orgId))) return undefined;
  const expected = tag(await signingKey(db, orgId), 'w', payload);
  const given = Buffer.from(match[2]!, 'base64url');
  if (given.length !== 16 || !timingSafeEqual(expected, given)) return undefined;
  return { orgId, surveyId: payload.subarray(16).toString('utf8') };
}
