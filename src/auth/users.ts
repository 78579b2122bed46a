import { createHash, randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database, Role } from '../db/schema.ts';
import { AppError, badRequest, notFound } from '../errors.ts';
import { ROLES, type Access } from './access.ts';
import { checkPasswordPolicy, dummyHash, hashPassword, verifyPassword } from './passwords.ts';

/**
 * People: users (one login, possibly in several organizations), their membership and role in
 * an organization, invitations, and password sign-in with lockout.
 */
export interface Member {
  user_id: string;
  email: string;
  name: string;
  role: Role;
  teams: string[];
  agent_id: string | null;
  last_login_at: Date | null;
  created_at: Date;
}

export interface MembershipInput {
  role: Role;
  /** Team lead: the teams they lead. */
  teams?: string[];
  /** Agent: the agent record that is this person. */
  agent_id?: string | null;
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{2,63}$/;
export const LOCKOUT = { failures: 5, minutes: 15 };
export const INVITATION_DAYS = 7;

export function normalizeEmail(email: string): string {
  const value = email.trim().toLowerCase();
  if (!EMAIL.test(value)) throw badRequest('invalid-email', `"${email}" is not an e-mail address.`);
  return value;
}

export async function findUserByEmail(db: Kysely<Database>, email: string) {
  return db
    .selectFrom('app_user')
    .selectAll()
    .where(sql<string>`lower(email)`, '=', email.trim().toLowerCase())
    .executeTakeFirst();
}

export async function createUser(
  db: Kysely<Database>,
  input: { email: string; name?: string; password: string },
): Promise<{ id: string; email: string }> {
  const email = normalizeEmail(input.email);
  checkPasswordPolicy(input.password, email);
  if (await findUserByEmail(db, email)) throw new AppError(409, 'user-exists', `A user ${email} exists.`);
  return db
    .insertInto('app_user')
    .values({ email, name: (input.name ?? '').trim().slice(0, 200), password_hash: await hashPassword(input.password) })
    .returning(['id', 'email'])
    .executeTakeFirstOrThrow();
}

/** Checks a membership against the organization's teams and agents. */
async function validateMembership(db: Kysely<Database>, orgId: string, input: MembershipInput) {
  if (!ROLES.includes(input.role)) throw badRequest('invalid-role', `role is one of ${ROLES.join(', ')}.`);
  const teams = [...new Set(input.teams ?? [])];
  if (input.role === 'team_lead') {
    if (!teams.length) throw badRequest('invalid-membership', 'A team lead needs the teams they lead (teams).');
    const known = await db
      .selectFrom('team')
      .select('id')
      .where('org_id', '=', orgId)
      .where('id', 'in', teams)
      .execute();
    const missing = teams.filter((t) => !known.some((k) => k.id === t));
    if (missing.length) throw badRequest('invalid-membership', `Unknown teams: ${missing.join(', ')}.`);
  } else if (teams.length) {
    throw badRequest('invalid-membership', 'Only team leads have teams; an agent has an agent_id.');
  }
  if (input.role === 'agent') {
    if (!input.agent_id)
      throw badRequest('invalid-membership', 'An agent user needs the agent record that is them (agent_id).');
    const agent = await db
      .selectFrom('agent')
      .select('id')
      .where('org_id', '=', orgId)
      .where('id', '=', input.agent_id)
      .executeTakeFirst();
    if (!agent) throw badRequest('invalid-membership', `Unknown agent: ${input.agent_id}.`);
  } else if (input.agent_id) {
    throw badRequest('invalid-membership', 'Only agent users have an agent_id.');
  }
  return { role: input.role, teams, agent_id: input.role === 'agent' ? input.agent_id! : null };
}

export async function addMember(db: Kysely<Database>, orgId: string, userId: string, input: MembershipInput) {
  const values = await validateMembership(db, orgId, input);
  const inserted = await db
    .insertInto('membership')
    .values({ org_id: orgId, user_id: userId, ...values })
    .onConflict((oc) => oc.columns(['org_id', 'user_id']).doNothing())
    .returning('user_id')
    .executeTakeFirst();
  if (!inserted) throw new AppError(409, 'member-exists', 'This user is already a member; change their role instead.');
}

export async function listMembers(db: Kysely<Database>, orgId: string): Promise<Member[]> {
  return db
    .selectFrom('membership as m')
    .innerJoin('app_user as u', 'u.id', 'm.user_id')
    .select(['m.user_id', 'u.email', 'u.name', 'm.role', 'm.teams', 'm.agent_id', 'u.last_login_at', 'm.created_at'])
    .where('m.org_id', '=', orgId)
    .orderBy('u.email')
    .execute();
}

async function ownerCount(db: Kysely<Database>, orgId: string): Promise<number> {
  const row = await db
    .selectFrom('membership')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('org_id', '=', orgId)
    .where('role', '=', 'owner')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function getMember(db: Kysely<Database>, orgId: string, userId: string) {
  const member = await db
    .selectFrom('membership')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!member) throw notFound('unknown-member', 'There is no such member in this organization.');
  return member;
}

/** Only an owner makes or unmakes owners; the last owner stays one. */
function checkOwnerChange(by: Access, from: Role | undefined, to: Role | undefined) {
  if ((from === 'owner' || to === 'owner') && by.role !== 'owner') {
    throw new AppError(403, 'forbidden', 'Only an owner can make someone an owner or change an owner.');
  }
}

export async function updateMember(
  db: Kysely<Database>,
  by: Access,
  userId: string,
  input: MembershipInput,
): Promise<void> {
  const current = await getMember(db, by.orgId, userId);
  checkOwnerChange(by, current.role, input.role);
  if (current.role === 'owner' && input.role !== 'owner' && (await ownerCount(db, by.orgId)) === 1) {
    throw new AppError(409, 'last-owner', 'The organization needs an owner: make someone else owner first.');
  }
  const values = await validateMembership(db, by.orgId, input);
  await db.updateTable('membership').set(values).where('org_id', '=', by.orgId).where('user_id', '=', userId).execute();
  await db.deleteFrom('user_session').where('user_id', '=', userId).where('org_id', '=', by.orgId).execute();
}

export async function removeMember(db: Kysely<Database>, by: Access, userId: string): Promise<void> {
  const current = await getMember(db, by.orgId, userId);
  checkOwnerChange(by, current.role, undefined);
  if (current.role === 'owner' && (await ownerCount(db, by.orgId)) === 1) {
    throw new AppError(409, 'last-owner', 'The last owner cannot be removed.');
  }
  await db.deleteFrom('membership').where('org_id', '=', by.orgId).where('user_id', '=', userId).execute();
  await db.deleteFrom('user_session').where('user_id', '=', userId).where('org_id', '=', by.orgId).execute();
}

/**
 * Checks a user's password under the one lockout rule, whichever door asks (sign-in, accepting
 * an invitation, changing the password): five wrong passwords in a row lock the account for 15
 * minutes. The attempt is counted before the hash is compared, in one statement, so parallel
 * guesses cannot all pass the check before any failure is written; a right password resets the
 * count. Throws `wrong` for a wrong password, 429 `account-locked` while locked.
 */
export async function checkPassword(
  db: Kysely<Database>,
  userId: string,
  password: string,
  wrong: AppError,
): Promise<void> {
  const now = new Date();
  const attempt = await db
    .updateTable('app_user')
    .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1) }))
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
    .returning(['failed_logins', 'password_hash'])
    .executeTakeFirst();
  if (!attempt) {
    const user = await db.selectFrom('app_user').select('locked_until').where('id', '=', userId).executeTakeFirst();
    throw lockedError(user?.locked_until ?? now);
  }
  if (attempt.failed_logins <= LOCKOUT.failures && (await verifyPassword(password, attempt.password_hash))) {
    await db.updateTable('app_user').set({ failed_logins: 0, locked_until: null }).where('id', '=', userId).execute();
    return;
  }
  if (attempt.failed_logins < LOCKOUT.failures) throw wrong;
  const until = new Date(Date.now() + LOCKOUT.minutes * 60_000);
  await db.updateTable('app_user').set({ failed_logins: 0, locked_until: until }).where('id', '=', userId).execute();
  // The fifth wrong password is answered as wrong; attempts that raced past it as locked.
  throw attempt.failed_logins === LOCKOUT.failures ? wrong : lockedError(until);
}

