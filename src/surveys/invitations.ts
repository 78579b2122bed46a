import { sql } from 'kysely';
import { z } from 'zod';
import type { InvitationSource, InviteResult as InviteAnswer } from '../contract/api.ts';
import type { Db } from '../db/connect.ts';
import { AppError } from '../errors.ts';
import type { Organization } from '../orgs/index.ts';
import { LANGUAGES, type Language, type Survey } from './definitions.ts';
import { invitationToken } from './links.ts';

/**
 * Invitations: one per recipient and survey, holding the attribution (customer, ticket, agent,
 * team, channel) that the response will carry. Creating them applies the rules that protect
 * customers: an unsubscribed address or customer gets nothing, nobody is asked more than once per
 * the survey's fatigue window (across surveys), and a ticket is surveyed once.
 */
export const ZRecipient = z
  .object({
    customer_id: z.string().min(1).max(200).optional(),
    email: z.email().max(320).optional(),
    ticket_id: z.string().min(1).max(200).optional(),
    agent_id: z.string().min(1).max(200).optional(),
    team_id: z.string().min(1).max(200).optional(),
    channel: z.string().min(1).max(100).optional(),
    language: z.string().max(35).optional(),
  })
  .strict()
  .refine((r) => r.customer_id || r.email || r.ticket_id, 'needs a customer_id, an email or a ticket_id');
export type Recipient = z.infer<typeof ZRecipient>;

export type { InvitationSource } from '../contract/api.ts';

/** What a batch created and skipped; the route turns each token into the link of the HTTP answer. */
export interface InviteResult {
  created: Array<Omit<InviteAnswer['created'][number], 'url'> & { token: string }>;
  skipped: InviteAnswer['skipped'];
}

/** en, ru or lt from a language tag such as ru-RU or LT; undefined for others. */
export function interfaceLanguage(tag: string | null | undefined): Language | undefined {
  const base = tag?.trim().toLowerCase().split(/[-_]/)[0];
  return LANGUAGES.find((l) => l === base);
}

export function surveyIsOpen(survey: Pick<Survey, 'status' | 'closes_at'>, now: Date): boolean {
  return survey.status === 'active' && (!survey.closes_at || survey.closes_at.getTime() > now.getTime());
}

