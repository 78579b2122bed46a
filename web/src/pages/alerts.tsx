import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api.ts';
import { useCatalog, useMetricName, type MetricInfo } from '../catalog.tsx';
import { useScopeLabel } from '../components/scorecard.tsx';
import { Empty, ErrorState, Loading } from '../components/states.tsx';
import { useApi } from '../data.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import { useSession } from '../session.tsx';
import { useFormat } from '../use-format.ts';
import { fromReaderUnit, MetricValueInput, type DurationUnit } from '../components/metric-value-input.tsx';
import { addPeriods } from '../periods.ts';
// The answers of /api/v1/alerts, /alerts/history and /jobs, declared once by the server.
import type {
  Alert,
  AlertEvent,
  AlertGrain,
  AlertHistory,
  AlertList,
  AlertRule,
  JobList,
  JobState,
} from '../../../src/contract/api.ts';

const RULES: AlertRule[] = ['threshold', 'target', 'anomaly'];
const GRAINS: AlertGrain[] = ['day', 'week', 'month'];

/** The job kinds (src/jobs/kinds.ts) under their translation keys; an unknown kind shows as is. */
type JobKindKey = 'surveySweep' | 'surveySend' | 'surveyRemind' | 'alertCheck' | 'alertDeliver';
const JOB_KINDS: Record<string, JobKindKey | undefined> = {
  'surveys.sweep': 'surveySweep',
  'survey.send': 'surveySend',
  'survey.remind': 'surveyRemind',
  'alerts.evaluate': 'alertCheck',
  'alert.deliver': 'alertDeliver',
};

type Tab = 'list' | 'history' | 'jobs';

/** Alerts: the rules, what fired and how its delivery went, and (for administrators) the job history. */
export default function Alerts() {
  const { t } = useTranslation();
  const { can } = useSession();
  const { search } = useLocation();
  const tabs: Tab[] = can('audit') ? ['list', 'history', 'jobs'] : ['list', 'history'];
  const tab = tabs.find((x) => x === search.get('tab')) ?? 'list';
  return (
    <section className="page" data-testid="alerts">
      <header className="page-header">
        <div>
          <h1>{t('alerts.title')}</h1>
          <p className="muted">{t('alerts.intro')}</p>
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
            onClick={() => navigate(`/alerts?tab=${x}`, { replace: true })}
            data-testid={`alerts-tab-${x}`}
          >
            {t(`alerts.tabs.${x}`)}
          </button>
        ))}
      </div>
      <div role="tabpanel">
        {tab === 'list' && <AlertList />}
        {tab === 'history' && <History />}
        {tab === 'jobs' && <Jobs />}
      </div>
    </section>
  );
}

/** "below 80.0%", "above 4 h or below 1 h", "misses its target": the rule in the metric's unit. */
function useRuleText() {
  const { t } = useTranslation();
  const { byId } = useCatalog();
  const format = useFormat();
  return (alert: Pick<Alert, 'metric' | 'rule' | 'above' | 'below' | 'significant_only'>) => {
    const unit = byId.get(alert.metric)?.unit ?? 'number';
    if (alert.rule === 'target')
      return t(alert.significant_only ? 'alerts.ruleTargetSignificant' : 'alerts.ruleTarget');
    if (alert.rule === 'anomaly') return t('alerts.ruleAnomaly');
    const parts: string[] = [];
    if (alert.below !== null) parts.push(t('alerts.ruleBelow', { value: format.value(alert.below, unit) }));
    if (alert.above !== null) parts.push(t('alerts.ruleAbove', { value: format.value(alert.above, unit) }));
    return parts.join(t('alerts.or'));
  };
}

