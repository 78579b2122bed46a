import { sql } from 'kysely';
import type { Db } from '../db/connect.ts';
import type { Mailer } from '../mail/mailer.ts';
import { getOrganization, type Organization } from '../orgs/index.ts';
import { getSurvey, type Language, type Survey } from './definitions.ts';
import { inviteRecipients, surveyIsOpen } from './invitations.ts';
import { invitationToken } from './links.ts';
import { renderInvitationEmail } from './render.ts';

/**
 * The survey work the server does every minute: invite customers whose ticket was solved (after
 * the survey's delay), start recurring relationship surveys, e-mail due invitations, and remind
 * non-responders once. Safe to run again at any time: every step looks at what is not done yet.
 */
export interface SurveyJobDeps {
  mailer?: Mailer;
  /** Base of the links in e-mails, such as https://cx.example.com. */
  publicUrl: string;
}

export interface SurveyJobReport {
  invited: number;
  sent: number;
  reminded: number;
  failed: number;
}

export function surveyLinks(publicUrl: string, token: string) {
  const page = `${publicUrl}/s/${token}`;
  return { page, score: (n: number) => `${page}?score=${n}`, unsubscribe: `${page}/unsubscribe` };
}

export async function runSurveyJobs(db: Db, deps: SurveyJobDeps, now = new Date()): Promise<SurveyJobReport> {
  const report: SurveyJobReport = { invited: 0, sent: 0, reminded: 0, failed: 0 };
  const surveys = await db.kysely
    .selectFrom('survey')
    .select(['org_id', 'id'])
    .where('status', '=', 'active')
    .execute();
  for (const { org_id, id } of surveys) {
    const org = await getOrganization(db.kysely, org_id);
    const survey = await getSurvey(db, org, id);
    if (!surveyIsOpen(survey, now)) continue;
    report.invited += await inviteSolvedTickets(db, org, survey, now);
    report.invited += await inviteRecurring(db, org, survey, now);
  }
  if (deps.mailer) {
    const sent = await sendDue(db, deps as Required<SurveyJobDeps>, now);
    report.sent += sent.sent;
    report.failed += sent.failed;
    const reminded = await remind(db, deps as Required<SurveyJobDeps>, now);
    report.reminded += reminded.sent;
    report.failed += reminded.failed;
  }
  return report;
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
  customer_id: string | null;
}

async function deliver(db: Db, deps: Required<SurveyJobDeps>, due: Due[], reminder: boolean, now: Date) {
  let sent = 0;
  let failed = 0;
  // A batch holds up to 1,000 invitations of few surveys: load each organization and survey once.
  const orgs = new Map<string, Promise<Organization>>();
  const surveys = new Map<string, Promise<Survey>>();
  for (const invitation of due) {
    if (!orgs.has(invitation.org_id)) orgs.set(invitation.org_id, getOrganization(db.kysely, invitation.org_id));
    const org = await orgs.get(invitation.org_id)!;
    const surveyKey = `${invitation.org_id}/${invitation.survey_id}`;
    if (!surveys.has(surveyKey)) surveys.set(surveyKey, getSurvey(db, org, invitation.survey_id));
    const survey = await surveys.get(surveyKey)!;
    const links = surveyLinks(deps.publicUrl, await invitationToken(db, org.id, invitation.id));
    const message = renderInvitationEmail(survey, invitation.language, org.name, links, reminder);
    try {
      await deps.mailer.send({
        to: invitation.email,
        ...message,
        headers: {
          'List-Unsubscribe': `<${links.unsubscribe}>`,
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
          'Content-Language': invitation.language,
        },
      });
      await db.kysely
        .updateTable('survey_invitation')
        .set(reminder ? { reminded_at: now } : { sent_at: now, delivery_error: null })
        .where('org_id', '=', invitation.org_id)
        .where('id', '=', invitation.id)
        .execute();
      sent++;
    } catch (error) {
      // Kept unsent with the reason; the next run tries again.
      await db.kysely
        .updateTable('survey_invitation')
        .set({ delivery_error: String((error as Error).message ?? error).slice(0, 500) })
        .where('org_id', '=', invitation.org_id)
        .where('id', '=', invitation.id)
        .execute();
      failed++;
    }
  }
  return { sent, failed };
}

/** Invitations whose time has come, to addresses that did not unsubscribe, on open surveys. */
const dueEmails = (now: Date) => sql`from survey_invitation i
    join survey s on s.org_id = i.org_id and s.id = i.survey_id
    where i.sent_at is null and i.responded_at is null and i.email is not null
      and i.send_after <= ${now}::timestamptz and i.expires_at > ${now}::timestamptz
      and s.status = 'active' and (s.closes_at is null or s.closes_at > ${now}::timestamptz)
      and not exists (select 1 from survey_unsubscribe u where u.org_id = i.org_id
        and (u.email = i.email or u.customer_id = i.customer_id))`;

/** Sent invitations due their one reminder (reminder_hours after sending), still unanswered. */
const dueReminders = (now: Date) => sql`from survey_invitation i
    join survey s on s.org_id = i.org_id and s.id = i.survey_id
    where i.sent_at is not null and i.responded_at is null and i.reminded_at is null and i.email is not null
      and s.reminder_hours is not null
      and i.sent_at <= ${now}::timestamptz - make_interval(hours => s.reminder_hours)
      and i.expires_at > ${now}::timestamptz
      and s.status = 'active' and (s.closes_at is null or s.closes_at > ${now}::timestamptz)
      and not exists (select 1 from survey_unsubscribe u where u.org_id = i.org_id
        and (u.email = i.email or u.customer_id = i.customer_id))`;

/**
 * The survey work waiting for the next run, for monitoring: e-mails and reminders due now (the
 * same conditions the run uses; without SMTP nothing drains them), and how many of the due
 * e-mails failed at their last attempt.
 */
export async function countDueSurveyJobs(db: Db, now = new Date()) {
  const counts = await sql<{ emails: number; reminders: number; failing: number }>`
    select (select count(*) ${dueEmails(now)}) as emails,
      (select count(*) ${dueReminders(now)}) as reminders,
      (select count(*) ${dueEmails(now)} and i.delivery_error is not null) as failing`.execute(db.kysely);
  return counts.rows[0]!;
}

async function sendDue(db: Db, deps: Required<SurveyJobDeps>, now: Date) {
  const due = await sql<Due>`
    select i.org_id, i.id, i.email, i.language, i.survey_id, i.customer_id ${dueEmails(now)}
    order by i.send_after limit 1000`.execute(db.kysely);
  return deliver(db, deps, due.rows, false, now);
}

/** One reminder, reminder_hours after the invitation, to those who have not answered. */
async function remind(db: Db, deps: Required<SurveyJobDeps>, now: Date) {
  const due = await sql<Due>`
    select i.org_id, i.id, i.email, i.language, i.survey_id, i.customer_id ${dueReminders(now)}
    order by i.sent_at limit 1000`.execute(db.kysely);
  return deliver(db, deps, due.rows, true, now);
}
