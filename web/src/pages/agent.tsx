import { useTranslation } from 'react-i18next';
import { useCatalog } from '../catalog.tsx';
import { FeedbackList } from '../components/feedback-list.tsx';
import { KpiGrid, useVisibleMetrics } from '../components/kpi-grid.tsx';
import { PeriodPicker } from '../components/period-picker.tsx';
import { ScorecardCards, scorecardPeriod } from '../components/scorecard.tsx';
import { NotAllowed } from '../components/states.tsx';
import { TEAM_METRICS, TrendChart } from '../components/team-views.tsx';
import { periodEnd } from '../periods.ts';
import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';
import { usePeriodParam } from '../use-period.ts';

/**
 * One agent's KPIs, trend and recent feedback. The directory holds the agents the caller may see
 * (an agent: only themself; a viewer: none), so a colleague's page says plainly that it is not
 * allowed; the server would answer it with nothing anyway.
 */
export default function AgentPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const { me, can } = useSession();
  const { directory } = useCatalog();
  const [period, setPeriod] = usePeriodParam(directory.data.last);
  const { visible } = useVisibleMetrics(TEAM_METRICS);
  const agent = directory.agents.find((a) => a.id === id);
  if (!agent) {
    return (
      <div>
        <NotAllowed message={me?.role === 'agent' ? t('teams.agentNotAllowed') : undefined} />
        {me?.agent_id && me.agent_id !== id && (
          <p className="center">
            <Link to={`/agents/${encodeURIComponent(me.agent_id)}`}>{t('teams.openMine')}</Link>
          </p>
        )}
      </div>
    );
  }
  const team = directory.teams.find((x) => x.id === agent.team_id);
  const where = { agent: [id] };
  return (
    <section className="page" data-testid="agent-page">
      <header className="page-header">
        <div>
          <h1>{t('teams.agent_page', { name: agent.name })}</h1>
          {team && (
            <p className="muted">
              {t('teams.team')}: <Link to={`/teams/${encodeURIComponent(team.id)}`}>{team.name}</Link>
              {!agent.active && ` · ${t('teams.inactive')}`}
            </p>
          )}
        </div>
        <PeriodPicker value={period} onChange={setPeriod} />
      </header>
      <KpiGrid metrics={visible} period={period} where={where} explorerWhere={`agent:${id}`} />
      <TrendChart period={period} where={where} title={t('teams.trend')} />
      {scorecardPeriod(period) && (
        <ScorecardCards query={{ period: scorecardPeriod(period)!, agent: id }} quiet titled />
      )}
      {can('rows') && (
        <section className="card">
          <h2>{t('teams.recentFeedback')}</h2>
          <FeedbackList query={{ agent: id, from: period.start, to: periodEnd(period) }} pageSize={10} />
        </section>
      )}
    </section>
  );
}
