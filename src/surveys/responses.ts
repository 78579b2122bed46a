import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Db } from '../db/connect.ts';
import type { Database, Texts } from '../db/schema.ts';
import { badRequest } from '../errors.ts';
import { SENTIMENT_COLUMNS, sentimentColumns } from '../feedback/sentiment/columns.ts';
import { SURVEY_SCALES } from '../ingest/entities.ts';
import { markRollupRows, refreshRollups } from '../metrics/rollups/index.ts';
import { getOrganization } from '../orgs/index.ts';
import { scaleOf, type Language, type SurveyKind } from './definitions.ts';
import { interfaceLanguage, surveyIsOpen } from './invitations.ts';
import { openInvitationToken } from './links.ts';

/**
 * Answers from survey pages and e-mails land in survey_response (id `sv-<invitation>`), with the
 * invitation's attribution, so every metric sees them at once. The score is saved on the first
 * click; the comment and attribute ratings can follow; the answer can change until the survey
 * closes or the link expires (the latest counts, placed in time by its first submission).
 */
export interface OpenInvitation {
  orgId: string;
  id: string;
  survey: {
    id: string;
    name: string;
    kind: SurveyKind;
    question: Texts;
    follow_up: Texts | null;
    attributes: string[];
    status: 'active' | 'closed';
    closes_at: Date | null;
  };
  customer_id: string | null;
  email: string | null;
  language: Language;
  expires_at: Date;
  responded_at: Date | null;
  /** The current answer, if any. */
  response: { score: number; comment: string | null; ratings: Record<string, number> } | null;
}

export type InvitationState = { state: 'open' | 'closed'; invitation: OpenInvitation } | { state: 'invalid' };

/** The invitation behind a link token, its survey and current answer. */
export async function findInvitation(db: Db, token: string, now = new Date()): Promise<InvitationState> {
  const opened = await openInvitationToken(db, token);
  if (!opened) return { state: 'invalid' };
  const row = await sql<Record<string, any>>`
    select i.id, i.customer_id, i.email, i.language, i.expires_at, i.responded_at,
      s.id as survey_id, s.name, s.kind, s.question, s.follow_up, s.attributes, s.status, s.closes_at,
      r.score, r.comment, r.ratings
    from survey_invitation i
    join survey s on s.org_id = i.org_id and s.id = i.survey_id
    left join survey_response r on r.org_id = i.org_id and r.id = 'sv-' || i.id::text
    where i.org_id = ${opened.orgId}::uuid and i.id = ${opened.invitationId}::uuid`.execute(db.kysely);
  const r = row.rows[0];
  if (!r) return { state: 'invalid' };
  const invitation: OpenInvitation = {
    orgId: opened.orgId,
    id: r.id,
    survey: {
      id: r.survey_id,
      name: r.name,
      kind: r.kind,
      question: r.question,
      follow_up: r.follow_up,
      attributes: r.attributes,
      status: r.status,
      closes_at: r.closes_at,
    },
    customer_id: r.customer_id,
    email: r.email,
    language: interfaceLanguage(r.language) ?? 'en',
    expires_at: r.expires_at,
    responded_at: r.responded_at,
    response: r.score === null ? null : { score: r.score, comment: r.comment, ratings: r.ratings ?? {} },
  };
  const open = surveyIsOpen(invitation.survey, now) && invitation.expires_at.getTime() > now.getTime();
  return { state: open ? 'open' : 'closed', invitation };
}

export const MAX_COMMENT = 5000;

/**
 * A comment as stored: Unicode-normalized, without control characters (line breaks and tabs
 * stay), trimmed. Invalid UTF-8 has already become U+FFFD when the request was decoded.
 */
export function cleanComment(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text
    .normalize('NFC')
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u2028\u2029]/g, '')
    .trim();
}

export interface AnswerInput {
  score?: number;
  comment?: string;
  ratings?: Record<string, number>;
}

/** Saves an answer (or a change of it). Throws a 400 with a reason the page can show. */
export async function recordResponse(db: Db, invitation: OpenInvitation, input: AnswerInput, now = new Date()) {
  const [low, high] = scaleOf(invitation.survey.kind);
  const score = input.score ?? invitation.response?.score;
  if (score === undefined) throw badRequest('score-required', 'Choose a score first.');
  if (!Number.isInteger(score) || score < low || score > high) {
    throw badRequest('invalid-score', `The score is a whole number from ${low} to ${high}.`);
  }
  let comment: string | null | undefined;
  if (input.comment !== undefined) {
    comment = cleanComment(input.comment);
    if (comment.length > MAX_COMMENT) {
      throw badRequest(
        'comment-too-long',
        `A comment has at most ${MAX_COMMENT} characters (this one has ${comment.length}).`,
      );
    }
    if (!comment) comment = null;
  }
  const ratings: Record<string, number> = {};
  for (const [key, value] of Object.entries(input.ratings ?? {})) {
    if (!invitation.survey.attributes.includes(key))
      throw badRequest('invalid-rating', `This survey does not ask about ${key}.`);
    if (!Number.isInteger(value) || value < 1 || value > 5) throw badRequest('invalid-rating', 'A rating is 1 to 5.');
    ratings[key] = value;
  }
  await saveAnswer(db, invitation.orgId, invitation.id, score, comment, ratings, now);
}

