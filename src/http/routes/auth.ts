import { Hono, type Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import {
  acceptInvitation,
  authenticate,
  changePassword,
  createSession,
  endSession,
  memberAccess,
  PERMISSIONS,
  recordAudit,
  type Access,
} from '../../auth/index.ts';
import { SESSION_MAX_MS } from '../../auth/sessions.ts';
import type { Me } from '../../contract/api.ts';
import { AppError, badRequest, invalidInput } from '../../errors.ts';
import { getOrganization } from '../../orgs/index.ts';
import { authenticateRequest, checkOrigin, SESSION_COOKIE, type AppDeps, type AppEnv } from '../app.ts';
import { clientAddress, isHttps, rateLimit } from '../rate-limit.ts';

/** Parses a JSON body with a schema; mistakes name the field. */
export async function parseBody<T extends z.ZodType>(c: Context<AppEnv>, schema: T): Promise<z.infer<T>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw badRequest('invalid-json', 'The body must be a JSON object.');
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw invalidInput('invalid-body', parsed.error.issues, 'body');
  return parsed.data;
}

/**
 * Sign-in requests per client address and minute. Generous enough for an office behind one
 * address at 9 o'clock; password guessing is stopped per account by the lockout.
 */
export const LOGIN_RATE_LIMIT = { name: 'sign-in', windowMs: 60_000, max: 30 };

/**
 * The doors that start a session without one (login, accepting an invitation) cannot ask for a
 * CSRF token, so they refuse what a page on another site can send: a cross-origin request, and a
 * body that is not `application/json` (an HTML form or a "simple" fetch sends text/plain or form
 * types without a CORS preflight). Otherwise another site could sign the browser in to an account
 * of the attacker's (login CSRF).
 */
function sessionStartGuard(deps: AppDeps) {
  return async (c: Context<AppEnv>, next: () => Promise<void>) => {
    if (!/^application\/json\s*(;|$)/i.test(c.req.header('content-type') ?? '')) {
      throw new AppError(
        415,
        'unsupported-media-type',
        'Send the body as JSON with the header Content-Type: application/json.',
      );
    }
    checkOrigin(deps, c);
    await next();
  };
}

const ZLogin = z.object({
  email: z.string().max(320),
  password: z.string().max(200),
  /** Slug of the organization to open, for people in several; default the first they joined. */
  organization: z.string().max(100).optional(),
});

/**
 * Sign-in for people: login (a session cookie plus a CSRF token for the page), logout, who am I,
 * password change, and accepting an invitation.
 */