function AlertList() {
  const { t } = useTranslation();
  const { can } = useSession();
  const metricName = useMetricName();
  const scopeLabel = useScopeLabel();
  const ruleText = useRuleText();
  const alerts = useApi<AlertList>('/alerts');
  const [confirming, setConfirming] = useState<string>();
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string }>();
  const mayEdit = can('targets');

  const remove = async (id: string) => {
    setOutcome(undefined);
    try {
      await api(`/alerts/${encodeURIComponent(id)}`, { method: 'DELETE' });
      setOutcome({ ok: true, text: t('alerts.deleted') });
      alerts.reload();
    } catch (error) {
      setOutcome({ ok: false, text: (error as Error).message });
    }
    setConfirming(undefined);
  };

  return (
    <>
      {!mayEdit && <p className="note">{t('alerts.readOnly')}</p>}
      {alerts.error && <ErrorState error={alerts.error} onRetry={alerts.reload} compact />}
      {alerts.loading && <Loading inline />}
      {alerts.data && !alerts.data.alerts.length && (
        <Empty>{t(mayEdit ? 'alerts.noneCreate' : 'alerts.noneAsk')}</Empty>
      )}
      {outcome && (
        <p className={outcome.ok ? 'ok-text' : 'error-text'} role={outcome.ok ? 'status' : 'alert'}>
          {outcome.text}
        </p>
      )}
      {alerts.data && alerts.data.alerts.length > 0 && (
        <div className="table-scroll">
          <table className="data" data-testid="alerts-table">
            <thead>
              <tr>
                <th scope="col">{t('alerts.name')}</th>
                <th scope="col">{t('alerts.metric')}</th>
                <th scope="col">{t('alerts.rule')}</th>
                <th scope="col">{t('alerts.scope')}</th>
                <th scope="col">{t('alerts.grain')}</th>
                <th scope="col">{t('alerts.channels')}</th>
                {mayEdit && <th scope="col" aria-label={t('alerts.delete')} />}
              </tr>
            </thead>
            <tbody>
              {alerts.data.alerts.map((alert) => (
                <tr key={alert.id} data-testid="alert-row">
                  <td className="wrap">{alert.name}</td>
                  <td>{metricName(alert.metric)}</td>
                  <td>{ruleText(alert)}</td>
                  <td>{scopeLabel(alert.scope)}</td>
                  <td>{t(`grain.${alert.grain}`)}</td>
                  <td className="wrap small">
                    {alert.notify.length
                      ? alert.notify.map((n) => n.email ?? n.webhook).join(', ')
                      : t('alerts.noChannels')}
                  </td>
                  {mayEdit && (
                    <td>
                      {confirming === alert.id ? (
                        <span className="confirm">
                          {t('alerts.confirmDelete')}{' '}
                          <button type="button" className="danger" onClick={() => void remove(alert.id)}>
                            {t('alerts.delete')}
                          </button>{' '}
                          <button type="button" className="secondary" onClick={() => setConfirming(undefined)}>
                            {t('app.cancel')}
                          </button>
                        </span>
                      ) : (
                        <button type="button" className="secondary" onClick={() => setConfirming(alert.id)}>
                          {t('alerts.delete')}
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {mayEdit && <AlertForm onSaved={alerts.reload} />}
    </>
  );
}

const lines = (text: string) =>
  text
    .split(/[\n,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);

function AlertForm({ onSaved }: { onSaved: () => void }) {
  const { t } = useTranslation();
  const { metrics, byId, directory } = useCatalog();
  const metricName = useMetricName();
  const choices = metrics.filter((m) => m.queryable);
  const [name, setName] = useState('');
  const [metricId, setMetricId] = useState(choices.find((m) => m.id === 'csat')?.id ?? choices[0]?.id ?? '');
  const [rule, setRule] = useState<AlertRule>('threshold');
  const [side, setSide] = useState<'below' | 'above'>('below');
  const [value, setValue] = useState('');
  const [durationUnit, setDurationUnit] = useState<DurationUnit>('minutes');
  const [significant, setSignificant] = useState(false);
  const [grain, setGrain] = useState<AlertGrain>('month');
  const [scope, setScope] = useState('');
  const [emails, setEmails] = useState('');
  const [webhooks, setWebhooks] = useState('');
  const [language, setLanguage] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<{ text: string; fields: Array<{ field: string; reason: string }> }>();
  const [created, setCreated] = useState<{ name: string; secret: string; webhook: boolean }>();
  const [copied, setCopied] = useState(false);
  const metric = byId.get(metricId);
  if (!choices.length || !metric) return null;
  // A KPI without a good direction has no target to miss.
  const rules = RULES.filter((r) => r !== 'target' || metric.direction !== 'neutral');
  const chosenRule = rules.includes(rule) ? rule : 'threshold';
  const grains = chosenRule === 'target' ? (['month'] as AlertGrain[]) : GRAINS;
  const chosenGrain = grains.includes(grain) ? grain : 'month';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(undefined);
    setCreated(undefined);
    const body: Record<string, unknown> = {
      name,
      metric: metric.id,
      rule: chosenRule,
      grain: chosenGrain,
      notify: [...lines(emails).map((email) => ({ email })), ...lines(webhooks).map((webhook) => ({ webhook }))],
    };
    if (chosenRule === 'threshold') {
      const stored = fromReaderUnit(value, metric.unit, durationUnit);
      if (stored === null) return setFailure({ text: t('alerts.valueInvalid'), fields: [] });
      body[side] = stored;
    }
    if (chosenRule === 'target') body.significant_only = significant;
    const [dimension, id] = scope ? (scope.split(':') as [string, string]) : [];
    body.scope = dimension ? { [dimension]: id } : {};
    if (language) body.language = language;
    setBusy(true);
    try {
      const saved = await api<Alert & { secret: string }>('/alerts', { body });
      setCreated({ name: saved.name, secret: saved.secret, webhook: saved.notify.some((n) => n.webhook) });
      setCopied(false);
      setName('');
      setValue('');
      onSaved();
    } catch (error) {
      const fields =
        error instanceof ApiError && Array.isArray(error.details)
          ? (error.details as Array<{ field: string; reason: string }>).filter((d) => d && d.field)
          : [];
      setFailure({ text: error instanceof ApiError ? error.message : String(error), fields });
    } finally {
      setBusy(false);
    }
  };

  const copy = async () => {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.secret);
      setCopied(true);
    } catch {
      // no clipboard (an insecure origin): the secret stays selectable on screen
    }
  };

  return (
    <form className="card form" onSubmit={(e) => void submit(e)} data-testid="alert-form">
      <h2>{t('alerts.createTitle')}</h2>
      <label>
        {t('alerts.name')}
        <input value={name} onChange={(e) => setName(e.target.value)} required data-testid="alert-name" />
      </label>
      <label>
        {t('alerts.metric')}
        <select value={metric.id} onChange={(e) => setMetricId(e.target.value)} data-testid="alert-metric">
          {choices.map((m) => (
            <option key={m.id} value={m.id}>
              {metricName(m.id)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('alerts.rule')}
        <select value={chosenRule} onChange={(e) => setRule(e.target.value as AlertRule)} data-testid="alert-rule">
          {rules.map((r) => (
            <option key={r} value={r}>
              {t(`alerts.rules.${r}`)}
            </option>
          ))}
        </select>
      </label>
      <p className="muted small">{t(`alerts.rulesHelp.${chosenRule}`)}</p>
      {chosenRule === 'threshold' && (
        <label>
          {t('alerts.threshold')}
          <span className="input-with-unit">
            <select
              value={side}
              onChange={(e) => setSide(e.target.value as 'below')}
              aria-label={t('alerts.side')}
              data-testid="alert-side"
            >
              <option value="below">{t('alerts.whenBelow')}</option>
              <option value="above">{t('alerts.whenAbove')}</option>
            </select>
            <MetricValueInput
              unit={metric.unit}
              value={value}
              onChange={setValue}
              durationUnit={durationUnit}
              onDurationUnit={setDurationUnit}
              testId="alert-value"
            />
          </span>
        </label>
      )}
      {chosenRule === 'threshold' && metric.scale && metric.unit !== 'ratio' && (
        <p className="muted small">{t('kpi.scaleLabel', { min: metric.scale.min, max: metric.scale.max })}</p>
      )}
      {chosenRule === 'target' && (
        <label className="checkbox">
          <input
            type="checkbox"
            checked={significant}
            onChange={(e) => setSignificant(e.target.checked)}
            data-testid="alert-significant"
          />{' '}
          {t('alerts.significantOnly')}
        </label>
      )}
      <label>
        {t('alerts.grain')}
        <select value={chosenGrain} onChange={(e) => setGrain(e.target.value as AlertGrain)} data-testid="alert-grain">
          {grains.map((g) => (
            <option key={g} value={g}>
              {t(`grain.${g}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('alerts.scope')}
        <select value={scope} onChange={(e) => setScope(e.target.value)} data-testid="alert-scope">
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
        {t('alerts.emails')}
        <textarea rows={2} value={emails} onChange={(e) => setEmails(e.target.value)} data-testid="alert-emails" />
      </label>
      <label>
        {t('alerts.webhooks')}
        <textarea
          rows={2}
          value={webhooks}
          onChange={(e) => setWebhooks(e.target.value)}
          data-testid="alert-webhooks"
        />
      </label>
      <p className="muted small">{t('alerts.channelsHelp')}</p>
      <label>
        {t('alerts.language')}
        <select value={language} onChange={(e) => setLanguage(e.target.value)} data-testid="alert-language">
          <option value="">{t('alerts.languageDefault')}</option>
          {(['en', 'ru', 'lt'] as const).map((l) => (
            <option key={l} value={l}>
              {t(`languages.${l}`)}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" disabled={busy} data-testid="alert-submit">
        {t('alerts.create')}
      </button>
      {failure && (
        <div className="error-text" role="alert" data-testid="alert-error">
          <p>{failure.text}</p>
          {failure.fields.length > 0 && (
            <ul data-testid="alert-field-errors">
              {failure.fields.map((f) => (
                <li key={`${f.field}:${f.reason}`}>
                  <strong>{f.field}</strong>: {f.reason}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {created && (
        <div className="note" role="status" data-testid="alert-created">
          <p>{t('alerts.created', { name: created.name })}</p>
          {created.webhook && (
            <>
              <p>{t('alerts.secretOnce')}</p>
              <p className="secret">
                <code data-testid="alert-secret">{created.secret}</code>{' '}
                <button type="button" className="secondary" onClick={() => void copy()} data-testid="alert-copy">
                  {copied ? t('alerts.copied') : t('alerts.copy')}
                </button>
              </p>
            </>
          )}
        </div>
      )}
    </form>
  );
}

/** The explorer view of a firing: the metric at the alert's grain, the fired period last, in its scope. */
function explorerLink(event: AlertEvent, grain: AlertGrain): string {
  const params = new URLSearchParams({
    metric: event.metric,
    grain,
    from: addPeriods(event.period, grain, grain === 'day' ? -27 : -11),
    to: addPeriods(event.period, grain, 1),
  });
  for (const [dimension, value] of Object.entries(event.group)) params.append('where', `${dimension}:${value}`);
  return `/explorer?${params.toString()}`;
}

function History() {
  const { t } = useTranslation();
  const { byId } = useCatalog();
  const format = useFormat();
  const metricName = useMetricName();
  const scopeLabel = useScopeLabel();
  const events = useApi<AlertHistory>('/alerts/history', { query: { limit: 200 } });
  const alerts = useApi<AlertList>('/alerts');
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string }>();
  if (events.error) return <ErrorState error={events.error} onRetry={events.reload} compact />;
  if (!events.data) return <Loading inline />;
  if (!events.data.events.length) return <Empty>{t('alerts.historyNone')}</Empty>;
  const grainOf = new Map(alerts.data?.alerts.map((a) => [a.name, a.grain]));

  const acknowledge = async (id: string) => {
    setOutcome(undefined);
    try {
      await api(`/alerts/history/${encodeURIComponent(id)}/acknowledge`, { method: 'POST' });
      events.reload();
    } catch (error) {
      setOutcome({ ok: false, text: (error as Error).message });
    }
  };
  // Threshold and target reasons in the reader's language and the metric's unit; an anomaly's
  // reason (the statistical method's own account) as the server words it.
  const reason = (event: AlertEvent, unit: string) => {
    const bound = event.expected_low ?? event.expected_high;
    if (event.rule === 'anomaly' || bound === null) return event.reason;
    const value = format.value(bound, unit);
    if (event.rule === 'target') return t('alerts.reasonTarget', { value });
    return t(event.expected_low !== null ? 'alerts.ruleBelow' : 'alerts.ruleAbove', { value });
  };
  const range = (event: AlertEvent, unit: string) => {
    const low = event.expected_low === null ? null : format.value(event.expected_low, unit);
    const high = event.expected_high === null ? null : format.value(event.expected_high, unit);
    if (low && high) return `${low} – ${high}`;
    if (low) return `≥ ${low}`;
    if (high) return `≤ ${high}`;
    return '';
  };

  return (
    <>
      <p className="muted">{t('alerts.historyIntro')}</p>
      {outcome && (
        <p className="error-text" role="alert">
          {outcome.text}
        </p>
      )}
      <div className="table-scroll">
        <table className="data" data-testid="alerts-history">
          <thead>
            <tr>
              <th scope="col">{t('alerts.firedAt')}</th>
              <th scope="col">{t('alerts.name')}</th>
              <th scope="col">{t('alerts.period')}</th>
              <th scope="col">{t('alerts.value')}</th>
              <th scope="col">{t('alerts.expected')}</th>
              <th scope="col">{t('alerts.reason')}</th>
              <th scope="col">{t('alerts.state')}</th>
              <th scope="col" aria-label={t('alerts.actions')} />
            </tr>
          </thead>
          <tbody>
            {events.data.events.map((event) => {
              const unit = byId.get(event.metric)?.unit ?? 'number';
              const grain = grainOf.get(event.alert) ?? 'month';
              return (
                <tr key={event.id} data-testid="alert-event" data-state={event.state}>
                  <td>{format.date(event.fired_at, true)}</td>
                  <td className="wrap">
                    {event.alert}
                    <br />
                    <span className="muted small">
                      {metricName(event.metric)}, {scopeLabel(event.group)}
                    </span>
                  </td>
                  <td>{format.period(event.period, grain)}</td>
                  <td className="num">{format.value(event.value, unit)}</td>
                  <td className="num">{range(event, unit)}</td>
                  <td className="wrap small" title={event.reason}>
                    {reason(event, unit)}
                  </td>
                  <td className="wrap" data-testid="alert-state">
                    <span className={`badge alert-state ${event.state}`}>{t(`alerts.states.${event.state}`)}</span>
                    {event.state === 'failed' && event.error && <span className="small"> {event.error}</span>}
                    {event.state === 'acknowledged' && (
                      <span className="small">
                        {' '}
                        {t('alerts.acknowledgedBy', {
                          who: event.acknowledged_by ?? '',
                          at: event.acknowledged_at ? format.date(event.acknowledged_at, true) : '',
                        })}
                      </span>
                    )}
                  </td>
                  <td>
                    <span className="actions">
                      {event.state !== 'acknowledged' && (
                        <button type="button" className="secondary" onClick={() => void acknowledge(event.id)}>
                          {t('alerts.acknowledge')}
                        </button>
                      )}{' '}
                      <Link to={explorerLink(event, grain)} data-testid="alert-explore">
                        {t('alerts.explore')}
                      </Link>
                    </span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}

function Jobs() {
  const { t } = useTranslation();
  const { can } = useSession();
  const format = useFormat();
  const [state, setState] = useState('');
  const jobs = useApi<JobList>('/jobs', { query: { limit: 200, state } });
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string }>();
  const retry = async (id: string) => {
    setOutcome(undefined);
    try {
      await api(`/jobs/${encodeURIComponent(id)}/retry`, { method: 'POST' });
      setOutcome({ ok: true, text: t('alerts.jobs.retried') });
      jobs.reload();
    } catch (error) {
      setOutcome({ ok: false, text: (error as Error).message });
    }
  };
  return (
    <>
      <p className="muted">{t('alerts.jobs.intro')}</p>
      <div className="controls">
        <label>
          {t('alerts.jobs.state')}
          <select value={state} onChange={(e) => setState(e.target.value)} data-testid="jobs-state">
            <option value="">{t('alerts.jobs.allStates')}</option>
            {(['pending', 'running', 'done', 'dead'] satisfies JobState[]).map((s) => (
              <option key={s} value={s}>
                {t(`alerts.jobs.states.${s}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {outcome && (
        <p className={outcome.ok ? 'ok-text' : 'error-text'} role={outcome.ok ? 'status' : 'alert'}>
          {outcome.text}
        </p>
      )}
      {jobs.error && <ErrorState error={jobs.error} onRetry={jobs.reload} compact />}
      {!jobs.data && !jobs.error && <Loading inline />}
      {jobs.data && !jobs.data.jobs.length && <Empty>{t('alerts.jobs.none')}</Empty>}
      {jobs.data && jobs.data.jobs.length > 0 && (
        <div className="table-scroll">
          <table className="data" data-testid="jobs-table">
            <thead>
              <tr>
                <th scope="col">{t('alerts.jobs.kind')}</th>
                <th scope="col">{t('alerts.jobs.state')}</th>
                <th scope="col">{t('alerts.jobs.attempts')}</th>
                <th scope="col">{t('alerts.jobs.runAt')}</th>
                <th scope="col">{t('alerts.jobs.lastError')}</th>
                <th scope="col" aria-label={t('alerts.jobs.retry')} />
              </tr>
            </thead>
            <tbody>
              {jobs.data.jobs.map((job) => {
                const kind = JOB_KINDS[job.kind];
                return (
                  <tr key={job.id} data-testid="job-row" data-kind={job.kind} data-state={job.state}>
                    <td>{kind ? t(`alerts.jobs.kinds.${kind}`) : job.kind}</td>
                    <td>
                      <span className={`badge job-state ${job.state}`}>{t(`alerts.jobs.states.${job.state}`)}</span>
                    </td>
                    <td className="num">
                      {t('alerts.jobs.attemptsOf', { attempts: job.attempts, max: job.max_attempts })}
                    </td>
                    <td>
                      {job.state === 'pending' || job.state === 'running'
                        ? format.date(job.run_at, true)
                        : job.finished_at
                          ? t('alerts.jobs.finished', { at: format.date(job.finished_at, true) })
                          : ''}
                    </td>
                    <td className="wrap small">{job.last_error ?? ''}</td>
                    <td>
                      {job.state === 'dead' && can('settings') && (
                        <button type="button" className="secondary" onClick={() => void retry(job.id)}>
                          {t('alerts.jobs.retry')}
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
