import { Readable } from 'node:stream';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { recordAudit } from '../../auth/index.ts';
import type { InvitationList, InviteResult, SurveyList } from '../../contract/api.ts';
import { badRequest } from '../../errors.ts';
import { readRecords } from '../../ingest/read-records.ts';
import {
  getServiceAttributes,
  getSurvey,
  listSurveys,
  saveSurvey,
  setServiceAttributes,
} from '../../surveys/definitions.ts';
import { inviteRecipients, ZRecipient, type Recipient } from '../../surveys/invitations.ts';
import { widgetToken } from '../../surveys/links.ts';
import { surveyLinks } from '../../surveys/jobs.ts';
import { requireAccess, type AppDeps, type AppEnv } from '../app.ts';
import { clientAddress } from '../rate-limit.ts';
import { parseBody } from './auth.ts';

/**
 * Surveys for managers: definitions, batches of invitations (JSON or CSV), the invitation list
 * with delivery and answers, the embeddable widget, and the organization's service attributes.
 */
export function surveyRoutes(deps: AppDeps) {
  const db = deps.db;
  const base = (c: Context<AppEnv>) => deps.config.publicUrl ?? new URL(c.req.url).origin;
  const audit = (c: Context<AppEnv>, action: string, target: string, details: Record<string, unknown> = {}) =>
    recordAudit(db.kysely, c.get('access'), action, target, details, clientAddress(deps, c));

  return new Hono<AppEnv>()
    .get('/api/v1/surveys', requireAccess(deps, 'surveys'), async (c) =>
      c.json({
        surveys: await listSurveys(db, c.get('org')),
        email: deps.mailer ? { smtp: deps.mailer.host } : null,
      } satisfies SurveyList<Date>),
    )
    .post('/api/v1/surveys', requireAccess(deps, 'surveys'), async (c) => {
      const survey = await saveSurvey(db, c.get('org'), await parseBody(c, z.unknown()), 'create');
      await audit(c, 'survey.created', survey.id, { kind: survey.kind });
      return c.json(survey, 201);
    })
    .get('/api/v1/surveys/:id', requireAccess(deps, 'surveys'), async (c) =>
      c.json(await getSurvey(db, c.get('org'), String(c.req.param('id')))),
    )
    .put('/api/v1/surveys/:id', requireAccess(deps, 'surveys'), async (c) => {
      const body = await parseBody(c, z.record(z.string(), z.unknown()));
      const survey = await saveSurvey(db, c.get('org'), { ...body, id: String(c.req.param('id')) }, 'replace');
      await audit(c, 'survey.updated', survey.id, { status: survey.status });
      return c.json(survey);
    })
    .post('/api/v1/surveys/:id/invitations', requireAccess(deps, 'surveys'), async (c) => {
      const org = c.get('org');
      const survey = await getSurvey(db, org, String(c.req.param('id')));
      const recipients = await readRecipients(c);
      const result = await inviteRecipients(db, org, survey, recipients, 'batch');
      await audit(c, 'survey.invited', survey.id, { created: result.created.length, skipped: result.skipped.length });
      return c.json(
        {
          created: result.created.map(({ token, ...rest }) => ({ ...rest, url: surveyLinks(base(c), token).page })),
          skipped: result.skipped,
          email: deps.mailer
            ? 'Invitations with an address are e-mailed within a minute.'
            : 'No SMTP server is configured (CXKPI_SMTP_URL): nothing is e-mailed; share the links.',
        } satisfies InviteResult,
        201,
      );
    })
    .get('/api/v1/surveys/:id/invitations', requireAccess(deps, 'surveys'), async (c) => {
      const org = c.get('org');
      const survey = await getSurvey(db, org, String(c.req.param('id')));
      const limit = Math.min(Math.max(Number(c.req.query('limit') ?? 100) || 100, 1), 1000);
      const rows = await db.kysely
        .selectFrom('survey_invitation')
        .select([
          'id',
          'customer_id',
          'ticket_id',
          'agent_id',
          'team_id',
          'channel',
          'email',
          'language',
          'source',
          'send_after',
          'sent_at',
          'delivery_error',
          'reminded_at',
          'responded_at',
          'expires_at',
          'created_at',
        ])
        .where('org_id', '=', org.id)
        .where('survey_id', '=', survey.id)
        .orderBy('created_at', 'desc')
        .limit(limit)
        .execute();
      return c.json({ invitations: rows } satisfies InvitationList<Date>);
    })
    .get('/api/v1/surveys/:id/embed', requireAccess(deps, 'surveys'), async (c) => {
      const org = c.get('org');
      const survey = await getSurvey(db, org, String(c.req.param('id')));
      const url = `${base(c)}/w/${await widgetToken(db, org.id, survey.id)}`;
      const snippet =
        `<iframe src="${url}" title="${survey.name.replace(/[<>"&]/g, '')}" ` +
        `style="width:100%;max-width:640px;height:420px;border:0" loading="lazy"></iframe>`;
      return c.json({ url, snippet });
    })
    .get('/api/v1/organization/service-attributes', requireAccess(deps, 'query'), async (c) =>
      c.json({ attributes: await getServiceAttributes(db, c.get('org')) }),
    )
    .put('/api/v1/organization/service-attributes', requireAccess(deps, 'surveys'), async (c) => {
      const attributes = await setServiceAttributes(db, c.get('org'), await parseBody(c, z.unknown()));
      await audit(c, 'service_attributes.set', c.get('org').slug, { keys: attributes.map((a) => a.key) });
      return c.json({ attributes });
    });
}

/** Recipients from a JSON array or a CSV file (columns customer_id, email, ticket_id, ...). */
async function readRecipients(c: Context<AppEnv>): Promise<Recipient[]> {
  const type = c.req.header('content-type') ?? '';
  let records: unknown[];
  if (type.includes('text/csv')) {
    records = [];
    const text = await c.req.text();
    for await (const item of readRecords(Readable.from([text]), 'csv')) {
      if (item.type === 'broken') throw badRequest('invalid-csv', `line ${item.line}: ${item.reason}`);
      if (item.type === 'record') {
        records.push(Object.fromEntries(Object.entries(item.values).filter(([, v]) => v !== '' && v !== null)));
      }
    }
  } else {
    records = await parseBody(c, z.array(z.unknown()).max(10_000));
  }
  if (!records.length) throw badRequest('empty-body', 'Send at least one recipient.');
  if (records.length > 10_000) throw badRequest('too-many', 'At most 10,000 recipients per request.');
  const errors: Array<{ line: number; reason: string }> = [];
  const recipients = records.map((record, i) => {
    const parsed = ZRecipient.safeParse(record);
    if (!parsed.success) {
      errors.push({
        line: i + 1,
        reason: parsed.error.issues.map((x) => `${x.path.join('.') || 'recipient'}: ${x.message}`).join('; '),
      });
    }
    return parsed.data!;
  });
  if (errors.length) {
    throw badRequest(
      'invalid-recipients',
      `${errors.length} recipients are invalid; nothing was sent. First: ${errors[0]!.line}: ${errors[0]!.reason}`,
      errors.slice(0, 100),
    );
  }
  return recipients;
}
