import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { FileInput } from '../components/file-input.tsx';
import { api, ApiError } from '../api.ts';
import { Empty, ErrorState, Loading, NotAllowed } from '../components/states.tsx';
import { useApi } from '../data.ts';
import { LANGUAGES } from '../i18n.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import { useSession } from '../session.tsx';
import { useFormat } from '../use-format.ts';
// The answers of /api/v1/surveys and its invitations, declared once by the server.
import type {
  Invitation,
  InvitationList,
  InviteResult,
  ServiceAttribute,
  Survey,
  SurveyKind,
  SurveyList,
  Texts,
} from '../../../src/contract/api.ts';

const KINDS: SurveyKind[] = ['nps', 'csat', 'ces', 'enps', 'rating'];

/** Surveys: the list with delivery and response counts, a form to create or edit, and one survey's invitations. */
export default function Surveys() {
  const { can } = useSession();
  const { path } = useLocation();
  if (!can('surveys')) return <NotAllowed />;
  const match = /^\/surveys\/([^/]+)(\/edit)?$/.exec(path);
  if (path === '/surveys/new') return <SurveyForm />;
  if (match) {
    const id = decodeURIComponent(match[1]!);
    return match[2] ? <EditSurvey id={id} /> : <SurveyDetail id={id} />;
  }
  return <SurveyListPage />;
}

function NoSmtp({ email }: { email: SurveyList['email'] | undefined }) {
  const { t } = useTranslation();
  if (email !== null) return null;
  return (
    <p className="note" role="status" data-testid="no-smtp">
      {t('surveys.noSmtp')}
    </p>
  );
}

function SurveyListPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const list = useApi<SurveyList>('/surveys');
  return (
    <section className="page" data-testid="surveys">
      <header className="page-header">
        <h1>{t('surveys.title')}</h1>
        <Link to="/surveys/new" className="button" data-testid="new-survey">
          {t('surveys.new')}
        </Link>
      </header>
      {list.loading && <Loading />}
      {list.error && <ErrorState error={list.error} onRetry={list.reload} />}
      {list.data && (
        <>
          <NoSmtp email={list.data.email} />
          {list.data.surveys.length === 0 ? (
            <Empty>{t('surveys.empty')}</Empty>
          ) : (
            <div className="table-scroll card">
              <table className="data" data-testid="surveys-table">
                <thead>
                  <tr>
                    <th scope="col">{t('surveys.name')}</th>
                    <th scope="col">{t('surveys.kind')}</th>
                    <th scope="col">{t('surveys.status')}</th>
                    <th scope="col" className="num">
                      {t('surveys.invitations')}
                    </th>
                    <th scope="col" className="num">
                      {t('surveys.delivered')}
                    </th>
                    <th scope="col" className="num">
                      {t('surveys.responses')}
                    </th>
                    <th scope="col" className="num">
                      {t('surveys.responseRate')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {list.data.surveys.map((s) => (
                    <tr key={s.id}>
                      <th scope="row">
                        <Link to={`/surveys/${encodeURIComponent(s.id)}`}>{s.name}</Link>
                        <div className="muted small">{s.id}</div>
                      </th>
                      <td>{t(`surveys.kinds.${s.kind}`)}</td>
                      <td>{t(`surveys.statuses.${s.status}`)}</td>
                      <td className="num">{format.count(s.stats.invitations)}</td>
                      <td className="num">{format.count(s.stats.delivered)}</td>
                      <td className="num">{format.count(s.stats.responses)}</td>
                      <td className="num">{format.value(s.stats.response_rate, 'ratio')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}

function EditSurvey({ id }: { id: string }) {
  const survey = useApi<Survey>(`/surveys/${encodeURIComponent(id)}`);
  if (survey.loading) return <Loading />;
  if (survey.error) return <ErrorState error={survey.error} onRetry={survey.reload} />;
  return survey.data ? <SurveyForm survey={survey.data} /> : null;
}

interface FormState {
  id: string;
  name: string;
  kind: SurveyKind;
  question: Record<'en' | 'ru' | 'lt', string>;
  follow_up: boolean;
  attributes: string[];
  status: 'active' | 'closed';
  ticketSolved: boolean;
  delay: string;
  recurring: boolean;
  everyDays: string;
  fatigue: string;
  reminder: string;
  linkDays: string;
}

function initialForm(s?: Survey): FormState {
  return {
    id: s?.id ?? '',
    name: s?.name ?? '',
    kind: s?.kind ?? 'nps',
    question: { en: s?.question.en ?? '', ru: s?.question.ru ?? '', lt: s?.question.lt ?? '' },
    // The server sends null for a survey without a follow-up question.
    follow_up: s ? s.follow_up !== null : true,
    attributes: s?.attributes ?? [],
    status: s?.status ?? 'active',
    ticketSolved: Boolean(s?.trigger.ticket_solved),
    delay: String(s?.trigger.ticket_solved?.delay_minutes ?? 60),
    recurring: Boolean(s?.trigger.recurring),
    everyDays: String(s?.trigger.recurring?.every_days ?? 90),
    fatigue: String(s?.fatigue_days ?? 30),
    reminder: s ? (s.reminder_hours === null ? '' : String(s.reminder_hours)) : '72',
    linkDays: String(s?.link_days ?? 30),
  };
}

/** Create (no survey) or replace a survey; the server's field errors show beside the form. */
function SurveyForm({ survey }: { survey?: Survey }) {
  const { t, i18n } = useTranslation();
  const attributes = useApi<{ attributes: ServiceAttribute[] }>('/organization/service-attributes');
  const [form, setForm] = useState<FormState>(() => initialForm(survey));
  const [error, setError] = useState<ApiError>();
  const [saving, setSaving] = useState(false);
  useEffect(() => setForm(initialForm(survey)), [survey]);
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => setForm((f) => ({ ...f, [key]: value }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    const question = form.question.en.trim()
      ? Object.fromEntries(
          Object.entries(form.question)
            .map(([k, v]) => [k, v.trim()])
            .filter(([, v]) => v),
        )
      : undefined;
    const previousFollowUp = survey?.follow_up;
    const body = {
      id: form.id,
      name: form.name,
      kind: form.kind,
      question,
      // An edited survey keeps its own follow-up texts when the follow-up stays on.
      follow_up: form.follow_up ? (previousFollowUp ?? true) : false,
      attributes: form.attributes,
      status: form.status,
      closes_at: survey?.closes_at ?? null,
      trigger: {
        ...(form.ticketSolved
          ? {
              ticket_solved: {
                delay_minutes: Number(form.delay),
                ...(survey?.trigger.ticket_solved?.channels ? { channels: survey.trigger.ticket_solved.channels } : {}),
              },
            }
          : {}),
        ...(form.recurring ? { recurring: { every_days: Number(form.everyDays) } } : {}),
      },
      fatigue_days: Number(form.fatigue),
      reminder_hours: form.reminder.trim() === '' ? null : Number(form.reminder),
      link_days: Number(form.linkDays),
    };
    setSaving(true);
    try {
      if (survey) await api(`/surveys/${encodeURIComponent(survey.id)}`, { method: 'PUT', body });
      else await api('/surveys', { method: 'POST', body });
      navigate(`/surveys/${encodeURIComponent(form.id)}`);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'client', String(e)));
    } finally {
      setSaving(false);
    }
  };

  const details = Array.isArray(error?.details) ? (error.details as Array<{ field?: string; reason?: string }>) : [];
  const fieldError = (field: string) => {
    const found = details.filter((d) => d.field === field || d.field?.startsWith(field + '.'));
    return found.length ? (
      <span className="error-text small" id={`err-${field}`}>
        {found.map((d) => d.reason).join('; ')}
      </span>
    ) : null;
  };
  const number = (key: 'delay' | 'everyDays' | 'fatigue' | 'reminder' | 'linkDays', label: string, hint?: string) => (
    <label>
      {label}
      <input
        type="number"
        min={0}
        value={form[key]}
        onChange={(e) => set(key, e.target.value)}
        data-testid={`survey-${key}`}
      />
      {hint && <span className="muted small">{hint}</span>}
    </label>
  );
  const names = (n: Texts) => n[i18n.language as 'en'] ?? n.en;

  return (
    <section className="page" data-testid="survey-form">
      <header className="page-header">
        <h1>{survey ? t('surveys.editTitle', { name: survey.name }) : t('surveys.new')}</h1>
        <Link to={survey ? `/surveys/${encodeURIComponent(survey.id)}` : '/surveys'}>{t('app.cancel')}</Link>
      </header>
      <form className="card form" onSubmit={(e) => void submit(e)} noValidate>
        <label>
          {t('surveys.name')}
          <input value={form.name} onChange={(e) => set('name', e.target.value)} required data-testid="survey-name" />
          {fieldError('name')}
        </label>
        {!survey && (
          <label>
            {t('surveys.id')}
            <input
              value={form.id}
              onChange={(e) => set('id', e.target.value)}
              pattern="[a-z0-9][a-z0-9\-]{1,62}"
              required
              data-testid="survey-id"
            />
            <span className="muted small">{t('surveys.idHint')}</span>
            {fieldError('id')}
          </label>
        )}
        <label>
          {t('surveys.kind')}
          <select
            value={form.kind}
            onChange={(e) => set('kind', e.target.value as SurveyKind)}
            data-testid="survey-kind"
          >
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`surveys.kinds.${k}`)}
              </option>
            ))}
          </select>
        </label>
        <fieldset>
          <legend>{t('surveys.question')}</legend>
          <p className="muted small">{t('surveys.questionHint')}</p>
          {LANGUAGES.map((l) => (
            <label key={l}>
              {t(`languages.${l}`)}
              <input
                value={form.question[l]}
                lang={l}
                onChange={(e) => set('question', { ...form.question, [l]: e.target.value })}
              />
            </label>
          ))}
          {fieldError('question')}
        </fieldset>
        <label className="checkbox">
          <input type="checkbox" checked={form.follow_up} onChange={(e) => set('follow_up', e.target.checked)} />
          {t('surveys.followUp')}
        </label>
        <fieldset>
          <legend>{t('surveys.attributes')}</legend>
          {attributes.loading && <Loading inline />}
          {attributes.error && <ErrorState compact error={attributes.error} onRetry={attributes.reload} />}
          {attributes.data?.attributes.length === 0 && <p className="muted small">{t('surveys.noAttributes')}</p>}
          {attributes.data?.attributes.map((a) => (
            <label key={a.key} className="checkbox">
              <input
                type="checkbox"
                checked={form.attributes.includes(a.key)}
                onChange={(e) =>
                  set(
                    'attributes',
                    e.target.checked ? [...form.attributes, a.key] : form.attributes.filter((x) => x !== a.key),
                  )
                }
              />
              {names(a.names)}
            </label>
          ))}
          {fieldError('attributes')}
        </fieldset>
        <fieldset>
          <legend>{t('surveys.trigger')}</legend>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={form.ticketSolved}
              onChange={(e) => set('ticketSolved', e.target.checked)}
              data-testid="survey-ticket-solved"
            />
            {t('surveys.ticketSolved')}
          </label>
          {form.ticketSolved && number('delay', t('surveys.delayMinutes'))}
          <label className="checkbox">
            <input type="checkbox" checked={form.recurring} onChange={(e) => set('recurring', e.target.checked)} />
            {t('surveys.recurring')}
          </label>
          {form.recurring && number('everyDays', t('surveys.everyDays'))}
          {fieldError('trigger')}
        </fieldset>
        {number('fatigue', t('surveys.fatigueDays'), t('surveys.fatigueHint'))}
        {fieldError('fatigue_days')}
        {number('reminder', t('surveys.reminderHours'), t('surveys.reminderHint'))}
        {fieldError('reminder_hours')}
        {number('linkDays', t('surveys.linkDays'))}
        {fieldError('link_days')}
        <label>
          {t('surveys.status')}
          <select value={form.status} onChange={(e) => set('status', e.target.value as 'active')}>
            <option value="active">{t('surveys.statuses.active')}</option>
            <option value="closed">{t('surveys.statuses.closed')}</option>
          </select>
        </label>
        {error && (
          <div className="error-text" role="alert" data-testid="survey-error">
            <p>{error.status === 0 ? t('app.networkError') : error.message}</p>
            {details.length > 0 && (
              <ul>
                {details.map((d, i) => (
                  <li key={i}>
                    {d.field ? <code>{d.field}</code> : null} {d.reason}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
        <button type="submit" disabled={saving} data-testid="survey-save">
          {saving ? t('app.loading') : survey ? t('app.save') : t('surveys.create')}
        </button>
      </form>
    </section>
  );
}

function invitationStatus(i: Invitation): 'answered' | 'failed' | 'reminded' | 'sent' | 'waiting' {
  if (i.responded_at) return 'answered';
  if (i.delivery_error) return 'failed';
  if (i.reminded_at) return 'reminded';
  if (i.sent_at) return 'sent';
  return 'waiting';
}

function SurveyDetail({ id }: { id: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const path = `/surveys/${encodeURIComponent(id)}`;
  const survey = useApi<Survey>(path);
  const list = useApi<SurveyList>('/surveys');
  const invitations = useApi<InvitationList>(`${path}/invitations`, { query: { limit: 50 } });
  if (survey.loading) return <Loading />;
  if (survey.error) return <ErrorState error={survey.error} onRetry={survey.reload} />;
  const s = survey.data;
  if (!s) return null;
  // Only the list carries the counts (GET /api/v1/surveys/{id} has none).
  const stats = list.data?.surveys.find((x) => x.id === s.id)?.stats;
  const fact = (label: string, value: ReactNode) => (
    <div>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
  return (
    <section className="page" data-testid="survey-detail">
      <header className="page-header">
        <h1>{s.name}</h1>
        <div className="actions">
          <Link to="/surveys">{t('surveys.backToList')}</Link>
          <Link to={`${path}/edit`} className="button">
            {t('surveys.edit')}
          </Link>
        </div>
      </header>
      <NoSmtp email={list.data?.email} />
      <dl className="card summary">
        {fact(t('surveys.kind'), t(`surveys.kinds.${s.kind}`))}
        {fact(t('surveys.status'), t(`surveys.statuses.${s.status}`))}
        {stats && fact(t('surveys.invitations'), format.count(stats.invitations))}
        {stats && fact(t('surveys.delivered'), format.count(stats.delivered))}
        {stats && fact(t('surveys.responses'), format.count(stats.responses))}
        {stats && fact(t('surveys.responseRate'), format.value(stats.response_rate, 'ratio'))}
      </dl>
      <InviteBox
        path={path}
        onDone={() => {
          invitations.reload();
          list.reload();
        }}
      />
      <div className="card">
        <h2>{t('surveys.recentInvitations')}</h2>
        {invitations.loading && <Loading inline />}
        {invitations.error && <ErrorState compact error={invitations.error} onRetry={invitations.reload} />}
        {invitations.data?.invitations.length === 0 && <Empty>{t('surveys.noInvitations')}</Empty>}
        {Boolean(invitations.data?.invitations.length) && (
          <div className="table-scroll">
            <table className="data" data-testid="invitations-table">
              <thead>
                <tr>
                  <th scope="col">{t('surveys.created')}</th>
                  <th scope="col">{t('surveys.recipient')}</th>
                  <th scope="col">{t('surveys.ticket')}</th>
                  <th scope="col">{t('feedback.language')}</th>
                  <th scope="col">{t('surveys.status')}</th>
                </tr>
              </thead>
              <tbody>
                {invitations.data!.invitations.map((i) => {
                  const status = invitationStatus(i);
                  return (
                    <tr key={i.id}>
                      <td>{format.date(i.created_at, true)}</td>
                      <td>{[i.customer_id, i.email].filter(Boolean).join(' · ') || '—'}</td>
                      <td>{i.ticket_id ?? '—'}</td>
                      <td>{i.language}</td>
                      <td className={status === 'failed' ? 'status failed' : 'status'} title={i.delivery_error ?? ''}>
                        {t(`surveys.invitationStatus.${status}`)}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </div>
      <Embed path={path} />
    </section>
  );
}

/** Paste a CSV or pick a file; the created links and the skipped recipients with their reasons. */
function InviteBox({ path, onDone }: { path: string; onDone: () => void }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [file, setFile] = useState<File>();
  const [result, setResult] = useState<InviteResult>();
  const [error, setError] = useState<ApiError>();
  const [sending, setSending] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setResult(undefined);
    const body = file ?? new Blob([text], { type: 'text/csv' });
    setSending(true);
    try {
      setResult(await api<InviteResult>(`${path}/invitations`, { raw: { body, type: 'text/csv' } }));
      setText('');
      setFile(undefined);
      onDone();
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'client', String(e)));
    } finally {
      setSending(false);
    }
  };
  const details = Array.isArray(error?.details) ? (error.details as Array<{ field?: string; reason?: string }>) : [];
  return (
    <form className="card form" onSubmit={(e) => void submit(e)} data-testid="invite">
      <h2>{t('surveys.invite')}</h2>
      <p className="muted small">{t('surveys.inviteHint')}</p>
      <label>
        {t('surveys.pasteCsv')}
        <textarea
          rows={4}
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder={'customer_id\nc-0001'}
          data-testid="invite-csv"
        />
      </label>
      <label>
        {t('surveys.uploadFile')}
        <FileInput accept=".csv,text/csv" onChange={setFile} testId="invite-file" />
      </label>
      <button type="submit" disabled={sending || (!file && !text.trim())} data-testid="invite-send">
        {sending ? t('app.loading') : t('surveys.inviteSubmit')}
      </button>
      {error && (
        <div className="error-text" role="alert">
          <p>{error.message}</p>
          {details.length > 0 && (
            <ul>
              {details.map((d, i) => (
                <li key={i}>
                  {d.field ? <code>{d.field}</code> : null} {d.reason}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {result && (
        <div role="status" data-testid="invite-result">
          <p className="ok-text">
            {t('surveys.inviteCreated', { count: result.created.length })} {result.email}
          </p>
          {result.created.length > 0 && (
            <ul data-testid="invite-links">
              {result.created.map((c) => (
                <li key={c.id}>
                  {c.customer_id ?? c.email}:{' '}
                  <a href={c.url} target="_blank" rel="noreferrer">
                    {c.url}
                  </a>
                </li>
              ))}
            </ul>
          )}
          {result.skipped.length > 0 && (
            <>
              <p className="warning-text">{t('surveys.inviteSkipped', { count: result.skipped.length })}</p>
              <ul data-testid="invite-skipped">
                {result.skipped.map((s) => (
                  <li key={s.index}>
                    {t('surveys.row', { n: s.index + 1 })} {s.customer_id ?? s.email ?? ''}: {s.reason}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </form>
  );
}

function Embed({ path }: { path: string }) {
  const { t } = useTranslation();
  const embed = useApi<{ url: string; snippet: string }>(`${path}/embed`);
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(embed.data!.snippet);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <div className="card">
      <h2>{t('surveys.embed')}</h2>
      <p className="muted small">{t('surveys.embedHint')}</p>
      {embed.loading && <Loading inline />}
      {embed.error && <ErrorState compact error={embed.error} onRetry={embed.reload} />}
      {embed.data && (
        <>
          <label>
            {t('surveys.snippet')}
            <textarea readOnly rows={3} value={embed.data.snippet} data-testid="embed-snippet" />
          </label>
          <div className="actions">
            <button type="button" onClick={() => void copy()}>
              {t('surveys.copy')}
            </button>
            <span role="status">{copied ? t('surveys.copied') : ''}</span>
          </div>
        </>
      )}
    </div>
  );
}
