import { sql, type RawBuilder } from 'kysely';
import { z } from 'zod';
import type { DataScope } from '../auth/index.ts';
import { isDate } from '../calendar/periods.ts';
import { localToUtcMs } from '../calendar/zoned-time.ts';
import type { FeedbackItem, FeedbackPage } from '../contract/api.ts';
import type { Db } from '../db/connect.ts';
import { badRequest } from '../errors.ts';
import type { Organization } from '../orgs/index.ts';
import { scopeFilters } from '../metrics/dimensions.ts';
import { SENTIMENT_CLASSES, type SentimentClass } from './sentiment/index.ts';

/**
 * The feedback stream: survey answers and online reviews, newest first, with the customer,
 * ticket, agent and team they concern, filtered and searched. Team leads and agents see the
 * survey answers of their part of the data (reviews belong to no team, so not to them).
 */
const list = z
  .string()
  .max(2000)
  .transform((s) =>
    s
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean),
  );

export const ZFeedbackQuery = z
  .object({
    from: z.string().refine(isDate, 'must be a date such as 2026-01-01').optional(),
    to: z.string().refine(isDate, 'must be a date such as 2026-01-01').optional(),
    /** surveys, reviews or both. */
    source: z.enum(['all', 'surveys', 'reviews']).default('all'),
    /** Survey kinds: nps, csat, ces, enps, rating. */
    kind: list.optional(),
    team: list.optional(),
    agent: list.optional(),
    language: list.optional(),
    /** The score's reading: negative, neutral, positive. */
    sentiment: z.enum(['negative', 'neutral', 'positive']).optional(),
    /** The text's reading (the sentiment model's classes, comma-separated). */
    text_sentiment: list.pipe(z.array(z.enum(SENTIMENT_CLASSES))).optional(),
    /** Only items whose text mentions this theme (an id of the organization's themes). */
    theme: z
      .string()
      .regex(/^[a-z0-9_]{1,64}$/, 'is a theme id')
      .optional(),
    /** Only items whose text and score read differently (a 5-star answer with an angry comment). */
    disagree: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true'),
    /** Words to find in the comment, the review's title or text, or the customer's name. */
    q: z.string().trim().max(200).optional(),
    /** Only answers with a comment (default); false lists scores without one too. */
    with_text: z
      .enum(['true', 'false'])
      .default('true')
      .transform((v) => v === 'true'),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().max(500).optional(),
  })
  .strict();
export type FeedbackQuery = z.input<typeof ZFeedbackQuery>;

// The answer's shapes are the HTTP contract's (src/contract/api.ts), which the dashboard imports too.
export type { FeedbackItem, FeedbackPage } from '../contract/api.ts';

// Scales and sentiment of survey kinds: detractors/passives/promoters for NPS, top-2-box for
// CSAT, and the same reading of the other scales; reviews by the share of the top rating.
const SURVEY_SCALE = `case e.kind when 'nps' then 0 when 'enps' then 0 else 1 end`;
const SURVEY_MAX = `case e.kind when 'nps' then 10 when 'enps' then 10 when 'ces' then 7 else 5 end`;
const SURVEY_SENTIMENT = `case
  when e.kind in ('nps', 'enps') then case when e.score <= 6 then 'negative' when e.score >= 9 then 'positive' else 'neutral' end
  when e.kind = 'ces' then case when e.score <= 3 then 'negative' when e.score >= 5 then 'positive' else 'neutral' end
  else case when e.score <= 2 then 'negative' when e.score >= 4 then 'positive' else 'neutral' end end`;
const REVIEW_SENTIMENT = `case when v.rating is null then null
  when v.rating / v.rating_max <= 0.4 then 'negative' when v.rating / v.rating_max >= 0.8 then 'positive' else 'neutral' end`;

/** The text's class in three, over a row alias, to compare with the score's reading. */
const textThree = (
  alias: string,
) => `case when ${alias}.sentiment_class in ('very_negative', 'negative') then 'negative'
  when ${alias}.sentiment_class in ('very_positive', 'positive') then 'positive'
  when ${alias}.sentiment_class = 'neutral' then 'neutral' end`;

function instant(date: string, tz: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(localToUtcMs(tz, y, m, d)).toISOString();
}

