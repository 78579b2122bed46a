import { useTranslation } from 'react-i18next';
import { useCatalog, useSeesAgents } from '../catalog.tsx';
import { PeriodPicker } from '../components/period-picker.tsx';
import { Empty } from '../components/states.tsx';
import { ComparisonTable } from '../components/team-views.tsx';
import { isScoped, useSession } from '../session.tsx';
import { usePeriodParam } from '../use-period.ts';

/** Teams and agents side by side; each role sees its part (an agent: their row and their team). */
export default function Teams() {
  const { t } = useTranslation();
  const { me } = useSession();
  const { directory } = useCatalog();
  const [period, setPeriod] = usePeriodParam(directory.data.last);
  const viewer = !useSeesAgents();
  return (
    <section className="page" data-testid="teams">
      <header className="page-header">
        <h1>{t('teams.title')}</h1>
        <PeriodPicker value={period} onChange={setPeriod} />
      </header>
      {me?.role === 'agent' && <p className="note">{t('teams.agentNote')}</p>}
      {!directory.teams.length ? (
        <Empty>{t('teams.noTeams')}</Empty>
      ) : (
        <>
          <section className="card">
            <h2>{t('teams.teamsTable')}</h2>
            <ComparisonTable
              by="team"
              period={period}
              total={isScoped(me) ? undefined : t('teams.organization')}
              testId="teams-table"
              caption={t('teams.teamsTable')}
            />
          </section>
          <section className="card">
            <h2>{t('teams.agentsTable')}</h2>
            {viewer ? (
              <p className="note">{t('teams.viewerNote')}</p>
            ) : (
              <ComparisonTable by="agent" period={period} testId="agents-table" caption={t('teams.agentsTable')} />
            )}
          </section>
        </>
      )}
    </section>
  );
}
