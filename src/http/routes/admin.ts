import { Hono, type Context } from 'hono';
import { sql } from 'kysely';
import { z } from 'zod';
import {
  API_KEY_SCOPES,
  createApiKey,
  createInvitation,
  listApiKeys,
  listAudit,
  listMembers,
  recordAudit,
  removeMember,
  revokeApiKey,
  ROLES,
  updateMember,
} from '../../auth/index.ts';
import { isTimeZone } from '../../config.ts';
import type { AuditLog, JobList } from '../../contract/api.ts';
import { AppError, badRequest } from '../../errors.ts';
import { JOB_STATES, listJobs, retryJob, type JobState } from '../../jobs/index.ts';
import { getBusinessHours, setBusinessHours, updateOrganization } from '../../orgs/index.ts';
import { requireAccess, type AppDeps, type AppEnv } from '../app.ts';
import { clientAddress } from '../rate-limit.ts';
import { parseBody } from './auth.ts';

const ZMembership = z.object({
  role: z.enum(ROLES as [string, ...string[]]),
  teams: z.array(z.string().max(200)).max(100).optional(),
  agent_id: z.string().max(200).nullable().optional(),
});

const ZSettings = z
  .object({
    name: z.string().trim().min(1).max(200),
    timezone: z.string().refine(isTimeZone, 'is not an IANA time zone'),
    currency: z.string().regex(/^[A-Z]{3}$/, 'is an ISO 4217 code such as EUR'),
    language: z.enum(['en', 'ru', 'lt']),
  })
  .partial()
  .strict();

/**
 * Administration: members and invitations, API keys, organization settings and business hours,
 * and the audit log. Every change is written to the audit log with who made it.
 */
