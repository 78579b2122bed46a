import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, withQuery } from '../api.ts';
import { useCatalog, useMetricName } from '../catalog.tsx';
import { useScopeLabel } from '../components/scorecard.tsx';
import { Empty, ErrorState, Loading } from '../components/states.tsx';
import { useApi } from '../data.ts';
import { useSession } from '../session.tsx';
// The answers of /api/v1/reports and its archive, declared once by the server.
import type { Report, ReportIssue, ReportIssues, ReportList as ReportDefinitions } from '../../../src/contract/api.ts';

const FORMATS = ['pdf', 'xlsx', 'html'] as const;

/** The last complete month as YYYY-MM, the default period of a preview. */
function lastMonth(): string {
  const now = new Date();
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return d.toISOString().slice(0, 7);
}

const lines = (text: string) =>
  text
    .split(/[\n,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);

/** Reports: scheduled e-mails with PDF and XLSX, a preview of any period, and the archive. */
export default function Reports() {
  const { t } = useTranslation();
  const { can } = useSession();
  const reports = useApi<ReportDefinitions>('/reports');
  const archive = useApi<ReportIssues>('/reports/archive');
  const mayEdit = can('targets');
  // Kept here: the list unmounts while the definitions reload after a send or a delete.
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string }>();
  const reload = () => {
    reports.reload();
    archive.reload();
  };
  return (
    <section className="page" data-testid="reports">
      <header className="page-header">
        <div>
          <h1>{t('reports.title')}</h1>
          <p className="muted">{t('reports.intro')}</p>
        </div>
      </header>
      {reports.data && !reports.data.mail.configured && (
        <p className="note" data-testid="reports-no-smtp">
          {t('reports.noSmtp')}
        </p>
      )}
      {!mayEdit && <p className="note">{t('reports.readOnly')}</p>}
      {outcome && (
        <p
          className={outcome.ok ? 'ok-text' : 'error-text'}
          role={outcome.ok ? 'status' : 'alert'}
          data-testid="reports-outcome"
        >
          {outcome.text}
        </p>
      )}
      {reports.error && <ErrorState error={reports.error} onRetry={reports.reload} compact />}
      {reports.loading && <Loading inline />}
      {reports.data && (
        <ReportList reports={reports.data.reports} mayEdit={mayEdit} onChanged={reload} onOutcome={setOutcome} />
      )}
      {mayEdit && <ReportForm onSaved={reload} />}
      <Preview reports={reports.data?.reports ?? []} />
      <h2>{t('reports.archive')}</h2>
      {archive.error && <ErrorState error={archive.error} onRetry={archive.reload} compact />}
      {archive.data && <Archive issues={archive.data.issues} />}
    </section>
  );
}

