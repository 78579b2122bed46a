import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api.ts';
import { useCatalog, useMetricName, type MetricInfo } from '../catalog.tsx';
import { ScorecardCards, useScopeLabel } from '../components/scorecard.tsx';
import { Empty, ErrorState, Loading } from '../components/states.tsx';
import { useApi } from '../data.ts';
import { addPeriods, defaultPeriod, localDate, periodStart } from '../periods.ts';
import { navigate, useLocation } from '../router.tsx';
import { useSession } from '../session.tsx';
import { useFormat } from '../use-format.ts';
import { fromReaderUnit, MetricValueInput, type DurationUnit } from '../components/metric-value-input.tsx';
// The answers of /api/v1/targets and /audit, declared once by the server.
import type { AuditLog, Target, TargetGrain, TargetList } from '../../../src/contract/api.ts';

const GRAINS: TargetGrain[] = ['month', 'quarter', 'year'];

type Tab = 'list' | 'scorecard' | 'history';

/** Targets: what each KPI should reach, who may set them, their history and the scorecards. */
export default function Targets() {
  const { t } = useTranslation();
  const { can } = useSession();
  const { search } = useLocation();
  const tabs: Tab[] = can('audit') ? ['list', 'scorecard', 'history'] : ['list', 'scorecard'];
  const tab = tabs.find((x) => x === search.get('tab')) ?? 'list';
  return (
    <section className="page" data-testid="targets">
      <header className="page-header">
        <div>
          <h1>{t('targets.title')}</h1>
          <p className="muted">{t('targets.intro')}</p>
        </div>
      </header>
      <div className="tabs" role="tablist">
        {tabs.map((x) => (
          <button
            key={x}
            type="button"
            role="tab"
            aria-selected={tab === x}
            className={tab === x ? 'active' : ''}
            onClick={() => navigate(`/targets?tab=${x}`, { replace: true })}
          >
            {t(`targets.tabs.${x}`)}
          </button>
        ))}
      </div>
      <div role="tabpanel">
        {tab === 'list' && <TargetList />}
        {tab === 'scorecard' && <ScorecardView />}
        {tab === 'history' && <History />}
      </div>
    </section>
  );
}

