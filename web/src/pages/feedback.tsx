import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DateInput } from '../components/date-input.tsx';
import { useCatalog, useSeesReviews } from '../catalog.tsx';
import { FeedbackInsights } from '../components/feedback-insights.tsx';
import { FeedbackList } from '../components/feedback-list.tsx';
import { addDays } from '../periods.ts';
import { navigate, useLocation } from '../router.tsx';

const KINDS = ['nps', 'csat', 'ces', 'enps', 'rating'] as const;
const TEXT_CLASSES = ['very_negative', 'negative', 'neutral', 'positive', 'very_positive'] as const;
const FIELDS = [
  'q',
  'source',
  'kind',
  'sentiment',
  'text_sentiment',
  'disagree',
  'theme',
  'team',
  'agent',
  'language',
  'from',
  'to',
  'with_text',
] as const;

/** Survey comments and reviews with their score, customer, ticket, agent and language. */
export default function Feedback() {
  const { t } = useTranslation();
  const { directory } = useCatalog();
  const seesReviews = useSeesReviews();
  const { search } = useLocation();
  const query: Record<string, string | undefined> = {};
  for (const field of FIELDS) query[field] = search.get(field) ?? undefined;
  const [text, setText] = useState(query.q ?? '');
  const set = (field: (typeof FIELDS)[number], value: string | undefined) => {
    const params = new URLSearchParams(search);
    if (value) params.set(field, value);
    else params.delete(field);
    navigate(`/feedback?${params}`, { replace: true });
  };
  // The search runs when typing pauses.
  useEffect(() => {
    const timer = setTimeout(() => text !== (query.q ?? '') && set('q', text.trim() || undefined), 350);
    return () => clearTimeout(timer);
  }, [text]);

  const select = (field: (typeof FIELDS)[number], label: string, options: Array<[string, string]>) => (
    <label>
      {label}
      <select
        value={query[field] ?? ''}
        onChange={(e) => set(field, e.target.value || undefined)}
        data-testid={`feedback-${field}`}
      >
        <option value="">{t('app.all')}</option>
        {options.map(([value, name]) => (
          <option key={value} value={value}>
            {name}
          </option>
        ))}
      </select>
    </label>
  );

  return (
    <section className="page" data-testid="feedback">
      <header className="page-header">
        <h1>{t('feedback.title')}</h1>
      </header>
      <form
        className="controls card"
        role="search"
        onSubmit={(e) => (e.preventDefault(), set('q', text.trim() || undefined))}
      >
        <label className="grow">
          {t('app.search')}
          <input
            type="search"
            value={text}
            placeholder={t('feedback.searchPlaceholder')}
            onChange={(e) => setText(e.target.value)}
            data-testid="feedback-search"
          />
        </label>
        {seesReviews &&
          select('source', t('feedback.source'), [
            ['surveys', t('feedback.sourceSurveys')],
            ['reviews', t('feedback.sourceReviews')],
          ])}
        {select(
          'kind',
          t('feedback.kind'),
          KINDS.map((k) => [k, t(`surveys.kinds.${k}`)]),
        )}
        {select('sentiment', t('feedback.sentiment'), [
          ['negative', t('feedback.negative')],
          ['neutral', t('feedback.neutral')],
          ['positive', t('feedback.positive')],
        ])}
        {select(
          'text_sentiment',
          t('feedback.textSentiment'),
          TEXT_CLASSES.map((c) => [c, t(`feedback.classes.${c}`)]),
        )}
        {directory.teams.length > 1 &&
          select(
            'team',
            t('feedback.team'),
            directory.teams.map((x) => [x.id, x.name]),
          )}
        {directory.agents.length > 1 &&
          select(
            'agent',
            t('feedback.agent'),
            directory.agents.map((x) => [x.id, x.name]),
          )}
        {select('language', t('feedback.language'), [
          ['en', 'English'],
          ['ru', 'Русский'],
          ['lt', 'Lietuvių'],
        ])}
        <label>
          {t('period.from')}
          <DateInput value={query.from ?? ''} onChange={(date) => set('from', date)} testId="feedback-from" />
        </label>
        <label>
          {t('period.until')}
          <DateInput
            value={query.to ? addDays(query.to, -1) : ''}
            onChange={(date) => set('to', date ? addDays(date, 1) : undefined)}
            testId="feedback-until"
          />
        </label>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={query.with_text !== 'false'}
            onChange={(e) => set('with_text', e.target.checked ? undefined : 'false')}
          />
          {t('feedback.withText')}
        </label>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={query.disagree === 'true'}
            onChange={(e) => set('disagree', e.target.checked ? 'true' : undefined)}
            data-testid="feedback-disagree"
          />
          {t('feedback.disagree')}
        </label>
      </form>
      {!seesReviews && <p className="note">{t('feedback.reviewsHidden')}</p>}
      <FeedbackInsights from={query.from} to={query.to} onTheme={(theme) => set('theme', theme)} />
      {query.theme && (
        <p className="note">
          {t('insights.filtered', { theme: query.theme })}{' '}
          <button type="button" className="link" onClick={() => set('theme', undefined)}>
            {t('insights.clear')}
          </button>
        </p>
      )}
      <FeedbackList query={query} />
    </section>
  );
}
