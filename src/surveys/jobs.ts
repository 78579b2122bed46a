import { sql } from 'kysely';
import type { Db } from '../db/connect.ts';
import { enqueueJobs, type Job, type JobContext, type JobKinds } from '../jobs/index.ts';
import { getOrganization, type Organization } from '../orgs/index.ts';
import { getSurvey, type Language, type Survey } from './definitions.ts';
import { inviteRecipients, surveyIsOpen } from './invitations.ts';
import { invitationToken } from './links.ts';
import { renderInvitationEmail } from './render.ts';

/**
 * The survey work of the job runner (src/jobs): every minute, for each organization with an
 * active survey, a sweep invites customers whose ticket was solved (after the survey's delay),
 * starts recurring relationship surveys, and queues one job per e-mail that is due (invitation
 * or reminder). Each e-mail job sends one message and is retried with backoff when the SMTP
 * server fails, until it is dead with the reason kept on the invitation. Every step looks at
 * what is not done yet, so a sweep can run again at any time.
 */
export function surveyLinks(publicUrl: string, token: string) {
  const page = `${publicUrl}/s/${token}`;
  return { page, score: (n: number) => `${page}?score=${n}`, unsubscribe: `${page}/unsubscribe` };
}

const SWEEP_EVERY_MS = 60_000;

export const surveyJobKinds: JobKinds = {
  'surveys.sweep': {
    maxAttempts: 3,
    every: {
      ms: SWEEP_EVERY_MS,
      orgs: async (db) =>
        (await db.kysely.selectFrom('survey').select('org_id').distinct().where('status', '=', 'active').execute()).map(
          (row) => row.org_id,
        ),
    },
    run: (ctx, job) => sweepSurveys(ctx, job.org_id),
  },
  'survey.send': { maxAttempts: 6, run: (ctx, job) => deliverJob(ctx, job, false) },
  'survey.remind': { maxAttempts: 6, run: (ctx, job) => deliverJob(ctx, job, true) },
};

async function sweepSurveys(ctx: JobContext, orgId: string) {
  const { db, now } = ctx;
  const org = await getOrganization(db.kysely, orgId);
  let invited = 0;
  const surveys = await db.kysely
    .selectFrom('survey')
    .select('id')
    .where('org_id', '=', org.id)
    .where('status', '=', 'active')
    .execute();
  for (const { id } of surveys) {
    const survey = await getSurvey(db, org, id);
    if (!surveyIsOpen(survey, now)) continue;
    invited += await inviteSolvedTickets(db, org, survey, now);
    invited += await inviteRecurring(db, org, survey, now);
  }
  // Without SMTP the invitations keep their links and nothing is queued for sending.
  if (!ctx.mailer) return { invited };
  const queued = (await queueDue(db, org.id, now, false)) + (await queueDue(db, org.id, now, true));
  return { invited, queued };
}

/** Tickets solved since the survey began (at most 30 days back), delay passed, not yet surveyed. */
async function inviteSolvedTickets(db: Db, org: Organization, survey: Survey, now: Date) {
  const trigger = survey.trigger.ticket_solved;
  if (!trigger) return 0;
  const until = new Date(now.getTime() - trigger.delay_minutes * 60_000);
  const since = new Date(Math.max(survey.created_at.getTime(), now.getTime() - 30 * 86_400_000));
  const tickets = await sql<{ id: string; resolved_at: Date }>`
    select t.id, t.resolved_at from ticket t
    where t.org_id = ${org.id}::uuid and t.customer_id is not null
      and t.resolved_at >= ${since}::timestamptz and t.resolved_at <= ${until}::timestamptz
      ${trigger.channels?.length ? sql`and t.channel in (${sql.join(trigger.channels)})` : sql``}
      and not exists (select 1 from survey_invitation i
        where i.org_id = t.org_id and i.survey_id = ${survey.id} and i.ticket_id = t.id)
    order by t.resolved_at limit 5000`.execute(db.kysely);
  if (!tickets.rows.length) return 0;
  const result = await inviteRecipients(
    db,
    org,
    survey,
    tickets.rows.map((t) => ({ ticket_id: t.id })),
    'ticket_solved',
    { now },
  );
  return result.created.length;
}

/** A relationship survey: active customers with an address, not asked by it within its period. */
async function inviteRecurring(db: Db, org: Organization, survey: Survey, now: Date) {
  const trigger = survey.trigger.recurring;
  if (!trigger) return 0;
  const since = new Date(now.getTime() - trigger.every_days * 86_400_000);
  const customers = await sql<{ id: string }>`
    select c.id from customer c
    where c.org_id = ${org.id}::uuid and c.email is not null
      and (exists (select 1 from subscription s where s.org_id = c.org_id and s.customer_id = c.id
              and s.started_at <= ${now}::timestamptz and (s.ended_at is null or s.ended_at > ${now}::timestamptz))
        or exists (select 1 from customer_order o where o.org_id = c.org_id and o.customer_id = c.id
              and o.status = 'completed' and o.ordered_at > ${now}::timestamptz - interval '365 days'))
      and not exists (select 1 from survey_invitation i where i.org_id = c.org_id and i.survey_id = ${survey.id}
        and i.customer_id = c.id and i.created_at > ${since}::timestamptz)
    order by c.id limit 5000`.execute(db.kysely);
  if (!customers.rows.length) return 0;
  const result = await inviteRecipients(
    db,
    org,
    survey,
    customers.rows.map((c) => ({ customer_id: c.id })),
    'recurring',
    { now },
  );
  return result.created.length;
}