function TargetList() {
  const { t } = useTranslation();
  const { can } = useSession();
  const { byId } = useCatalog();
  const format = useFormat();
  const metricName = useMetricName();
  const scopeLabel = useScopeLabel();
  const targets = useApi<TargetList>('/targets');
  const [confirming, setConfirming] = useState<string>();
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string }>();
  const mayEdit = can('targets');

  const remove = async (id: string) => {
    setOutcome(undefined);
    try {
      await api(`/targets/${encodeURIComponent(id)}`, { method: 'DELETE' });
      setOutcome({ ok: true, text: t('targets.deleted') });
      targets.reload();
    } catch (error) {
      setOutcome({ ok: false, text: (error as Error).message });
    }
    setConfirming(undefined);
  };

  return (
    <>
      {!mayEdit && <p className="note">{t('targets.readOnly')}</p>}
      {targets.error && <ErrorState error={targets.error} onRetry={targets.reload} compact />}
      {targets.loading && <Loading inline />}
      {targets.data && !targets.data.targets.length && <Empty>{t('targets.none')}</Empty>}
      {outcome && (
        <p className={outcome.ok ? 'ok-text' : 'error-text'} role={outcome.ok ? 'status' : 'alert'}>
          {outcome.text}
        </p>
      )}
      {targets.data && targets.data.targets.length > 0 && (
        <div className="table-scroll">
          <table className="data" data-testid="targets-table">
            <thead>
              <tr>
                <th scope="col">{t('targets.metric')}</th>
                <th scope="col">{t('targets.scope')}</th>
                <th scope="col">{t('targets.grain')}</th>
                <th scope="col">{t('targets.value')}</th>
                <th scope="col">{t('targets.valid')}</th>
                {mayEdit && <th scope="col" aria-label={t('targets.delete')} />}
              </tr>
            </thead>
            <tbody>
              {targets.data.targets.map((target) => {
                const unit = byId.get(target.metric)?.unit ?? 'number';
                const from = format.period(target.valid_from, target.grain);
                return (
                  <tr key={target.id} data-testid="target-row">
                    <td>{metricName(target.metric)}</td>
                    <td>{scopeLabel(target.scope)}</td>
                    <td>{t(`grain.${target.grain}`)}</td>
                    <td className="num">{format.value(target.value, unit)}</td>
                    <td>
                      {target.valid_to
                        ? t('targets.until', {
                            from,
                            to: format.period(addPeriods(target.valid_to, target.grain, -1), target.grain),
                          })
                        : t('targets.onward', { from })}
                    </td>
                    {mayEdit && (
                      <td>
                        {confirming === target.id ? (
                          <span className="confirm">
                            {t('targets.confirmDelete')}{' '}
                            <button type="button" className="danger" onClick={() => void remove(target.id)}>
                              {t('targets.delete')}
                            </button>{' '}
                            <button type="button" className="secondary" onClick={() => setConfirming(undefined)}>
                              {t('app.cancel')}
                            </button>
                          </span>
                        ) : (
                          <button type="button" className="secondary" onClick={() => setConfirming(target.id)}>
                            {t('targets.delete')}
                          </button>
                        )}
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {!can('audit') && <p className="muted small">{t('targets.historyInList')}</p>}
      {mayEdit && <TargetForm onSaved={targets.reload} />}
    </>
  );
}

function TargetForm({ onSaved }: { onSaved: () => void }) {
  const { t } = useTranslation();
  const { me } = useSession();
  const { metrics, byId, directory } = useCatalog();
  const format = useFormat();
  const metricName = useMetricName();
  // KPIs the caller may query that have a good direction (a neutral one cannot be met or missed).
  const choices = metrics.filter((m) => m.queryable && m.direction !== 'neutral');
  const [metricId, setMetricId] = useState(choices.find((m) => m.id === 'csat')?.id ?? choices[0]?.id ?? '');
  const [scope, setScope] = useState('');
  const [grain, setGrain] = useState<TargetGrain>('month');
  // The period the dashboard opens on (the one holding the last data) is where a target starts.
  const opening = defaultPeriod(directory.data.last, grain, me?.organization.timezone).start;
  const [from, setFrom] = useState<string>();
  const [value, setValue] = useState('');
  const [durationUnit, setDurationUnit] = useState<DurationUnit>('minutes');
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string }>();
  const [busy, setBusy] = useState(false);
  const metric = byId.get(metricId);
  const starts = useMemo(() => {
    const today = periodStart(localDate(new Date().toISOString(), me?.organization.timezone), grain);
    const first = addPeriods(opening, grain, grain === 'month' ? -24 : grain === 'quarter' ? -8 : -3);
    const list: string[] = [];
    for (let p = first; p <= addPeriods(today, grain, grain === 'month' ? 12 : 4); p = addPeriods(p, grain, 1))
      list.push(p);
    return list;
  }, [grain, opening, me?.organization.timezone]);
  const start = from && starts.includes(from) ? from : opening;

  if (!choices.length || !metric) return null;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setOutcome(undefined);
    const stored = fromReaderUnit(value, metric.unit, durationUnit);
    if (stored === null) return setOutcome({ ok: false, text: t('targets.valueInvalid') });
    const [dimension, id] = scope ? (scope.split(':') as [string, string]) : [];
    setBusy(true);
    try {
      await api('/targets', {
        body: { metric: metric.id, value: stored, scope: dimension ? { [dimension]: id } : {}, grain, from: start },
      });
      setOutcome({ ok: true, text: t('targets.saved') });
      setValue('');
      onSaved();
    } catch (error) {
      setOutcome({ ok: false, text: error instanceof ApiError ? error.message : String(error) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card form" onSubmit={(e) => void submit(e)} data-testid="target-form">
      <h2>{t('targets.setTitle')}</h2>
      <label>
        {t('targets.metric')}
        <select value={metric.id} onChange={(e) => setMetricId(e.target.value)} data-testid="target-metric">
          {choices.map((m) => (
            <option key={m.id} value={m.id}>
              {metricName(m.id)}
            </option>
          ))}
        </select>
      </label>
      <p className="muted small" data-testid="target-direction">
        {t(metric.direction === 'higher_is_better' ? 'targets.higher' : 'targets.lower')}
      </p>
      <label>
        {t('targets.scope')}
        <select value={scope} onChange={(e) => setScope(e.target.value)} data-testid="target-scope">
          <option value="">{t('targets.organization')}</option>
          {directory.teams.map((team) => (
            <option key={team.id} value={`team:${team.id}`}>
              {t('targets.team', { name: team.name })}
            </option>
          ))}
          {metric.dimensions.includes('agent') &&
            directory.agents
              .filter((agent) => agent.active)
              .map((agent) => (
                <option key={agent.id} value={`agent:${agent.id}`}>
                  {t('targets.agent', { name: agent.name })}
                </option>
              ))}
        </select>
      </label>
      <label>
        {t('targets.grain')}
        <select value={grain} onChange={(e) => setGrain(e.target.value as TargetGrain)} data-testid="target-grain">
          {GRAINS.map((g) => (
            <option key={g} value={g}>
              {t(`grain.${g}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('targets.from')}
        <select value={start} onChange={(e) => setFrom(e.target.value)} data-testid="target-from">
          {starts.map((p) => (
            <option key={p} value={p}>
              {format.period(p, grain)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('targets.value')}
        <span className="input-with-unit">
          <MetricValueInput
            unit={metric.unit}
            value={value}
            onChange={setValue}
            durationUnit={durationUnit}
            onDurationUnit={setDurationUnit}
            testId="target-value"
          />
        </span>
      </label>
      {metric.scale && metric.unit !== 'ratio' && (
        <p className="muted small">{t('kpi.scaleLabel', { min: metric.scale.min, max: metric.scale.max })}</p>
      )}
      <button type="submit" disabled={busy} data-testid="target-submit">
        {t('targets.set')}
      </button>
      {outcome && (
        <p
          className={outcome.ok ? 'ok-text' : 'error-text'}
          role={outcome.ok ? 'status' : 'alert'}
          data-testid="target-outcome"
        >
          {outcome.text}
        </p>
      )}
    </form>
  );
}

/** Every target set or deleted, from the audit log (administrators). */
function History() {
  const { t } = useTranslation();
  const { byId } = useCatalog();
  const format = useFormat();
  const metricName = useMetricName();
  const scopeLabel = useScopeLabel();
  const audit = useApi<AuditLog>('/audit', { query: { limit: 1000 } });
  if (audit.error) return <ErrorState error={audit.error} onRetry={audit.reload} compact />;
  if (!audit.data) return <Loading inline />;
  const entries = audit.data.entries.filter((e) => e.action === 'target.set' || e.action === 'target.deleted');
  if (!entries.length) return <Empty>{t('targets.none')}</Empty>;
  return (
    <>
      <p className="muted">{t('targets.historyIntro')}</p>
      <div className="table-scroll">
        <table className="data" data-testid="targets-history">
          <thead>
            <tr>
              <th scope="col">{t('targets.when')}</th>
              <th scope="col">{t('targets.change')}</th>
              <th scope="col">{t('targets.metric')}</th>
              <th scope="col">{t('targets.scope')}</th>
              <th scope="col">{t('targets.value')}</th>
              <th scope="col">{t('targets.from')}</th>
              <th scope="col">{t('targets.who')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => {
              // target.set and target.deleted record the target itself (src/http/routes/targets.ts).
              const d = entry.details as Partial<Target>;
              const unit = (d.metric && byId.get(d.metric)?.unit) || 'number';
              return (
                <tr key={entry.id}>
                  <td>{format.date(entry.at, true)}</td>
                  <td>{t(entry.action === 'target.set' ? 'targets.historySet' : 'targets.historyDeleted')}</td>
                  <td>{d.metric ? metricName(d.metric) : ''}</td>
                  <td>{d.scope ? scopeLabel(d.scope) : ''}</td>
                  <td className="num">{format.value(d.value ?? null, unit)}</td>
                  <td>{d.valid_from && d.grain ? format.period(d.valid_from, d.grain) : ''}</td>
                  <td>{entry.actor}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** A month's scorecard for the organization, a team or an agent, optionally by team or agent. */
function ScorecardView() {
  const { t } = useTranslation();
  const { me } = useSession();
  const { directory } = useCatalog();
  const format = useFormat();
  const opening = defaultPeriod(directory.data.last, 'month', me?.organization.timezone).start;
  const months = useMemo(() => Array.from({ length: 24 }, (_, i) => addPeriods(opening, 'month', -i)), [opening]);
  const [month, setMonth] = useState(opening);
  const [subject, setSubject] = useState('');
  const [by, setBy] = useState('');
  const [dimension, id] = subject ? (subject.split(':') as ['team' | 'agent', string]) : [];
  const query = {
    period: month.slice(0, 7),
    team: dimension === 'team' ? id : undefined,
    agent: dimension === 'agent' ? id : undefined,
    by: dimension === 'agent' ? undefined : by || undefined,
  };
  return (
    <>
      <div className="controls">
        <label>
          {t('targets.card.period')}
          <select value={month} onChange={(e) => setMonth(e.target.value)} data-testid="scorecard-period">
            {months.map((m) => (
              <option key={m} value={m}>
                {format.period(m, 'month')}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('targets.card.subject')}
          <select value={subject} onChange={(e) => setSubject(e.target.value)} data-testid="scorecard-subject">
            <option value="">{t('targets.organization')}</option>
            {directory.teams.map((team) => (
              <option key={team.id} value={`team:${team.id}`}>
                {t('targets.team', { name: team.name })}
              </option>
            ))}
            {directory.agents.map((agent) => (
              <option key={agent.id} value={`agent:${agent.id}`}>
                {t('targets.agent', { name: agent.name })}
              </option>
            ))}
          </select>
        </label>
        {dimension !== 'agent' && (
          <label>
            {t('targets.card.by')}
            <select value={by} onChange={(e) => setBy(e.target.value)} data-testid="scorecard-by">
              <option value="">{t('targets.card.byNone')}</option>
              {!dimension && <option value="team">{t('targets.card.byTeam')}</option>}
              <option value="agent">{t('targets.card.byAgent')}</option>
            </select>
          </label>
        )}
      </div>
      <ScorecardCards query={query} />
    </>
  );
}
