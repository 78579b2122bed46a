import { useTranslation } from 'react-i18next';
import { useCatalog, useSeesAgents } from '../catalog.tsx';
import { KpiGrid, useVisibleMetrics } from '../components/kpi-grid.tsx';
import { PeriodPicker } from '../components/period-picker.tsx';
import { ScorecardCards, scorecardPeriod } from '../components/scorecard.tsx';
import { NotAllowed } from '../components/states.tsx';
import { ComparisonTable, TEAM_METRICS, TrendChart } from '../components/team-views.tsx';
import { useSession } from '../session.tsx';
import { usePeriodParam } from '../use-period.ts';
import { NotFound } from './not-found.tsx';

export default function TeamPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const { me } = useSession();
  const { directory } = useCatalog();
  const [period, setPeriod] = usePeriodParam(directory.data.last);
  const { visible } = useVisibleMetrics(TEAM_METRICS);
  const seesAgents = useSeesAgents();
  const team = directory.teams.find((x) => x.id === id);
  // The directory lists the teams the caller may see: another team is not theirs to open.
  if (!team) return me?.teams ? <NotAllowed /> : <NotFound />;
  const where = { team: [id] };
  return (
    <section className="page" data-testid="team-page">
      <header className="page-header">
        <h1>{t('teams.team_page', { name: team.name })}</h1>
        <PeriodPicker value={period} onChange={setPeriod} />
      </header>
      <KpiGrid metrics={visible} period={period} where={where} explorerWhere={`team:${id}`} />
      <TrendChart period={period} where={where} title={t('teams.trend')} />
      {scorecardPeriod(period) && (
        <ScorecardCards query={{ period: scorecardPeriod(period)!, team: id }} quiet titled />
      )}
      {seesAgents && (
        <section className="card">
          <h2>{t('teams.agentsOfTeam')}</h2>
          <ComparisonTable
            by="agent"
            period={period}
            where={where}
            total={t('teams.teamAggregate')}
            testId="team-agents-table"
            caption={t('teams.agentsOfTeam')}
          />
        </section>
      )}
    </section>
  );
}