interface Due {
  org_id: string;
  id: string;
  email: string;
  language: Language;
  survey_id: string;
}

/**
 * Invitations of an organization whose e-mail is due and not queued yet: first sends whose time
 * has come, or (reminder) one reminder reminder_hours after the invitation to non-responders;
 * to addresses that did not unsubscribe, on open surveys.
 */
async function queueDue(db: Db, orgId: string, now: Date, reminder: boolean): Promise<number> {
  const kind = reminder ? 'survey.remind' : 'survey.send';
  const due = await sql<{ id: string }>`
    select i.id from survey_invitation i
    join survey s on s.org_id = i.org_id and s.id = i.survey_id
    where i.org_id = ${orgId}::uuid and i.responded_at is null and i.email is not null
      and ${
        reminder
          ? sql`i.sent_at is not null and i.reminded_at is null and s.reminder_hours is not null
        and i.sent_at <= ${now}::timestamptz - make_interval(hours => s.reminder_hours)`
          : sql`i.sent_at is null and i.send_after <= ${now}::timestamptz`
      }
      and i.expires_at > ${now}::timestamptz
      and s.status = 'active' and (s.closes_at is null or s.closes_at > ${now}::timestamptz)
      and not exists (select 1 from survey_unsubscribe u where u.org_id = i.org_id
        and (u.email = i.email or u.customer_id = i.customer_id))
      and not exists (select 1 from job j where j.org_id = i.org_id and j.kind = ${kind} and j.key = i.id::text)
    order by ${reminder ? sql`i.sent_at` : sql`i.send_after`} limit 5000`.execute(db.kysely);
  return enqueueJobs(
    db,
    due.rows.map((row) => ({
      orgId,
      kind,
      key: row.id,
      payload: { invitation: row.id },
      runAt: now,
      maxAttempts: surveyJobKinds[kind]!.maxAttempts,
    })),
  );
}

/** One e-mail of one invitation, if it is still due when the job runs. */
async function deliverJob(ctx: JobContext, job: Job, reminder: boolean) {
  const { db, now } = ctx;
  if (!ctx.mailer) throw new Error('No SMTP server is configured (CXKPI_SMTP_URL): nothing can be e-mailed.');
  const id = String(job.payload.invitation ?? '');
  const found = await sql<Due>`
    select i.org_id, i.id, i.email, i.language, i.survey_id from survey_invitation i
    join survey s on s.org_id = i.org_id and s.id = i.survey_id
    where i.org_id = ${job.org_id}::uuid and i.id = ${id}::uuid
      and i.responded_at is null and i.email is not null and i.expires_at > ${now}::timestamptz
      and ${reminder ? sql`i.sent_at is not null and i.reminded_at is null` : sql`i.sent_at is null`}
      and s.status = 'active' and (s.closes_at is null or s.closes_at > ${now}::timestamptz)
      and not exists (select 1 from survey_unsubscribe u where u.org_id = i.org_id
        and (u.email = i.email or u.customer_id = i.customer_id))`.execute(db.kysely);
  const invitation = found.rows[0];
  // Answered, unsubscribed, expired or closed since it was queued: nothing to send.
  if (!invitation) return { skipped: 1 };
  const org = await getOrganization(db.kysely, invitation.org_id);
  const survey = await getSurvey(db, org, invitation.survey_id);
  const links = surveyLinks(ctx.publicUrl, await invitationToken(db, org.id, invitation.id));
  const message = renderInvitationEmail(survey, invitation.language, org.name, links, reminder);
  try {
    await ctx.mailer.send({
      to: invitation.email,
      ...message,
      headers: {
        'List-Unsubscribe': `<${links.unsubscribe}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        'Content-Language': invitation.language,
      },
    });
  } catch (error) {
    // Kept unsent with the reason; the job runner tries again after its backoff.
    await db.kysely
      .updateTable('survey_invitation')
      .set({ delivery_error: String((error as Error).message ?? error).slice(0, 500) })
      .where('org_id', '=', invitation.org_id)
      .where('id', '=', invitation.id)
      .execute();
    throw error;
  }
  await db.kysely
    .updateTable('survey_invitation')
    .set(reminder ? { reminded_at: now } : { sent_at: now, delivery_error: null })
    .where('org_id', '=', invitation.org_id)
    .where('id', '=', invitation.id)
    .execute();
  return reminder ? { reminded: 1 } : { sent: 1 };
}
