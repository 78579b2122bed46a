import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { useCatalog } from '../catalog.tsx';
import { Empty, ErrorState, Loading, NotAllowed } from '../components/states.tsx';
import { useApi } from '../data.ts';
import { navigate, useLocation } from '../router.tsx';
import { useSession } from '../session.tsx';
import { useFormat } from '../use-format.ts';
import type { AuditEntry, AuditLog } from '../../../src/contract/api.ts';

const TABS = [
  { id: 'organization', permission: 'settings' },
  { id: 'users', permission: 'users' },
  { id: 'keys', permission: 'keys' },
  { id: 'audit', permission: 'audit' },
] as const;
type Tab = (typeof TABS)[number]['id'];

/** Organization settings and business hours, users, API keys and the audit log, by permission. */
export default function Settings() {
  const { t } = useTranslation();
  const { can } = useSession();
  const { search } = useLocation();
  const tabs = TABS.filter((tab) => can(tab.permission));
  if (!tabs.length) return <NotAllowed />;
  const requested = search.get('tab') as Tab;
  const tab = tabs.find((x) => x.id === requested)?.id ?? tabs[0]!.id;
  return (
    <section className="page" data-testid="settings">
      <header className="page-header">
        <h1>{t('settings.title')}</h1>
      </header>
      <div className="tabs" role="tablist">
        {tabs.map((x) => (
          <button
            key={x.id}
            type="button"
            role="tab"
            aria-selected={tab === x.id}
            className={tab === x.id ? 'active' : ''}
            onClick={() => navigate(`/settings?tab=${x.id}`, { replace: true })}
          >
            {t(`settings.${x.id}`)}
          </button>
        ))}
      </div>
      <div role="tabpanel">
        {tab === 'organization' && <OrganizationTab />}
        {tab === 'users' && <UsersTab />}
        {tab === 'keys' && <KeysTab />}
        {tab === 'audit' && <AuditTab />}
      </div>
    </section>
  );
}

/** A form's outcome, said in words. */
function useOutcome() {
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  return {
    message,
    run: async (action: () => Promise<unknown>, ok: string) => {
      setMessage(undefined);
      try {
        await action();
        setMessage({ ok: true, text: ok });
        return true;
      } catch (error) {
        setMessage({ ok: false, text: (error as Error).message });
        return false;
      }
    },
    view: () =>
      message && (
        <p className={message.ok ? 'ok-text' : 'error-text'} role={message.ok ? 'status' : 'alert'}>
          {message.text}
        </p>
      ),
  };
}

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
interface OrganizationSettings {
  name: string;
  timezone: string;
  currency: string;
  language: 'en' | 'ru' | 'lt';
  business_hours: {
    timezone: string;
    week: Partial<Record<(typeof DAYS)[number], Array<[string, string]>>>;
    holidays: string[];
    default: boolean;
  };
}