const lockedError = (until: Date) =>
  new AppError(429, 'account-locked', `Too many wrong passwords; try again after ${until.toISOString()}.`);

/**
 * Password sign-in under the lockout (checkPassword); an unknown e-mail costs the same time as a
 * known one and gives the same answer.
 */
export async function authenticate(db: Kysely<Database>, email: string, password: string) {
  const user = await findUserByEmail(db, email);
  const invalid = new AppError(401, 'invalid-credentials', 'The e-mail or the password is wrong.');
  if (!user) {
    await verifyPassword(password, await dummyHash());
    throw invalid;
  }
  await checkPassword(db, user.id, password, invalid);
  await db.updateTable('app_user').set({ last_login_at: new Date() }).where('id', '=', user.id).execute();
  return user;
}

/** Sets a password (operator reset, or a user's change after checking the old one); ends sessions. */
export async function setPassword(db: Kysely<Database>, userId: string, password: string, keepSession?: string) {
  const user = await db.selectFrom('app_user').select('email').where('id', '=', userId).executeTakeFirstOrThrow();
  checkPasswordPolicy(password, user.email);
  await db
    .updateTable('app_user')
    .set({
      password_hash: await hashPassword(password),
      password_changed_at: new Date(),
      failed_logins: 0,
      locked_until: null,
    })
    .where('id', '=', userId)
    .execute();
  let sessions = db.deleteFrom('user_session').where('user_id', '=', userId);
  if (keepSession) sessions = sessions.where('id', '!=', keepSession);
  await sessions.execute();
}