/** `%`, `_` and `\` are literal in a search. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export async function listFeedback(
  db: Db,
  org: Organization,
  input: FeedbackQuery,
  context: { scope?: DataScope } = {},
): Promise<FeedbackPage> {
  const parsed = ZFeedbackQuery.safeParse(input);
  if (!parsed.success) {
    throw badRequest(
      'invalid-query',
      parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '),
    );
  }
  const query = parsed.data;
  const scope = context.scope;
  let cursor: [string, string, string] | undefined;
  if (query.cursor) {
    try {
      const value = JSON.parse(Buffer.from(query.cursor, 'base64url').toString('utf8'));
      if (!Array.isArray(value) || value.length !== 3 || !value.every((v) => typeof v === 'string')) throw new Error();
      const [at, source, id] = value as [string, string, string];
      // The values go to SQL as a timestamp and two texts: anything else would fail there. A
      // cursor's time is written by toISOString (which throws on an invalid date).
      if (new Date(at).toISOString() !== at || [at, source, id].some((v) => v.includes('\0'))) throw new Error();
      cursor = [at, source, id];
    } catch {
      throw badRequest('invalid-cursor', 'The cursor is not one this API returned; start again without it.');
    }
  }
  for (const name of ['kind', 'team', 'agent', 'language', 'q'] as const) {
    const values = query[name];
    if ((Array.isArray(values) ? values : [values ?? '']).some((v) => v.includes('\0')))
      throw badRequest('invalid-filter', `${name}: contains a NUL character`);
  }
  const from = query.from ? instant(query.from, org.timezone) : undefined;
  const to = query.to ? instant(query.to, org.timezone) : undefined;
  const pattern = query.q ? likePattern(query.q) : undefined;

  // Reviews have no team or agent: filtering by them, or a scoped caller, leaves only surveys.
  const surveys = query.source !== 'reviews';
  const reviews =
    query.source !== 'surveys' && !query.kind?.length && !query.team?.length && !query.agent?.length && !scope;

  const branches: RawBuilder<unknown>[] = [];
  if (surveys) {
    const where: RawBuilder<unknown>[] = [sql`e.org_id = ${org.id}::uuid`];
    if (from) where.push(sql`e.submitted_at >= ${from}::timestamptz`);
    if (to) where.push(sql`e.submitted_at < ${to}::timestamptz`);
    if (query.kind?.length) where.push(sql`e.kind in (${sql.join(query.kind)})`);
    if (query.team?.length) where.push(sql`e.team_id in (${sql.join(query.team)})`);
    if (query.agent?.length) where.push(sql`e.agent_id in (${sql.join(query.agent)})`);
    if (query.language?.length) where.push(sql`e.language in (${sql.join(query.language)})`);
    if (query.with_text) where.push(sql`coalesce(e.comment, '') <> ''`);
    if (query.sentiment) where.push(sql`${sql.raw(SURVEY_SENTIMENT)} = ${query.sentiment}`);
    if (query.text_sentiment?.length) where.push(sql`e.sentiment_class in (${sql.join(query.text_sentiment)})`);
    if (query.disagree) where.push(sql`${sql.raw(textThree('e'))} <> ${sql.raw(SURVEY_SENTIMENT)}`);
    if (query.theme) where.push(sql`e.themes ? ${query.theme}`);
    if (pattern) where.push(sql`(e.comment ilike ${pattern} or cu.name ilike ${pattern})`);
    where.push(...scopeFilters('survey_responses', scope, true));
    branches.push(sql`
      select 'survey' as source, e.id, e.submitted_at as at, e.kind, e.score::float8 as score,
        ${sql.raw(SURVEY_SCALE)} as scale_min, ${sql.raw(SURVEY_MAX)} as scale_max,
        ${sql.raw(SURVEY_SENTIMENT)} as sentiment, e.sentiment_class as text_sentiment,
        e.sentiment_score::float8 as text_score, e.themes, null::text as title, e.comment as text, e.language, e.survey,
        e.channel, e.customer_id, cu.name as customer_name, e.ticket_id, tk.subject as ticket_subject,
        e.agent_id, ag.name as agent_name, e.team_id, tm.name as team_name, null::text as review_source,
        null::text as url
      from survey_response e
        left join customer cu on cu.org_id = e.org_id and cu.id = e.customer_id
        left join ticket tk on tk.org_id = e.org_id and tk.id = e.ticket_id
        left join agent ag on ag.org_id = e.org_id and ag.id = e.agent_id
        left join team tm on tm.org_id = e.org_id and tm.id = e.team_id
      where ${sql.join(where, sql` and `)}`);
  }
  if (reviews) {
    const where: RawBuilder<unknown>[] = [sql`v.org_id = ${org.id}::uuid`];
    if (from) where.push(sql`v.published_at >= ${from}::timestamptz`);
    if (to) where.push(sql`v.published_at < ${to}::timestamptz`);
    if (query.language?.length) where.push(sql`v.language in (${sql.join(query.language)})`);
    if (query.with_text) where.push(sql`coalesce(v.text, v.title, '') <> ''`);
    if (query.sentiment) where.push(sql`${sql.raw(REVIEW_SENTIMENT)} = ${query.sentiment}`);
    if (query.text_sentiment?.length) where.push(sql`v.sentiment_class in (${sql.join(query.text_sentiment)})`);
    if (query.disagree) where.push(sql`${sql.raw(textThree('v'))} <> ${sql.raw(REVIEW_SENTIMENT)}`);
    if (query.theme) where.push(sql`v.themes ? ${query.theme}`);
    if (pattern) where.push(sql`(v.text ilike ${pattern} or v.title ilike ${pattern} or cu.name ilike ${pattern})`);
    branches.push(sql`
      select 'review' as source, v.id, v.published_at as at, 'review' as kind, v.rating::float8 as score,
        0 as scale_min, v.rating_max::float8 as scale_max, ${sql.raw(REVIEW_SENTIMENT)} as sentiment,
        v.sentiment_class as text_sentiment, v.sentiment_score::float8 as text_score, v.themes,
        v.title, v.text, v.language, null::text as survey, null::text as channel, v.customer_id,
        cu.name as customer_name, null::text as ticket_id, null::text as ticket_subject, null::text as agent_id,
        null::text as agent_name, null::text as team_id, null::text as team_name, v.source as review_source, v.url
      from review v left join customer cu on cu.org_id = v.org_id and cu.id = v.customer_id
      where ${sql.join(where, sql` and `)}`);
  }
  if (!branches.length) return { items: [], total: 0, next_cursor: null };

  const union = sql.join(branches, sql` union all `);
  const after = cursor
    ? sql`where (f.at, f.source, f.id) < (${cursor[0]}::timestamptz, ${cursor[1]}, ${cursor[2]})`
    : sql``;
  const [rows, count] = await Promise.all([
    sql<Record<string, unknown>>`select * from (${union}) f ${after}
      order by f.at desc, f.source desc, f.id desc limit ${query.limit + 1}`.execute(db.kysely),
    sql<{ n: number }>`select count(*)::int as n from (${union}) f`.execute(db.kysely),
  ]);
  const page = rows.rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map(toItem),
    total: Number(count.rows[0]?.n ?? 0),
    next_cursor:
      rows.rows.length > query.limit && last
        ? Buffer.from(
            JSON.stringify([new Date(last.at as Date).toISOString(), String(last.source), String(last.id)]),
          ).toString('base64url')
        : null,
  };
}

function toItem(row: Record<string, unknown>): FeedbackItem {
  const ref = <T extends string>(id: unknown, key: T, name: unknown) =>
    id === null || id === undefined ? null : ({ id: String(id), [key]: (name as string | null) ?? null } as never);
  return {
    source: row.source as FeedbackItem['source'],
    id: String(row.id),
    at: new Date(row.at as Date).toISOString(),
    kind: String(row.kind),
    score: row.score === null ? null : Number(row.score),
    scale_min: Number(row.scale_min),
    scale_max: Number(row.scale_max),
    sentiment: (row.sentiment as FeedbackItem['sentiment']) ?? null,
    text_sentiment: (row.text_sentiment as SentimentClass | null) ?? null,
    text_score: row.text_score === null || row.text_score === undefined ? null : Number(row.text_score),
    themes: (row.themes as FeedbackItem['themes']) ?? null,
    title: (row.title as string | null) ?? null,
    text: (row.text as string | null) ?? null,
    language: (row.language as string | null) ?? null,
    survey: (row.survey as string | null) ?? null,
    channel: (row.channel as string | null) ?? null,
    customer: ref(row.customer_id, 'name', row.customer_name),
    ticket: ref(row.ticket_id, 'subject', row.ticket_subject),
    agent: ref(row.agent_id, 'name', row.agent_name),
    team: ref(row.team_id, 'name', row.team_name),
    review_source: (row.review_source as string | null) ?? null,
    url: (row.url as string | null) ?? null,
  };
}