function OrganizationTab() {
  const { t } = useTranslation();
  const { refresh } = useSession();
  const settings = useApi<OrganizationSettings>('/organization');
  const general = useOutcome();
  const hours = useOutcome();
  const [form, setForm] = useState<Pick<OrganizationSettings, 'name' | 'timezone' | 'currency' | 'language'>>();
  const [week, setWeek] = useState<Record<string, string>>({});
  const [holidays, setHolidays] = useState('');
  const [hoursZone, setHoursZone] = useState('');

  useEffect(() => {
    const data = settings.data;
    if (!data) return;
    setForm({ name: data.name, timezone: data.timezone, currency: data.currency, language: data.language });
    setWeek(
      Object.fromEntries(DAYS.map((d) => [d, (data.business_hours.week[d] ?? []).map((r) => r.join('-')).join(', ')])),
    );
    setHolidays(data.business_hours.holidays.join(', '));
    setHoursZone(data.business_hours.timezone);
  }, [settings.data]);

  if (settings.loading) return <Loading />;
  if (settings.error) return <ErrorState error={settings.error} onRetry={settings.reload} />;
  if (!form) return null;
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [form.timezone];

  const saveGeneral = async (event: FormEvent) => {
    event.preventDefault();
    const original = settings.data!;
    const changed = Object.fromEntries(Object.entries(form).filter(([k, v]) => original[k as keyof typeof form] !== v));
    if (!Object.keys(changed).length) return;
    if (await general.run(() => api('/organization', { method: 'PATCH', body: changed }), t('app.saved')))
      await refresh();
  };
  const saveHours = async (event: FormEvent) => {
    event.preventDefault();
    const schedule = {
      timezone: hoursZone,
      week: Object.fromEntries(
        DAYS.map((d) => [
          d,
          (week[d] ?? '')
            .split(',')
            .map((r) => r.trim())
            .filter(Boolean)
            .map((r) => r.split('-').map((x) => x.trim())),
        ]),
      ),
      holidays: holidays
        .split(',')
        .map((h) => h.trim())
        .filter(Boolean),
    };
    await hours.run(() => api('/organization/business-hours', { method: 'PUT', body: schedule }), t('app.saved'));
  };

  return (
    <>
      <form className="card form" onSubmit={(e) => void saveGeneral(e)}>
        <h2>{t('settings.organization')}</h2>
        <label>
          {t('settings.name')}
          <input value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} required />
        </label>
        <label>
          {t('settings.timezone')}
          <select value={form.timezone} onChange={(e) => setForm({ ...form, timezone: e.target.value })}>
            {[...new Set([form.timezone, ...zones])].map((z) => (
              <option key={z}>{z}</option>
            ))}
          </select>
        </label>
        <label>
          {t('settings.currency')}
          <input
            value={form.currency}
            pattern="[A-Z]{3}"
            maxLength={3}
            onChange={(e) => setForm({ ...form, currency: e.target.value.toUpperCase() })}
          />
        </label>
        <label>
          {t('settings.language')}
          <select value={form.language} onChange={(e) => setForm({ ...form, language: e.target.value as 'en' })}>
            {(['en', 'ru', 'lt'] as const).map((l) => (
              <option key={l} value={l}>
                {t(`languages.${l}`)}
              </option>
            ))}
          </select>
        </label>
        {general.view()}
        <button type="submit">{t('app.save')}</button>
      </form>
      <form className="card form" onSubmit={(e) => void saveHours(e)}>
        <h2>{t('settings.businessHours')}</h2>
        <p className="muted">{t('settings.businessHoursHint')}</p>
        {settings.data?.business_hours.default && <p className="note">{t('settings.defaultSchedule')}</p>}
        <label>
          {t('settings.timezone')}
          <select value={hoursZone} onChange={(e) => setHoursZone(e.target.value)}>
            {[...new Set([hoursZone, ...zones])].map((z) => (
              <option key={z}>{z}</option>
            ))}
          </select>
        </label>
        <div className="week">
          {DAYS.map((d) => (
            <label key={d}>
              {t(`settings.weekdays.${d}`)}
              <input
                value={week[d] ?? ''}
                placeholder={t('settings.closed')}
                onChange={(e) => setWeek({ ...week, [d]: e.target.value })}
              />
            </label>
          ))}
        </div>
        <label>
          {t('settings.holidays')}
          <input value={holidays} placeholder="2026-12-24, 2026-12-25" onChange={(e) => setHolidays(e.target.value)} />
        </label>
        {hours.view()}
        <button type="submit">{t('app.save')}</button>
      </form>
    </>
  );
}

interface Member {
  user_id: string;
  email: string;
  name: string;
  role: string;
  teams: string[];
  agent_id: string | null;
  last_login_at: string | null;
}
interface Invitation {
  id: string;
  email: string;
  role: string;
  expires_at: string;
}
const ROLES = ['owner', 'admin', 'manager', 'team_lead', 'agent', 'viewer'] as const;