export function authRoutes(deps: AppDeps) {
  const db = deps.db.kysely;
  const publicLimit = rateLimit(deps, LOGIN_RATE_LIMIT);
  const startGuard = sessionStartGuard(deps);

  async function startSession(c: Context<AppEnv>, userId: string, orgId: string) {
    const { token, session } = await createSession(db, userId, orgId, {
      ip: clientAddress(deps, c),
      userAgent: c.req.header('user-agent'),
    });
    setCookie(c, SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'Lax',
      secure: isHttps(deps, c),
      path: '/',
      maxAge: Math.floor(SESSION_MAX_MS / 1000),
    });
    return session;
  }

  async function describe(c: Context<AppEnv>, access: Access, csrfToken?: string): Promise<Me> {
    const org = c.get('org');
    const user =
      access.kind === 'user'
        ? await db
            .selectFrom('app_user')
            .select(['id', 'email', 'name'])
            .where('id', '=', access.actorId!)
            .executeTakeFirst()
        : undefined;
    const organizations =
      access.kind === 'user'
        ? await db
            .selectFrom('membership as m')
            .innerJoin('organization as o', 'o.id', 'm.org_id')
            .select(['o.slug', 'o.name', 'm.role'])
            .where('m.user_id', '=', access.actorId!)
            .orderBy('m.created_at')
            .execute()
        : [];
    return {
      kind: access.kind,
      user: user ?? null,
      role: access.role,
      teams: access.teams ?? null,
      agent_id: access.agentId ?? null,
      data_scope: access.agentId !== undefined ? 'agent' : access.teams ? 'teams' : 'organization',
      permissions: PERMISSIONS[access.role],
      organization: {
        slug: org.slug,
        name: org.name,
        timezone: org.timezone,
        currency: org.currency,
        language: org.language,
      },
      organizations,
      ...(csrfToken ? { csrf_token: csrfToken } : {}),
    };
  }

  return (
    new Hono<AppEnv>()
      .post('/api/v1/auth/login', publicLimit, startGuard, async (c) => {
        const body = await parseBody(c, ZLogin);
        const user = await authenticate(db, body.email, body.password);
        let memberships = db
          .selectFrom('membership as m')
          .innerJoin('organization as o', 'o.id', 'm.org_id')
          .select(['m.org_id'])
          .where('m.user_id', '=', user.id);
        if (body.organization) memberships = memberships.where('o.slug', '=', body.organization);
        const membership = await memberships.orderBy('m.created_at').executeTakeFirst();
        if (!membership) {
          throw new AppError(
            403,
            'no-membership',
            body.organization ? `You are not a member of ${body.organization}.` : 'Your account has no organization.',
          );
        }
        const session = await startSession(c, user.id, membership.org_id);
        c.set('session', session);
        const access = await authenticateAfterLogin(c, session.orgId, user.id);
        return c.json(await describe(c, access, session.csrfToken));
      })
      .post('/api/v1/auth/logout', async (c) => {
        await authenticateRequest(deps, c);
        const session = c.get('session');
        if (session) await endSession(db, session.id);
        deleteCookie(c, SESSION_COOKIE, { path: '/' });
        return c.body(null, 204);
      })
      // The dashboard's organization switcher: a new session in another organization of the user.
      .post('/api/v1/auth/organization', async (c) => {
        const access = await authenticateRequest(deps, c);
        const current = c.get('session');
        if (access.kind !== 'user' || !current) throw new AppError(403, 'forbidden', 'Log in to switch organizations.');
        const body = await parseBody(c, z.object({ organization: z.string().max(100) }));
        const membership = await db
          .selectFrom('membership as m')
          .innerJoin('organization as o', 'o.id', 'm.org_id')
          .select(['m.org_id'])
          .where('m.user_id', '=', access.actorId!)
          .where('o.slug', '=', body.organization)
          .executeTakeFirst();
        if (!membership) throw new AppError(403, 'no-membership', `You are not a member of ${body.organization}.`);
        await endSession(db, current.id);
        const session = await startSession(c, access.actorId!, membership.org_id);
        c.set('session', session);
        const next = await authenticateAfterLogin(c, session.orgId, access.actorId!);
        return c.json(await describe(c, next, session.csrfToken));
      })
      .get('/api/v1/auth/me', async (c) => {
        const access = await authenticateRequest(deps, c);
        return c.json(await describe(c, access, c.get('session')?.csrfToken));
      })
      .post('/api/v1/auth/password', async (c) => {
        const access = await authenticateRequest(deps, c);
        const session = c.get('session');
        if (access.kind !== 'user' || !session) throw new AppError(403, 'forbidden', 'Log in to change your password.');
        const body = await parseBody(
          c,
          z.object({ current_password: z.string().max(200), new_password: z.string().max(200) }),
        );
        await changePassword(db, access.actorId!, body.current_password, body.new_password, session.id);
        await recordAudit(db, access, 'password.changed', access.actor, {}, clientAddress(deps, c));
        return c.body(null, 204);
      })
      .post('/api/v1/auth/invitations/accept', publicLimit, startGuard, async (c) => {
        const body = await parseBody(
          c,
          z.object({ token: z.string().max(200), password: z.string().max(200), name: z.string().max(200).optional() }),
        );
        const { userId, orgId } = await acceptInvitation(db, body.token, body);
        const session = await startSession(c, userId, orgId);
        c.set('session', session);
        const access = await authenticateAfterLogin(c, orgId, userId);
        await recordAudit(
          db,
          access,
          'invitation.accepted',
          access.actor,
          { role: access.role },
          clientAddress(deps, c),
        );
        return c.json(await describe(c, access, session.csrfToken), 201);
      })
  );

  async function authenticateAfterLogin(c: Context<AppEnv>, orgId: string, userId: string): Promise<Access> {
    const access = (await memberAccess(db, orgId, userId))!;
    c.set('access', access);
    c.set('org', await getOrganization(db, orgId));
    return access;
  }
}
