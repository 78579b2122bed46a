import { useTranslation } from 'react-i18next';
import type { Scorecard } from '../../../src/contract/api.ts';
import { withQuery } from '../api.ts';
import { useCatalog, useMetricName } from '../catalog.tsx';
import { useApi } from '../data.ts';
import type { Period } from '../periods.ts';
import { useFormat } from '../use-format.ts';
import { AttainmentBadge } from './attainment.tsx';
import { Empty, ErrorState, Loading } from './states.tsx';

/** A dashboard period as a scorecard period (2026-03, 2026-Q1, 2026); weeks have none. */
export function scorecardPeriod(period: Period): string | null {
  const [year, month] = period.start.split('-').map(Number) as [number, number];
  if (period.grain === 'month') return period.start.slice(0, 7);
  if (period.grain === 'quarter') return `${year}-Q${Math.floor((month - 1) / 3) + 1}`;
  if (period.grain === 'year') return String(year);
  return null;
}

export interface ScorecardQuery {
  /** YYYY-MM, YYYY-Qn or YYYY. */
  period: string;
  team?: string;
  agent?: string;
  by?: string;
}

/** A scope's name: the organization, or each dimension's value with the directory's names. */
export function useScopeLabel() {
  const { t } = useTranslation();
  const { directory } = useCatalog();
  return (scope: Record<string, string>) => {
    const parts = Object.entries(scope).map(([dimension, id]) => {
      if (dimension === 'team')
        return t('targets.team', { name: directory.teams.find((x) => x.id === id)?.name ?? id });
      if (dimension === 'agent')
        return t('targets.agent', { name: directory.agents.find((x) => x.id === id)?.name ?? id });
      return `${dimension} = ${id}`;
    });
    return parts.length ? parts.join(', ') : t('targets.organization');
  };
}

/**
 * The scorecard of a period (GET /api/v1/scorecard): per subject each targeted KPI with its value
 * and n, target, verdict, change, the value one level up and the rank where the server gives one,
 * with CSV and XLSX downloads. Without any target in force it says so, or with `quiet` shows
 * nothing (the team and agent pages).
 */
export function ScorecardCards({ query, quiet, titled }: { query: ScorecardQuery; quiet?: boolean; titled?: boolean }) {
  const { t } = useTranslation();
  const format = useFormat();
  const metricName = useMetricName();
  const scopeLabel = useScopeLabel();
  const periodName = (period: string) => {
    const quarter = /^(\d{4})-Q([1-4])$/.exec(period);
    if (quarter) return t('period.quarter', { q: Number(quarter[2]), year: Number(quarter[1]) });
    return /^\d{4}-\d{2}$/.test(period) ? format.period(`${period}-01`, 'month') : period;
  };
  const card = useApi<Scorecard>('/scorecard', { query: { ...query } });
  const download = (kind: 'csv' | 'xlsx') => withQuery('/api/v1/scorecard', { ...query, format: kind });
  if (card.error?.code === 'no-targets')
    return quiet ? null : <Empty>{t('targets.card.noTargets', { period: periodName(query.period) })}</Empty>;
  if (card.error) return <ErrorState error={card.error} onRetry={card.reload} compact />;
  if (!card.data) return quiet ? null : <Loading inline />;
  return (
    <section className="scorecards" data-testid="scorecards">
      <div className="controls">
        {titled && <h2 className="grow">{t('targets.card.titleOf', { period: periodName(query.period) })}</h2>}
        <span className="downloads">
          <a href={download('csv')} download data-testid="scorecard-csv">
            {t('targets.card.csv')}
          </a>{' '}
          <a href={download('xlsx')} download data-testid="scorecard-xlsx">
            {t('targets.card.xlsx')}
          </a>
        </span>
      </div>
      {card.data.subjects.map((s, i) => (
        <div className="card" key={i} data-testid="scorecard">
          <h2>{s.name ?? scopeLabel(s.scope)}</h2>
          <div className="table-scroll">
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">{t('targets.metric')}</th>
                  <th scope="col">{t('targets.card.value')}</th>
                  <th scope="col">{t('targets.target')}</th>
                  <th scope="col">{t('targets.card.verdict')}</th>
                  <th scope="col">{t('targets.card.change')}</th>
                  <th scope="col">{t('targets.card.beside')}</th>
                  <th scope="col">{t('targets.card.rank')}</th>
                </tr>
              </thead>
              <tbody>
                {s.lines.map((line) => (
                  <tr key={line.metric}>
                    <td>{metricName(line.metric)}</td>
                    <td className="num">
                      {format.value(line.value, line.unit)}{' '}
                      <span className="muted small">{t('kpi.sample', { n: format.count(line.n) })}</span>
                    </td>
                    <td className="num">
                      {format.value(line.target, line.unit)}
                      {line.target_scope === 'team' || line.target_scope === 'organization' ? (
                        <span className="muted small"> {t(`targets.card.inherited.${line.target_scope}`)}</span>
                      ) : null}
                    </td>
                    <td>
                      <AttainmentBadge
                        attainment={line.attainment}
                        significant={line.miss_significant}
                        direction={line.direction}
                      />
                    </td>
                    <td className="num">
                      {format.delta(line.delta, line.unit)}
                      {line.significant ? ' ★' : ''}
                    </td>
                    <td className="num">
                      {line.context
                        ? `${t(line.context.level === 'team' ? 'targets.card.teamLevel' : 'targets.card.orgLevel')}: ${format.value(line.context.value, line.unit)}`
                        : '–'}
                    </td>
                    <td className="num">
                      {line.rank !== null && line.ranked_among !== null
                        ? t('targets.card.rankOf', { rank: line.rank, count: line.ranked_among })
                        : '–'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ))}
    </section>
  );
}