function UsersTab() {
  const { t } = useTranslation();
  const format = useFormat();
  const { me } = useSession();
  const { directory } = useCatalog();
  const users = useApi<{ members: Member[]; invitations: Invitation[] }>('/users');
  const outcome = useOutcome();
  const [invite, setInvite] = useState({ email: '', role: 'viewer', team: '', agent: '' });
  const [link, setLink] = useState<{ email: string; url: string }>();

  const membership = (role: string, team: string, agent: string) => ({
    role,
    ...(role === 'team_lead' ? { teams: team ? [team] : [] } : {}),
    ...(role === 'agent' ? { agent_id: agent || null } : {}),
  });
  const sendInvite = async (event: FormEvent) => {
    event.preventDefault();
    const ok = await outcome.run(async () => {
      const result = await api<{ url: string; email: string }>('/users/invitations', {
        body: { email: invite.email, ...membership(invite.role, invite.team, invite.agent) },
      });
      setLink({ email: result.email, url: result.url });
    }, t('app.saved'));
    if (ok) {
      setInvite({ email: '', role: 'viewer', team: '', agent: '' });
      users.reload();
    }
  };
  const changeRole = async (member: Member, role: string) => {
    if (
      await outcome.run(
        () =>
          api(`/users/${member.user_id}`, {
            method: 'PATCH',
            body: membership(role, member.teams[0] ?? '', member.agent_id ?? ''),
          }),
        t('app.saved'),
      )
    )
      users.reload();
  };
  const remove = async (member: Member) => {
    if (!window.confirm(t('settings.removeConfirm', { email: member.email }))) return;
    if (await outcome.run(() => api(`/users/${member.user_id}`, { method: 'DELETE' }), t('app.saved'))) users.reload();
  };

  if (users.loading) return <Loading />;
  if (users.error) return <ErrorState error={users.error} onRetry={users.reload} />;
  return (
    <>
      <section className="card">
        <h2>{t('settings.members')}</h2>
        {outcome.view()}
        <div className="table-scroll">
          <table className="data" data-testid="users-table">
            <thead>
              <tr>
                <th scope="col">{t('settings.email')}</th>
                <th scope="col">{t('settings.role')}</th>
                <th scope="col">{t('settings.teams')}</th>
                <th scope="col">{t('settings.agent')}</th>
                <th scope="col">{t('settings.lastLogin')}</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {users.data!.members.map((m) => (
                <tr key={m.user_id}>
                  <td>
                    {m.email}
                    {m.name && <div className="muted">{m.name}</div>}
                  </td>
                  <td>
                    <select
                      value={m.role}
                      aria-label={`${t('settings.role')}: ${m.email}`}
                      disabled={m.user_id === me?.user?.id}
                      onChange={(e) => void changeRole(m, e.target.value)}
                    >
                      {ROLES.map((r) => (
                        <option key={r} value={r}>
                          {t(`roles.${r}`)}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>{m.teams.map((id) => directory.teams.find((x) => x.id === id)?.name ?? id).join(', ')}</td>
                  <td>{m.agent_id ? (directory.agents.find((a) => a.id === m.agent_id)?.name ?? m.agent_id) : ''}</td>
                  <td>{m.last_login_at ? format.date(m.last_login_at, true) : ''}</td>
                  <td>
                    {m.user_id !== me?.user?.id && (
                      <button type="button" className="secondary small" onClick={() => void remove(m)}>
                        {t('app.remove')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {users.data!.invitations.length > 0 && (
          <>
            <h3>{t('settings.openInvitations')}</h3>
            <ul className="plain">
              {users.data!.invitations.map((i) => (
                <li key={i.id}>
                  {i.email} · {t(`roles.${i.role as 'owner'}`)} · {t('settings.expires')} {format.date(i.expires_at)}
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
      <form className="card form" onSubmit={(e) => void sendInvite(e)}>
        <h2>{t('settings.inviteTitle')}</h2>
        <label>
          {t('settings.email')}
          <input
            type="email"
            required
            value={invite.email}
            onChange={(e) => setInvite({ ...invite, email: e.target.value })}
          />
        </label>
        <label>
          {t('settings.role')}
          <select value={invite.role} onChange={(e) => setInvite({ ...invite, role: e.target.value })}>
            {ROLES.filter((r) => r !== 'owner' || me?.role === 'owner').map((r) => (
              <option key={r} value={r}>
                {t(`roles.${r}`)}
              </option>
            ))}
          </select>
        </label>
        {invite.role === 'team_lead' && (
          <label>
            {t('settings.teams')}
            <select value={invite.team} onChange={(e) => setInvite({ ...invite, team: e.target.value })} required>
              <option value="" />
              {directory.teams.map((x) => (
                <option key={x.id} value={x.id}>
                  {x.name}
                </option>
              ))}
            </select>
          </label>
        )}
        {invite.role === 'agent' && (
          <label>
            {t('settings.agent')}
            <select value={invite.agent} onChange={(e) => setInvite({ ...invite, agent: e.target.value })} required>
              <option value="" />
              {directory.agents.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <button type="submit">{t('settings.invite')}</button>
        {link && (
          <p className="note">
            {t('settings.invitationLink', { email: link.email })} <code className="select-all">{link.url}</code>
          </p>
        )}
      </form>
    </>
  );
}

interface ApiKeyInfo {
  id: string;
  name: string;
  prefix: string;
  scope: 'full' | 'read' | 'ingest';
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

function KeysTab() {
  const { t } = useTranslation();
  const format = useFormat();
  const keys = useApi<{ keys: ApiKeyInfo[] }>('/keys');
  const outcome = useOutcome();
  const [name, setName] = useState('');
  const [scope, setScope] = useState<ApiKeyInfo['scope']>('read');
  const [created, setCreated] = useState<string>();

  const create = async (event: FormEvent) => {
    event.preventDefault();
    const ok = await outcome.run(async () => {
      const result = await api<{ key: string }>('/keys', { body: { name, scope } });
      setCreated(result.key);
    }, t('app.saved'));
    if (ok) {
      setName('');
      keys.reload();
    }
  };
  const revoke = async (key: ApiKeyInfo) => {
    if (!window.confirm(t('settings.revokeConfirm', { name: key.name }))) return;
    if (await outcome.run(() => api(`/keys/${key.id}`, { method: 'DELETE' }), t('app.saved'))) keys.reload();
  };
  if (keys.loading) return <Loading />;
  if (keys.error) return <ErrorState error={keys.error} onRetry={keys.reload} />;
  return (
    <>
      <section className="card">
        <h2>{t('settings.keys')}</h2>
        {outcome.view()}
        <div className="table-scroll">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">{t('settings.keyName')}</th>
                <th scope="col">{t('settings.prefix')}</th>
                <th scope="col">{t('settings.scope')}</th>
                <th scope="col">{t('settings.created')}</th>
                <th scope="col">{t('settings.lastUsed')}</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {keys.data!.keys.map((k) => (
                <tr key={k.id} className={k.revoked_at ? 'muted' : undefined}>
                  <td>{k.name}</td>
                  <td>
                    <code>{k.prefix}</code>
                  </td>
                  <td>{t(`settings.scopes.${k.scope}`)}</td>
                  <td>{format.date(k.created_at)}</td>
                  <td>{k.last_used_at ? format.date(k.last_used_at, true) : ''}</td>
                  <td>
                    {k.revoked_at ? (
                      t('settings.revoked')
                    ) : (
                      <button type="button" className="secondary small" onClick={() => void revoke(k)}>
                        {t('settings.revoke')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <form className="card form" onSubmit={(e) => void create(e)}>
        <h2>{t('settings.createKey')}</h2>
        <label>
          {t('settings.keyName')}
          <input value={name} required maxLength={100} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          {t('settings.scope')}
          <select value={scope} onChange={(e) => setScope(e.target.value as ApiKeyInfo['scope'])}>
            {(['read', 'ingest', 'full'] as const).map((s) => (
              <option key={s} value={s}>
                {t(`settings.scopes.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">{t('settings.createKey')}</button>
        {created && (
          <p className="note" role="status">
            {t('settings.keyShownOnce')} <code className="select-all">{created}</code>
          </p>
        )}
      </form>
    </>
  );
}

function AuditTab() {
  const { t } = useTranslation();
  const format = useFormat();
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [before, setBefore] = useState<string>();
  const page = useApi<AuditLog>('/audit', { query: { limit: 100, before } });
  useEffect(() => {
    if (page.data) setEntries((current) => (before ? [...current, ...page.data!.entries] : page.data!.entries));
  }, [page.data]);
  return (
    <section className="card">
      <h2>{t('settings.audit')}</h2>
      {page.data && !before && !entries.length && <Empty>{t('settings.noAuditEntries')}</Empty>}
      <div className="table-scroll" hidden={!entries.length}>
        <table className="data" data-testid="audit-table">
          <thead>
            <tr>
              <th scope="col">{t('settings.at')}</th>
              <th scope="col">{t('settings.actor')}</th>
              <th scope="col">{t('settings.action')}</th>
              <th scope="col">{t('settings.target')}</th>
              <th scope="col">{t('settings.details')}</th>
              <th scope="col">{t('settings.address')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id}>
                <td>{format.date(e.at, true)}</td>
                <td>{e.actor}</td>
                <td>
                  <code>{e.action}</code>
                </td>
                <td>{e.target ?? ''}</td>
                <td className="wrap small">{Object.keys(e.details ?? {}).length ? JSON.stringify(e.details) : ''}</td>
                <td>{e.ip ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {page.loading && <Loading />}
      {page.error && <ErrorState error={page.error} onRetry={page.reload} compact />}
      {page.data && page.data.entries.length === 100 && (
        <button type="button" className="secondary" onClick={() => setBefore(entries.at(-1)?.id)}>
          {t('app.loadMore')}
        </button>
      )}
    </section>
  );
}
