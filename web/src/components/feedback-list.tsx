import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api.ts';
import { Link } from '../router.tsx';
import { useFormat } from '../use-format.ts';
import { Empty, ErrorState, Loading } from './states.tsx';
// GET /api/v1/feedback's answer, declared once by the server.
import type { FeedbackItem, FeedbackPage } from '../../../src/contract/api.ts';

/** The text's class in three, to compare with the score's reading. */
function textTone(item: FeedbackItem): 'negative' | 'neutral' | 'positive' | null {
  const c = item.text_sentiment;
  if (!c) return null;
  return c.endsWith('negative') ? 'negative' : c.endsWith('positive') ? 'positive' : 'neutral';
}

/** The feedback stream for a set of filters, newest first, a page at a time. */
export function FeedbackList({
  query,
  pageSize = 30,
}: {
  query: Record<string, string | undefined>;
  pageSize?: number;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const [items, setItems] = useState<FeedbackItem[]>([]);
  const [total, setTotal] = useState<number>();
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError>();
  const [attempt, setAttempt] = useState(0);
  const key = JSON.stringify(query);

  const load = async (after: string | null, signal?: AbortSignal) => {
    setLoading(true);
    setError(undefined);
    try {
      const page = await api<FeedbackPage>('/feedback', {
        query: { ...query, limit: pageSize, cursor: after ?? undefined },
        signal,
      });
      setItems((current) => (after ? [...current, ...page.items] : page.items));
      setTotal(page.total);
      setCursor(page.next_cursor);
    } catch (failure) {
      if ((failure as Error).name === 'AbortError') return;
      setError(failure instanceof ApiError ? failure : new ApiError(0, 'client', String(failure)));
    } finally {
      if (!signal?.aborted) setLoading(false);
    }
  };

  useEffect(() => {
    const controller = new AbortController();
    setItems([]);
    setCursor(null);
    void load(null, controller.signal);
    return () => controller.abort();
    // key stands for query
  }, [key, attempt]);

  return (
    <div className="feedback-list" aria-busy={loading} data-testid="feedback-list">
      {total !== undefined && (
        <p className="muted" aria-live="polite" data-testid="feedback-total">
          {t('feedback.total', { count: total, formatted: format.count(total) })}
        </p>
      )}
      {!loading && !error && !items.length && <Empty>{t('feedback.none')}</Empty>}
      <ul>
        {items.map((item) => (
          <li key={`${item.source}-${item.id}`} className={`feedback-item ${item.sentiment ?? ''}`}>
            <div
              className="feedback-score"
              aria-label={
                item.score === null ? undefined : t('feedback.score', { score: item.score, max: item.scale_max })
              }
            >
              <strong>{item.score === null ? '–' : format.count(item.score)}</strong>
              <small>
                {item.source === 'review'
                  ? `/ ${format.count(item.scale_max)}`
                  : t(`feedback.kinds.${item.kind as 'nps'}`, { defaultValue: item.kind })}
              </small>
            </div>
            <div className="feedback-body">
              {item.title && <strong className="feedback-title">{item.title}</strong>}
              <p lang={item.language ?? undefined}>
                {item.text || <span className="muted">{t('feedback.noComment')}</span>}
              </p>
              {item.text_sentiment && (
                <p className="feedback-reading" data-testid="feedback-reading">
                  <span className={`tone ${textTone(item)}`}>
                    {t('feedback.textReading', {
                      class: t(`feedback.classes.${item.text_sentiment}`),
                      score:
                        item.text_score === null
                          ? '–'
                          : item.text_score.toLocaleString(format.language, {
                              minimumFractionDigits: 2,
                              maximumFractionDigits: 2,
                              signDisplay: 'exceptZero',
                            }),
                    })}
                  </span>
                  {item.sentiment && textTone(item) !== item.sentiment && (
                    <span className="disagree" data-testid="feedback-disagree-mark">
                      {t('feedback.disagreeNote')}
                    </span>
                  )}
                </p>
              )}
              <p className="feedback-meta muted">
                <span>{format.date(item.at, true)}</span>
                {item.source === 'review' ? (
                  <span>
                    {t('feedback.review')}: {item.review_source}
                  </span>
                ) : (
                  item.survey && <span>{item.survey}</span>
                )}
                {item.customer && (
                  <span>
                    {t('feedback.customer')}: {item.customer.name ?? item.customer.id}
                  </span>
                )}
                {item.ticket && (
                  <span>
                    {t('feedback.ticket')}: {item.ticket.id}
                    {item.ticket.subject ? ` — ${item.ticket.subject}` : ''}
                  </span>
                )}
                {item.agent && (
                  <span>
                    {t('feedback.agent')}:{' '}
                    <Link to={`/agents/${encodeURIComponent(item.agent.id)}`}>{item.agent.name ?? item.agent.id}</Link>
                  </span>
                )}
                {item.team && (
                  <span>
                    {t('feedback.team')}: {item.team.name ?? item.team.id}
                  </span>
                )}
                {item.language && <span>{item.language.toUpperCase()}</span>}
              </p>
            </div>
          </li>
        ))}
      </ul>
      {loading && <Loading />}
      {error && <ErrorState error={error} onRetry={() => setAttempt((n) => n + 1)} compact />}
      {!loading && cursor && (
        <button type="button" className="secondary" onClick={() => void load(cursor)}>
          {t('app.loadMore')}
        </button>
      )}
    </div>
  );
}