/** The scale of each survey kind as SQL over `s.kind` (static text from SURVEY_SCALES). */
const SCALE_SQL = (['low', 'high'] as const).map(
  (end) =>
    `case s.kind ${Object.entries(SURVEY_SCALES)
      .map(([kind, [low, high]]) => `when '${kind}' then ${end === 'low' ? low : high}`)
      .join(' ')} end`,
);

/**
 * The one-click path (a score, nothing else): one statement checks that the link's survey is
 * open and the score on its scale, and saves. False when it could not (the caller then finds
 * out why, to show the right page).
 */
export async function recordScore(db: Db, token: string, score: number, now = new Date()): Promise<boolean> {
  if (!Number.isInteger(score)) return false;
  const opened = await openInvitationToken(db, token);
  if (!opened) return false;
  return saveAnswer(db, opened.orgId, opened.invitationId, score, undefined, {}, now, true);
}

async function saveAnswer(
  db: Db,
  orgId: string,
  invitationId: string,
  score: number,
  comment: string | null | undefined,
  ratings: Record<string, number>,
  now: Date,
  checkOpen = false,
): Promise<boolean> {
  const id = `sv-${invitationId}`;
  const open = checkOpen
    ? sql`and s.status = 'active' and (s.closes_at is null or s.closes_at > ${now}::timestamptz)
        and i.expires_at > ${now}::timestamptz
        and ${score}::int between ${sql.raw(SCALE_SQL[0]!)} and ${sql.raw(SCALE_SQL[1]!)}`
    : sql``;
  // The answer and the rollups of its day change in one transaction (src/metrics/rollups).
  return db.kysely.transaction().execute(async (trx) => {
    const org = await getOrganization(trx, orgId);
    await markRollupRows(trx, org, 'survey_responses', [id]);
    const saved = await saveAnswerRow(trx, orgId, invitationId, id, score, comment, ratings, now, open);
    if (saved) {
      await markRollupRows(trx, org, 'survey_responses', [id]);
      await refreshRollups(trx, org, 'survey_responses');
    }
    return saved;
  });
}

async function saveAnswerRow(
  db: Kysely<Database>,
  orgId: string,
  invitationId: string,
  id: string,
  score: number,
  comment: string | null | undefined,
  ratings: Record<string, number>,
  now: Date,
  open: RawBuilder<unknown>,
): Promise<boolean> {
  // The comment's sentiment, read here so that the answer is stored with it (src/feedback/sentiment).
  const feeling = sentimentColumns(comment);
  const result = await sql<{ saved: number }>`
    with saved as (
      insert into survey_response (org_id, id, kind, score, submitted_at, survey, comment, language, customer_id,
        ticket_id, agent_id, team_id, channel, ratings, attributes, sentiment_class, sentiment_score,
        sentiment_language, sentiment_model)
      select i.org_id, ${id}, s.kind, ${score}, ${now}::timestamptz, s.id, ${comment ?? null}, i.language, i.customer_id,
        i.ticket_id, i.agent_id, i.team_id, i.channel, ${JSON.stringify(ratings)}::jsonb,
        jsonb_build_object('source', 'cxkpi-survey', 'invitation', i.id::text), ${feeling.sentiment_class},
        ${feeling.sentiment_score}::numeric, ${feeling.sentiment_language}, ${feeling.sentiment_model}
      from survey_invitation i join survey s on s.org_id = i.org_id and s.id = i.survey_id
      where i.org_id = ${orgId}::uuid and i.id = ${invitationId}::uuid ${open}
      on conflict (org_id, id) do update set
        score = excluded.score,
        comment = ${comment === undefined ? sql`survey_response.comment` : sql`excluded.comment`},
        ${sql.raw(
          SENTIMENT_COLUMNS.map(
            (c) => `${c} = ${comment === undefined ? `survey_response.${c}` : `excluded.${c}`}`,
          ).join(', '),
        )},
        ratings = survey_response.ratings || excluded.ratings,
        updated_at = now()
      returning 1
    ), marked as (
      update survey_invitation set responded_at = coalesce(responded_at, ${now}::timestamptz)
      where org_id = ${orgId}::uuid and id = ${invitationId}::uuid and exists (select 1 from saved)
    )
    select count(*)::int as saved from saved`.execute(db);
  return result.rows[0]!.saved === 1;
}