export function adminRoutes(deps: AppDeps) {
  const db = deps.db.kysely;
  const audit = (c: Context<AppEnv>, action: string, target: string | null, details: Record<string, unknown> = {}) =>
    recordAudit(db, c.get('access'), action, target, details, clientAddress(deps, c));

  return (
    new Hono<AppEnv>()
      .get('/api/v1/users', requireAccess(deps, 'users'), async (c) => {
        const members = await listMembers(db, c.get('org').id);
        const invitations = await db
          .selectFrom('invitation')
          .select(['id', 'email', 'role', 'teams', 'agent_id', 'created_at', 'expires_at'])
          .where('org_id', '=', c.get('org').id)
          .where('accepted_at', 'is', null)
          .where('expires_at', '>', new Date())
          .orderBy('created_at', 'desc')
          .execute();
        return c.json({ members, invitations });
      })
      .post('/api/v1/users/invitations', requireAccess(deps, 'users'), async (c) => {
        const body = await parseBody(c, ZMembership.extend({ email: z.string().max(320) }));
        const invitation = await createInvitation(db, c.get('access'), body as never);
        await audit(c, 'user.invited', invitation.email, {
          role: body.role,
          teams: body.teams ?? [],
          agent_id: body.agent_id ?? null,
        });
        const url = `${new URL(c.req.url).origin}/invite/${invitation.token}`;
        return c.json({ ...invitation, url }, 201);
      })
      .patch('/api/v1/users/:id', requireAccess(deps, 'users'), async (c) => {
        const body = await parseBody(c, ZMembership);
        const id = z.uuid().safeParse(c.req.param('id'));
        if (!id.success) throw badRequest('invalid-id', 'A user id is a UUID.');
        await updateMember(db, c.get('access'), id.data, body as never);
        await audit(c, 'user.role_changed', id.data, body);
        return c.body(null, 204);
      })
      .delete('/api/v1/users/:id', requireAccess(deps, 'users'), async (c) => {
        const id = z.uuid().safeParse(c.req.param('id'));
        if (!id.success) throw badRequest('invalid-id', 'A user id is a UUID.');
        await removeMember(db, c.get('access'), id.data);
        await audit(c, 'user.removed', id.data);
        return c.body(null, 204);
      })
      .get('/api/v1/keys', requireAccess(deps, 'keys'), async (c) =>
        c.json({ keys: await listApiKeys(db, c.get('org').id) }),
      )
      .post('/api/v1/keys', requireAccess(deps, 'keys'), async (c) => {
        const body = await parseBody(
          c,
          z.object({
            name: z.string().trim().min(1).max(100),
            scope: z.enum(API_KEY_SCOPES as ['full', 'ingest', 'read']),
          }),
        );
        const access = c.get('access');
        const { key, info } = await createApiKey(db, c.get('org').id, {
          ...body,
          userId: access.kind === 'user' ? access.actorId! : undefined,
        });
        await audit(c, 'key.created', info.prefix, { name: info.name, scope: info.scope });
        return c.json({ key, ...info }, 201);
      })
      .delete('/api/v1/keys/:id', requireAccess(deps, 'keys'), async (c) => {
        await revokeApiKey(db, c.get('org').id, String(c.req.param('id')));
        await audit(c, 'key.revoked', String(c.req.param('id')));
        return c.body(null, 204);
      })
      .get('/api/v1/organization', requireAccess(deps, 'query'), async (c) => {
        const org = c.get('org');
        const hours = await getBusinessHours(db, org);
        return c.json({
          slug: org.slug,
          name: org.name,
          timezone: org.timezone,
          currency: org.currency,
          language: org.language,
          business_hours: { ...hours.organization, default: hours.isDefault },
          team_business_hours: hours.teams,
        });
      })
      .patch('/api/v1/organization', requireAccess(deps, 'settings'), async (c) => {
        const body = await parseBody(c, ZSettings);
        if (!Object.keys(body).length)
          throw badRequest('invalid-body', 'Send at least one of name, timezone, currency, language.');
        await updateOrganization(db, c.get('org'), body);
        await audit(c, 'organization.updated', c.get('org').slug, body);
        return c.body(null, 204);
      })
      .put('/api/v1/organization/business-hours', requireAccess(deps, 'settings'), async (c) => {
        const body = await parseBody(c, z.record(z.string(), z.unknown()));
        await setBusinessHours(db, c.get('org'), body);
        await audit(c, 'business_hours.set', null, body);
        return c.body(null, 204);
      })
      .put('/api/v1/organization/business-hours/teams/:team', requireAccess(deps, 'settings'), async (c) => {
        const body = await parseBody(c, z.record(z.string(), z.unknown()).nullable());
        await setBusinessHours(db, c.get('org'), body, String(c.req.param('team')));
        await audit(
          c,
          body ? 'business_hours.set' : 'business_hours.cleared',
          `team ${String(c.req.param('team'))}`,
          body ?? {},
        );
        return c.body(null, 204);
      })
      .get('/api/v1/audit', requireAccess(deps, 'audit'), async (c) => {
        const limit = Number(c.req.query('limit') ?? 100);
        const before = c.req.query('before');
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
          throw badRequest('invalid-query', 'limit is 1-1000.');
        if (before !== undefined && !/^\d{1,18}$/.test(before))
          throw badRequest('invalid-query', 'before is an entry id.');
        return c.json({ entries: await listAudit(db, c.get('org').id, { limit, before }) } satisfies AuditLog<Date>);
      })
      // The job history (survey sweeps and e-mails; later alerts and reports), for administrators.
      .get('/api/v1/jobs', requireAccess(deps, 'audit'), async (c) => {
        const limit = Number(c.req.query('limit') ?? 100);
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
          throw badRequest('invalid-query', 'limit is 1-1000.');
        const state = c.req.query('state');
        if (state !== undefined && !JOB_STATES.includes(state as JobState))
          throw badRequest('invalid-query', `state is one of ${JOB_STATES.join(', ')}.`);
        const kind = c.req.query('kind');
        if (kind !== undefined && !/^[a-z0-9_.-]{1,100}$/.test(kind))
          throw badRequest('invalid-query', 'kind is a job kind such as survey.send.');
        const jobs = await listJobs(deps.db, c.get('org').id, { limit, state: state as JobState | undefined, kind });
        return c.json({ jobs } satisfies JobList<Date>);
      })
      .post('/api/v1/jobs/:id/retry', requireAccess(deps, 'settings'), async (c) => {
        const id = String(c.req.param('id'));
        await retryJob(deps.db, c.get('org').id, id);
        await audit(c, 'job.retried', id);
        return c.body(null, 204);
      })
  );
}