export async function changePassword(
  db: Kysely<Database>,
  userId: string,
  current: string,
  next: string,
  keepSession: string,
): Promise<void> {
  // 400, not 401: the session is fine, only the password typed is wrong.
  await checkPassword(db, userId, current, new AppError(400, 'invalid-credentials', 'The current password is wrong.'));
  await setPassword(db, userId, next, keepSession);
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** An invitation link's token (shown once) for a new or existing user to join with a role. */
export async function createInvitation(
  db: Kysely<Database>,
  by: Access,
  input: MembershipInput & { email: string },
): Promise<{ id: string; token: string; email: string; expires_at: Date }> {
  const email = normalizeEmail(input.email);
  checkOwnerChange(by, undefined, input.role);
  const values = await validateMembership(db, by.orgId, input);
  const existing = await findUserByEmail(db, email);
  if (existing) {
    const member = await db
      .selectFrom('membership')
      .select('role')
      .where('org_id', '=', by.orgId)
      .where('user_id', '=', existing.id)
      .executeTakeFirst();
    if (member) throw new AppError(409, 'member-exists', `${email} is already a member.`);
  }
  const token = randomBytes(32).toString('base64url');
  const row = await db
    .insertInto('invitation')
    .values({
      org_id: by.orgId,
      email,
      ...values,
      token_hash: hashToken(token),
      created_by: by.kind === 'user' ? by.actorId : null,
      expires_at: new Date(Date.now() + INVITATION_DAYS * 86_400_000),
    })
    .returning(['id', 'email', 'expires_at'])
    .executeTakeFirstOrThrow();
  return { ...row, token };
}

/**
 * Accepts an invitation: creates the user, or for an e-mail that has an account checks that
 * account's password under the login lockout, then adds the membership, once. Expired, used or
 * unknown tokens get one answer. The answers do not tell whether the e-mail has an account: the
 * password rules apply first to everyone, and a wrong password gets the same answer as a wrong
 * login, without naming the account (docs/http-api.md, "Invitations").
 */
export async function acceptInvitation(
  db: Kysely<Database>,
  token: string,
  input: { password: string; name?: string },
): Promise<{ userId: string; orgId: string }> {
  const invitation = await db
    .selectFrom('invitation')
    .selectAll()
    .where('token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!invitation || invitation.accepted_at || invitation.expires_at.getTime() <= Date.now()) {
    throw new AppError(410, 'invitation-invalid', 'This invitation link has expired or was used; ask for a new one.');
  }
  checkPasswordPolicy(input.password, invitation.email);
  const existing = await findUserByEmail(db, invitation.email);
  // Outside the transaction below, so that a wrong password's count is kept when it fails.
  if (existing) {
    await checkPassword(
      db,
      existing.id,
      input.password,
      new AppError(401, 'invalid-credentials', 'The password is wrong for this invitation.'),
    );
  }
  return db.transaction().execute(async (trx) => {
    const claimed = await trx
      .updateTable('invitation')
      .set({ accepted_at: new Date() })
      .where('org_id', '=', invitation.org_id)
      .where('id', '=', invitation.id)
      .where('accepted_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    if (!claimed) throw new AppError(410, 'invitation-invalid', 'This invitation link was used.');
    const userId =
      existing?.id ??
      (await createUser(trx, { email: invitation.email, name: input.name, password: input.password })).id;
    await trx
      .insertInto('membership')
      .values({
        org_id: invitation.org_id,
        user_id: userId,
        role: invitation.role,
        teams: invitation.teams,
        agent_id: invitation.agent_id,
      })
      .onConflict((oc) => oc.columns(['org_id', 'user_id']).doNothing())
      .execute();
    return { userId, orgId: invitation.org_id };
  });
}

/** The access a member has: their role, and for team leads and agents the part of the data. */
export async function memberAccess(db: Kysely<Database>, orgId: string, userId: string): Promise<Access | undefined> {
  const row = await db
    .selectFrom('membership as m')
    .innerJoin('app_user as u', 'u.id', 'm.user_id')
    .leftJoin('agent as a', (join) => join.onRef('a.org_id', '=', 'm.org_id').onRef('a.id', '=', 'm.agent_id'))
    .select(['m.role', 'm.teams', 'm.agent_id', 'u.email', 'a.team_id'])
    .where('m.org_id', '=', orgId)
    .where('m.user_id', '=', userId)
    .executeTakeFirst();
  if (!row) return undefined;
  const access: Access = { orgId, kind: 'user', role: row.role, actorId: userId, actor: row.email };
  if (row.role === 'team_lead') access.teams = row.teams;
  if (row.role === 'agent') {
    access.agentId = row.agent_id ?? '';
    access.teams = row.team_id ? [row.team_id] : [];
  }
  if (row.role === 'viewer') access.aggregatesOnly = true;
  return access;
}