export async function inviteRecipients(
  db: Db,
  org: Organization,
  survey: Survey,
  recipients: Recipient[],
  source: InvitationSource,
  options: { now?: Date; sendAfter?: Array<Date | undefined> } = {},
): Promise<InviteResult> {
  const now = options.now ?? new Date();
  if (!surveyIsOpen(survey, now)) {
    throw new AppError(409, 'survey-closed', `Survey ${survey.id} is closed; reopen it to invite people.`);
  }
  const ticketIds = [...new Set(recipients.map((r) => r.ticket_id).filter((t): t is string => Boolean(t)))];
  const tickets = ticketIds.length
    ? await db.kysely
        .selectFrom('ticket')
        .select(['id', 'customer_id', 'agent_id', 'team_id', 'channel'])
        .where('org_id', '=', org.id)
        .where('id', 'in', ticketIds)
        .execute()
    : [];
  const ticketOf = new Map(tickets.map((t) => [t.id, t]));
  const filled = recipients.map((r) => {
    const ticket = r.ticket_id ? ticketOf.get(r.ticket_id) : undefined;
    return {
      ...r,
      customer_id: r.customer_id ?? ticket?.customer_id ?? undefined,
      agent_id: r.agent_id ?? ticket?.agent_id ?? undefined,
      team_id: r.team_id ?? ticket?.team_id ?? undefined,
      channel: r.channel ?? ticket?.channel ?? undefined,
    };
  });
  const customerIds = [...new Set(filled.map((r) => r.customer_id).filter((c): c is string => Boolean(c)))];
  const customers = customerIds.length
    ? await db.kysely
        .selectFrom('customer')
        .select(['id', 'email', 'language'])
        .where('org_id', '=', org.id)
        .where('id', 'in', customerIds)
        .execute()
    : [];
  const customerOf = new Map(customers.map((c) => [c.id, c]));
  const resolved = filled.map((r) => {
    const customer = r.customer_id ? customerOf.get(r.customer_id) : undefined;
    const email = (r.email ?? customer?.email ?? null)?.trim().toLowerCase() || null;
    return {
      ...r,
      email,
      language: interfaceLanguage(r.language) ?? interfaceLanguage(customer?.language) ?? org.language,
    };
  });

  const emails = [...new Set(resolved.map((r) => r.email).filter((e): e is string => Boolean(e)))];
  const unsubscribed = await db.kysely
    .selectFrom('survey_unsubscribe')
    .select(['email', 'customer_id'])
    .where('org_id', '=', org.id)
    .where((eb) =>
      eb.or([
        ...(emails.length ? [eb('email', 'in', emails)] : []),
        ...(customerIds.length ? [eb('customer_id', 'in', customerIds)] : []),
        eb.val(false),
      ]),
    )
    .execute();
  const since = new Date(now.getTime() - survey.fatigue_days * 86_400_000);
  const recent = survey.fatigue_days
    ? await db.kysely
        .selectFrom('survey_invitation')
        .select(['customer_id', 'email'])
        .where('org_id', '=', org.id)
        .where('created_at', '>', since)
        .where((eb) =>
          eb.or([
            ...(customerIds.length ? [eb('customer_id', 'in', customerIds)] : []),
            ...(emails.length ? [eb('email', 'in', emails)] : []),
            eb.val(false),
          ]),
        )
        .execute()
    : [];
  const invitedTickets = ticketIds.length
    ? await db.kysely
        .selectFrom('survey_invitation')
        .select('ticket_id')
        .where('org_id', '=', org.id)
        .where('survey_id', '=', survey.id)
        .where('ticket_id', 'in', ticketIds)
        .execute()
    : [];

  const asked = new Set([
    ...recent.map((r) => `c:${r.customer_id}`),
    ...recent.filter((r) => r.email).map((r) => `e:${r.email}`),
  ]);
  const blockedEmails = new Set(unsubscribed.map((u) => u.email));
  const blockedCustomers = new Set(unsubscribed.map((u) => u.customer_id).filter(Boolean));
  const surveyedTickets = new Set(invitedTickets.map((t) => t.ticket_id));
  const result: InviteResult = { created: [], skipped: [] };
  const rows: Array<{ index: number; values: Record<string, unknown> }> = [];
  const expires = new Date(
    Math.min(now.getTime() + survey.link_days * 86_400_000, survey.closes_at?.getTime() ?? Infinity),
  );
  for (const [index, r] of resolved.entries()) {
    const who = { index, customer_id: r.customer_id ?? null, email: r.email };
    const skip = (reason: string) => result.skipped.push({ ...who, reason });
    if ((r.email && blockedEmails.has(r.email)) || (r.customer_id && blockedCustomers.has(r.customer_id))) {
      skip('unsubscribed');
      continue;
    }
    if (r.ticket_id && surveyedTickets.has(r.ticket_id)) {
      skip('ticket already surveyed');
      continue;
    }
    if (
      survey.fatigue_days &&
      ((r.customer_id && asked.has(`c:${r.customer_id}`)) || (r.email && asked.has(`e:${r.email}`)))
    ) {
      skip(`asked within the last ${survey.fatigue_days} days`);
      continue;
    }
    if (r.customer_id) asked.add(`c:${r.customer_id}`);
    if (r.email) asked.add(`e:${r.email}`);
    if (r.ticket_id) surveyedTickets.add(r.ticket_id);
    rows.push({
      index,
      values: {
        org_id: org.id,
        survey_id: survey.id,
        customer_id: r.customer_id ?? null,
        ticket_id: r.ticket_id ?? null,
        agent_id: r.agent_id ?? null,
        team_id: r.team_id ?? null,
        channel: r.channel ?? null,
        email: r.email,
        language: r.language,
        source,
        send_after: options.sendAfter?.[index] ?? now,
        expires_at: expires,
        created_at: now,
      },
    });
  }
  for (let start = 0; start < rows.length; start += 1000) {
    const chunk = rows.slice(start, start + 1000);
    const inserted = await db.kysely
      .insertInto('survey_invitation')
      .values(chunk.map((c) => c.values) as never)
      .returning(['id', 'customer_id', 'email'])
      .execute();
    for (const [i, row] of inserted.entries()) {
      result.created.push({ index: chunk[i]!.index, ...row, token: await invitationToken(db, org.id, row.id) });
    }
  }
  return result;
}

/** Records an unsubscribe; later invitations and reminders to the address or customer stop. */
export async function unsubscribe(db: Db, orgId: string, email: string, customerId: string | null): Promise<void> {
  await sql`insert into survey_unsubscribe (org_id, email, customer_id) values (${orgId}::uuid, ${email.toLowerCase()}, ${customerId})
    on conflict (org_id, email) do nothing`.execute(db.kysely);
}
