import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api.ts';
import { addDays } from '../periods.ts';
import { Empty, ErrorState, Loading } from './states.tsx';
// The answers of /api/v1/themes/summary and /drivers, declared once by the server.
import type { Driver, DriversResult, Texts, ThemeSummaries } from '../../../src/contract/api.ts';

function useLoad<T>(path: string, query: Record<string, string>) {
  const [state, setState] = useState<{ data?: T; error?: ApiError; loading: boolean }>({ loading: true });
  const key = path + JSON.stringify(query);
  useEffect(() => {
    const controller = new AbortController();
    setState({ loading: true });
    api<T>(path, { query, signal: controller.signal }).then(
      (data) => setState({ data, loading: false }),
      (error) => {
        if ((error as Error).name !== 'AbortError')
          setState({
            error: error instanceof ApiError ? error : new ApiError(0, 'client', String(error)),
            loading: false,
          });
      },
    );
    return () => controller.abort();
  }, [key]);
  return state;
}

/**
 * Above the Feedback stream: the themes of the range (mentions, share negative, and the attribute
 * rating of the same name side by side; a click shows the theme's comments) and the key drivers of
 * CSAT or NPS as a ranked chart (share of R² with the 95 % interval).
 */
export function FeedbackInsights({
  from,
  to,
  onTheme,
}: {
  from?: string;
  to?: string;
  onTheme: (theme: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const language = (['en', 'ru', 'lt'].includes(i18n.language) ? i18n.language : 'en') as keyof Texts;
  const until = to ?? addDays(new Date().toISOString().slice(0, 10), 1);
  const since = from ?? addDays(until, -90);
  const [outcome, setOutcome] = useState<'csat' | 'nps'>('csat');
  const themes = useLoad<ThemeSummaries>('/themes/summary', { from: since, to: until });
  const drivers = useLoad<DriversResult>('/drivers', { from: since, to: until, outcome, themes: 'true' });
  const pct = (v: number | null | undefined) =>
    v === null || v === undefined ? '–' : `${(100 * v).toLocaleString(i18n.language, { maximumFractionDigits: 1 })} %`;
  const mentioned = themes.data?.themes.filter((x) => x.mentions > 0 || x.attribute_rating) ?? [];
  const names = new Map(themes.data?.themes.map((x) => [x.id, x.names[language]]) ?? []);
  const label = (d: Driver) =>
    d.kind === 'theme'
      ? `${t('insights.theme')}: ${names.get(d.predictor.slice(6)) ?? d.predictor.slice(6)}`
      : (names.get(d.predictor) ?? d.predictor);
  const widest = Math.max(0.0001, ...(drivers.data?.drivers.map((d) => d.high) ?? []));

  return (
    <div className="insights" data-testid="feedback-insights">
      <section className="card">
        <h2>{t('insights.themes')}</h2>
        {themes.loading && <Loading />}
        {themes.error && <ErrorState error={themes.error} compact />}
        {themes.data && !mentioned.length && <Empty>{t('insights.noThemes')}</Empty>}
        {mentioned.length > 0 && (
          <table className="data" data-testid="themes-table">
            <thead>
              <tr>
                <th>{t('insights.theme')}</th>
                <th className="num">{t('insights.mentions')}</th>
                <th className="num">{t('insights.negative')}</th>
                <th className="num">{t('insights.rating')}</th>
              </tr>
            </thead>
            <tbody>
              {mentioned.map((x) => (
                <tr key={x.id}>
                  <td>
                    <button type="button" className="link" onClick={() => onTheme(x.id)}>
                      {x.names[language]}
                    </button>
                  </td>
                  <td className="num">{x.mentions}</td>
                  <td className="num" title={x.negative_share ? `n = ${x.negative_share.n}` : undefined}>
                    {pct(x.negative_share?.value)}
                    {x.negative_share?.low_sample && <small className="muted"> ({t('insights.lowSample')})</small>}
                  </td>
                  <td className="num">
                    {x.attribute_rating?.value === null || !x.attribute_rating
                      ? '–'
                      : x.attribute_rating.value.toLocaleString(i18n.language, { maximumFractionDigits: 2 })}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="card">
        <h2>
          {t('insights.drivers')}{' '}
          <select value={outcome} onChange={(e) => setOutcome(e.target.value as 'csat')} data-testid="drivers-outcome">
            <option value="csat">CSAT</option>
            <option value="nps">NPS</option>
          </select>
        </h2>
        {drivers.loading && <Loading />}
        {drivers.error?.code === 'not-enough-data' ? (
          <p className="muted">{drivers.error.message}</p>
        ) : (
          drivers.error && <ErrorState error={drivers.error} compact />
        )}
        {drivers.data && (
          <>
            <ol className="drivers" data-testid="drivers-chart">
              {drivers.data.drivers.map((d) => (
                <li key={d.predictor}>
                  <span className="driver-name">{label(d)}</span>
                  <span className="driver-bar" aria-hidden="true">
                    <span className="bar" style={{ width: `${(100 * d.weight) / widest}%` }} />
                    <span
                      className="interval"
                      style={{ left: `${(100 * d.low) / widest}%`, width: `${(100 * (d.high - d.low)) / widest}%` }}
                    />
                  </span>
                  <span className="num">
                    {pct(d.share)} {d.correlation < 0 ? '↓' : '↑'}
                  </span>
                </li>
              ))}
            </ol>
            <p className="muted">
              {t('insights.driversNote', {
                n: drivers.data.n,
                r2: drivers.data.r2.toLocaleString(i18n.language, { maximumFractionDigits: 2 }),
              })}
            </p>
          </>
        )}
      </section>
    </div>
  );
}
