import type { MetricDef } from './types.ts';

/**
 * Review and feedback KPIs (docs/feedback-intelligence.md). The `feedback` entity is every
 * survey comment and every review with a title or text, as one set of rows placed by `at` (when
 * the answer was submitted or the review published), with the class the sentiment model read
 * (migration 0010) and the class the score gives (`score_class`: NPS 0-6 / 7-8 / 9-10, CES 1-3 /
 * 4 / 5-7, other scales 1-2 / 3 / 4-5, reviews at most 40 % / between / at least 80 % of their
 * maximum), so that "score and text disagree" is a filter like any other.
 */
const SURVEY_SCORE_CLASS = `case
  when kind in ('nps', 'enps') then case when score <= 6 then 'negative' when score >= 9 then 'positive' else 'neutral' end
  when kind = 'ces' then case when score <= 3 then 'negative' when score >= 5 then 'positive' else 'neutral' end
  else case when score <= 2 then 'negative' when score >= 4 then 'positive' else 'neutral' end end`;
const REVIEW_SCORE_CLASS = `case when rating is null then null
  when rating / rating_max <= 0.4 then 'negative' when rating / rating_max >= 0.8 then 'positive' else 'neutral' end`;

/** The text's class in three: negative, neutral or positive (null without a reading). */
const TEXT_CLASS = `case when sentiment_class in ('very_negative', 'negative') then 'negative'
  when sentiment_class in ('very_positive', 'positive') then 'positive' when sentiment_class = 'neutral' then 'neutral' end`;

export const FEEDBACK_ROWS =
  `(select org_id, id, 'survey' as source, kind, submitted_at as at, language, customer_id, ticket_id, agent_id, ` +
  `team_id, channel, attributes, sentiment_class, sentiment_score, sentiment_language, themes, ` +
  `${SURVEY_SCORE_CLASS} as score_class ` +
  `from survey_response where comment is not null ` +
  `union all select org_id, id, 'review', 'review', published_at, language, customer_id, null, null, null, null, ` +
  `attributes, sentiment_class, sentiment_score, sentiment_language, themes, ${REVIEW_SCORE_CLASS} ` +
  `from review where title is not null or text is not null)`;

/** Whether the text's class (in three) and the score's class differ, where both are known. */
export const DISAGREE_SQL = (row: string) =>
  `(${row}.score_class is not null and ${TEXT_CLASS.replace(/sentiment_class/g, `${row}.sentiment_class`)} <> ${row}.score_class)`;

const THEME_SERIES = {
  dimension: 'theme',
  join: 'cross join lateral jsonb_each_text(e.themes) as th(key, value)',
  sql: 'th.key',
};

export const feedbackMetrics: MetricDef[] = [
  {
    id: 'review_rating',
    names: { en: 'Review rating', ru: 'Оценка в отзывах', lt: 'Atsiliepimų įvertinimas' },
    description: 'Mean review rating on a 0-5 scale (5 x rating / rating_max, so 8 of 10 counts as 4).',
    unit: 'score',
    direction: 'higher_is_better',
    entity: 'reviews',
    time: 'published_at',
    population: 'reviews with a rating',
    where: 'e.rating is not null',
    formula: { kind: 'mean', value: '5.0 * e.rating / e.rating_max' },
    minSample: 30,
    uncertainty: 't-mean',
  },
  {
    id: 'review_positive_share',
    names: { en: 'Positive reviews', ru: 'Доля положительных отзывов', lt: 'Teigiamų atsiliepimų dalis' },
    description: 'Share of rated reviews at 80 % of their maximum or more (4 or 5 of 5).',
    unit: 'ratio',
    direction: 'higher_is_better',
    entity: 'reviews',
    time: 'published_at',
    population: 'reviews with a rating',
    where: 'e.rating is not null',
    formula: { kind: 'proportion', success: 'e.rating >= 0.8 * e.rating_max' },
    minSample: 30,
    uncertainty: 'wilson',
  },
  {
    id: 'reviews',
    names: { en: 'Reviews', ru: 'Отзывы', lt: 'Atsiliepimai' },
    description: 'Number of reviews published, rated or not.',
    unit: 'count',
    direction: 'neutral',
    entity: 'reviews',
    time: 'published_at',
    population: 'all reviews',
    where: 'true',
    formula: { kind: 'count' },
    minSample: 0,
    uncertainty: 'none',
  },
  {
    id: 'feedback_volume',
    names: { en: 'Feedback volume', ru: 'Объём отзывов и комментариев', lt: 'Atsiliepimų ir komentarų kiekis' },
    description: 'Number of written feedback items: survey comments and reviews with a title or text.',
    unit: 'count',
    direction: 'neutral',
    entity: 'feedback',
    time: 'at',
    population: 'survey answers with a comment and reviews with a title or text',
    where: 'true',
    formula: { kind: 'count' },
    minSample: 0,
    uncertainty: 'none',
  },
  {
    id: 'negative_feedback_share',
    names: {
      en: 'Negative feedback share',
      ru: 'Доля негативных отзывов и комментариев',
      lt: 'Neigiamų atsiliepimų ir komentarų dalis',
    },
    description: 'Share of comments and reviews whose text reads negative or very negative.',
    unit: 'ratio',
    direction: 'lower_is_better',
    entity: 'feedback',
    time: 'at',
    population: 'comments and reviews whose text was read (sentiment_class known)',
    where: 'e.sentiment_class is not null',
    formula: { kind: 'proportion', success: "e.sentiment_class in ('negative', 'very_negative')" },
    minSample: 30,
    uncertainty: 'wilson',
  },
  {
    id: 'theme_mentions',
    names: { en: 'Theme mentions', ru: 'Упоминания тем', lt: 'Temų paminėjimai' },
    description:
      'Comments and reviews that mention each theme (availability, speed, price, ...), one series per theme.',
    unit: 'count',
    direction: 'neutral',
    entity: 'feedback',
    time: 'at',
    population: 'comments and reviews tagged with the theme',
    where: 'e.themes is not null',
    formula: { kind: 'count' },
    minSample: 0,
    uncertainty: 'none',
    series: THEME_SERIES,
  },
  {
    id: 'theme_negative_share',
    names: { en: 'Theme, share negative', ru: 'Доля негатива по теме', lt: 'Neigiamų dalis pagal temą' },
    description: "Share of a theme's mentions whose own clause reads negative, one series per theme.",
    unit: 'ratio',
    direction: 'lower_is_better',
    entity: 'feedback',
    time: 'at',
    population: 'mentions of the theme',
    where: 'e.themes is not null',
    formula: { kind: 'proportion', success: "th.value = 'negative'" },
    minSample: 30,
    uncertainty: 'wilson',
    series: THEME_SERIES,
  },
];