function ReportList({
  reports,
  mayEdit,
  onChanged,
  onOutcome: setOutcome,
}: {
  reports: Report[];
  mayEdit: boolean;
  onChanged: () => void;
  onOutcome: (outcome: { ok: boolean; text: string } | undefined) => void;
}) {
  const { t } = useTranslation();
  const metricName = useMetricName();
  const scopeLabel = useScopeLabel();
  const [busy, setBusy] = useState<string>();
  if (!reports.length) return <Empty>{t(mayEdit ? 'reports.noneCreate' : 'reports.noneAsk')}</Empty>;

  const act = async (report: Report, action: 'send' | 'delete') => {
    setOutcome(undefined);
    setBusy(report.id);
    try {
      if (action === 'delete') {
        await api(`/reports/${encodeURIComponent(report.id)}`, { method: 'DELETE' });
        setOutcome({ ok: true, text: t('reports.deleted') });
      } else {
        const sent = await api<ReportIssues>(`/reports/${encodeURIComponent(report.id)}/send`, { body: {} });
        setOutcome({
          ok: true,
          text: t(sent.mail.configured ? 'reports.sentQueued' : 'reports.sentStored', {
            period: sent.issues[0]?.period ?? '',
          }),
        });
      }
      onChanged();
    } catch (error) {
      setOutcome({ ok: false, text: (error as Error).message });
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <>
      <div className="table-scroll">
        <table className="data" data-testid="reports-table">
          <thead>
            <tr>
              <th scope="col">{t('reports.name')}</th>
              <th scope="col">{t('reports.schedule')}</th>
              <th scope="col">{t('reports.metrics')}</th>
              <th scope="col">{t('reports.scope')}</th>
              <th scope="col">{t('reports.recipients')}</th>
              {mayEdit && <th scope="col" aria-label={t('reports.actions')} />}
            </tr>
          </thead>
          <tbody>
            {reports.map((report) => (
              <tr key={report.id} data-testid="report-row">
                <td className="wrap">{report.name}</td>
                <td>{t(`reports.schedules.${report.schedule}`, { day: report.day, time: report.time })}</td>
                <td className="wrap small">{report.metrics.map((m) => metricName(m)).join(', ')}</td>
                <td>{scopeLabel(report.scope)}</td>
                <td className="wrap small">
                  {report.recipients.map((r) => r.email ?? t('reports.user', { id: r.user })).join(', ')}
                </td>
                {mayEdit && (
                  <td>
                    <button
                      type="button"
                      className="secondary"
                      disabled={busy === report.id}
                      onClick={() => void act(report, 'send')}
                      data-testid="report-send"
                    >
                      {t('reports.sendNow')}
                    </button>{' '}
                    <button
                      type="button"
                      className="secondary"
                      disabled={busy === report.id}
                      onClick={() => void act(report, 'delete')}
                    >
                      {t('reports.delete')}
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function ReportForm({ onSaved }: { onSaved: () => void }) {
  const { t } = useTranslation();
  const { metrics, directory } = useCatalog();
  const metricName = useMetricName();
  const choices = metrics.filter((m) => m.queryable);
  const [name, setName] = useState('');
  const [schedule, setSchedule] = useState<'monthly' | 'quarterly'>('monthly');
  const [day, setDay] = useState('1');
  const [time, setTime] = useState('08:00');
  const [chosen, setChosen] = useState<string[]>(
    ['csat', 'first_response_time'].filter((id) => choices.some((m) => m.id === id)),
  );
  const [scope, setScope] = useState('');
  const [emails, setEmails] = useState('');
  const [language, setLanguage] = useState('');
  const [attach, setAttach] = useState<Array<'pdf' | 'xlsx'>>(['pdf', 'xlsx']);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string>();
  const [saved, setSaved] = useState<string>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(undefined);
    setSaved(undefined);
    const [dimension, id] = scope ? (scope.split(':') as [string, string]) : [];
    const body: Record<string, unknown> = {
      name,
      schedule,
      day: Number(day),
      time,
      metrics: chosen,
      scope: dimension ? { [dimension]: id } : {},
      attach,
      // "user:EMAIL" names a member, who gets the part of the report their role may see.
      recipients: lines(emails).map((to) => (to.startsWith('user:') ? { user: to.slice(5) } : { email: to })),
    };
    if (language) body.language = language;
    setBusy(true);
    try {
      const report = await api<Report>('/reports', { body });
      setSaved(t('reports.created', { name: report.name }));
      setName('');
      onSaved();
    } catch (error) {
      setFailure(error instanceof ApiError ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };

  const toggle = (id: string) =>
    setChosen((list) => (list.includes(id) ? list.filter((x) => x !== id) : [...list, id]));
  return (
    <form className="card form" onSubmit={(e) => void submit(e)} data-testid="report-form">
      <h2>{t('reports.createTitle')}</h2>
      <label>
        {t('reports.name')}
        <input value={name} onChange={(e) => setName(e.target.value)} required data-testid="report-name" />
      </label>
      <label>
        {t('reports.schedule')}
        <select
          value={schedule}
          onChange={(e) => setSchedule(e.target.value as 'monthly')}
          data-testid="report-schedule"
        >
          <option value="monthly">{t('reports.monthly')}</option>
          <option value="quarterly">{t('reports.quarterly')}</option>
        </select>
      </label>
      <label>
        {t('reports.day')}
        <input type="number" min={1} max={28} value={day} onChange={(e) => setDay(e.target.value)} />
      </label>
      <label>
        {t('reports.time')}
        <input type="time" value={time} onChange={(e) => setTime(e.target.value)} required />
      </label>
      <fieldset>
        <legend>{t('reports.metrics')}</legend>
        <div className="checkbox-grid">
          {choices.map((m) => (
            <label key={m.id} className="checkbox">
              <input
                type="checkbox"
                checked={chosen.includes(m.id)}
                onChange={() => toggle(m.id)}
                data-testid={`report-metric-${m.id}`}
              />{' '}
              {metricName(m.id)}
            </label>
          ))}
        </div>
      </fieldset>
      <label>
        {t('reports.scope')}
        <select value={scope} onChange={(e) => setScope(e.target.value)} data-testid="report-scope">
          <option value="">{t('targets.organization')}</option>
          {directory.teams.map((team) => (
            <option key={team.id} value={`team:${team.id}`}>
              {t('targets.team', { name: team.name })}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('reports.recipientsHelp')}
        <textarea
          rows={3}
          value={emails}
          onChange={(e) => setEmails(e.target.value)}
          required
          data-testid="report-recipients"
        />
      </label>
      <label>
        {t('reports.language')}
        <select value={language} onChange={(e) => setLanguage(e.target.value)} data-testid="report-language">
          <option value="">{t('reports.orgLanguage')}</option>
          {(['en', 'ru', 'lt'] as const).map((l) => (
            <option key={l} value={l}>
              {t(`languages.${l}`)}
            </option>
          ))}
        </select>
      </label>
      <fieldset>
        <legend>{t('reports.attach')}</legend>
        {(['pdf', 'xlsx'] as const).map((f) => (
          <label key={f} className="checkbox">
            <input
              type="checkbox"
              checked={attach.includes(f)}
              onChange={() => setAttach((list) => (list.includes(f) ? list.filter((x) => x !== f) : [...list, f]))}
            />{' '}
            {f.toUpperCase()}
          </label>
        ))}
      </fieldset>
      {failure && (
        <p className="error-text" role="alert">
          {failure}
        </p>
      )}
      {saved && (
        <p className="ok-text" role="status">
          {saved}
        </p>
      )}
      <button type="submit" disabled={busy || !chosen.length} data-testid="report-save">
        {t('reports.save')}
      </button>
    </form>
  );
}

function Preview({ reports }: { reports: Report[] }) {
  const { t, i18n } = useTranslation();
  const [report, setReport] = useState('');
  const [period, setPeriod] = useState(lastMonth());
  const [language, setLanguage] = useState('');
  const chosen = reports.find((r) => r.id === report);
  const valid = /^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$/.test(period);
  const href = (format: (typeof FORMATS)[number]) =>
    withQuery('/api/v1/reports/preview', {
      ...(chosen ? { report: chosen.id } : { metrics: 'csat,nps,first_response_time,fcr_rate,tickets_created' }),
      period,
      format,
      language: language || (chosen ? undefined : i18n.language.slice(0, 2)),
    });
  return (
    <div className="card form" data-testid="report-preview">
      <h2>{t('reports.previewTitle')}</h2>
      <p className="muted small">{t('reports.previewIntro')}</p>
      <label>
        {t('reports.report')}
        <select value={report} onChange={(e) => setReport(e.target.value)} data-testid="preview-report">
          <option value="">{t('reports.headlineKpis')}</option>
          {reports.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('reports.period')}
        <input
          value={period}
          onChange={(e) => setPeriod(e.target.value.trim())}
          placeholder="2026-03 / 2026-Q1"
          data-testid="preview-period"
        />
      </label>
      {!valid && <p className="error-text">{t('reports.periodInvalid')}</p>}
      <label>
        {t('reports.language')}
        <select value={language} onChange={(e) => setLanguage(e.target.value)}>
          <option value="">{t('reports.orgLanguage')}</option>
          {(['en', 'ru', 'lt'] as const).map((l) => (
            <option key={l} value={l}>
              {t(`languages.${l}`)}
            </option>
          ))}
        </select>
      </label>
      {valid && (
        <p>
          {FORMATS.map((f) => (
            <a
              key={f}
              className="button secondary"
              href={href(f)}
              target="_blank"
              rel="noopener"
              data-testid={`preview-${f}`}
            >
              {t('reports.open', { format: f.toUpperCase() })}
            </a>
          ))}
        </p>
      )}
    </div>
  );
}

function Archive({ issues }: { issues: ReportIssue[] }) {
  const { t, i18n } = useTranslation();
  if (!issues.length) return <Empty>{t('reports.archiveEmpty')}</Empty>;
  return (
    <div className="table-scroll">
      <table className="data" data-testid="reports-archive">
        <thead>
          <tr>
            <th scope="col">{t('reports.report')}</th>
            <th scope="col">{t('reports.period')}</th>
            <th scope="col">{t('reports.copy')}</th>
            <th scope="col">{t('reports.mail')}</th>
            <th scope="col">{t('reports.generated')}</th>
            <th scope="col">{t('reports.download')}</th>
          </tr>
        </thead>
        <tbody>
          {issues.map((issue) => (
            <tr key={issue.id} data-testid="archive-row">
              <td className="wrap">{issue.report}</td>
              <td>{issue.period}</td>
              <td className="small">{issue.audience ? t('reports.ownCopy') : t('reports.fullCopy')}</td>
              <td className="wrap small" data-testid="archive-mail">
                {t(`reports.mailStates.${issue.mail_state}`)}
                {issue.addresses.length > 0 && ` (${issue.addresses.join(', ')})`}
                {issue.mail_error && <span className="error-text"> {issue.mail_error}</span>}
              </td>
              <td className="small">{new Date(issue.generated_at).toLocaleString(i18n.language)}</td>
              <td>
                {FORMATS.map((f) => (
                  <a key={f} href={`/api/v1/reports/archive/${issue.id}/${f}?download=1`} download>
                    {f.toUpperCase()}{' '}
                  </a>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
