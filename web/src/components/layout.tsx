import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { useApi } from '../data.ts';
import { chooseLanguage, LANGUAGES, type Language } from '../i18n.ts';
import { Link, useLocation } from '../router.tsx';
import { useSession } from '../session.tsx';

/** The frame of every page: navigation by role, language, who is signed in, and log out. */
export function Layout({ children }: { children: ReactNode }) {
  const { t, i18n } = useTranslation();
  const { me, can, logout, adopt } = useSession();
  const [switching, setSwitching] = useState(false);
  /** Opens another organization of the user: a new session there, then every page reads it. */
  const switchTo = async (slug: string) => {
    setSwitching(true);
    try {
      adopt(await api<Parameters<typeof adopt>[0]>('/auth/organization', { body: { organization: slug } }));
      window.location.reload();
    } finally {
      setSwitching(false);
    }
  };
  const { path } = useLocation();
  const [open, setOpen] = useState(false);
  // The survey pages arrive with the survey API; until it answers, the entry stays hidden.
  const surveys = useApi<unknown>(can('surveys') ? '/surveys' : null);
  const items: Array<{ to: string; label: string; show: boolean }> = [
    { to: '/', label: t('nav.overview'), show: true },
    { to: '/explorer', label: t('nav.explorer'), show: true },
    { to: '/teams', label: t('nav.teams'), show: true },
    { to: '/targets', label: t('nav.targets'), show: can('query') },
    { to: '/alerts', label: t('nav.alerts'), show: can('query') },
    { to: '/reports', label: t('nav.reports'), show: can('query') },
    { to: '/analytics', label: t('nav.analytics'), show: can('query') },
    { to: '/feedback', label: t('nav.feedback'), show: can('rows') },
    { to: '/surveys', label: t('nav.surveys'), show: Boolean(surveys.data) },
    { to: '/data', label: t('nav.data'), show: can('import') },
    { to: '/settings', label: t('nav.settings'), show: can('settings') || can('users') || can('keys') || can('audit') },
  ];
  const active = (to: string) => (to === '/' ? path === '/' || path === '/overview' : path.startsWith(to));
  const who = me?.user?.name || me?.user?.email || '';
  return (
    <div className="layout">
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="topbar">
        <button
          type="button"
          className="menu-button"
          aria-expanded={open}
          aria-controls="main-nav"
          onClick={() => setOpen((o) => !o)}
        >
          ☰ <span className="sr-only">{t('nav.menu')}</span>
        </button>
        <Link to="/" className="brand">
          <svg viewBox="0 0 32 32" width="24" height="24" aria-hidden="true">
            <rect width="32" height="32" rx="7" fill="currentColor" />
            <path
              d="M7 22l6-7 5 4 7-9"
              stroke="#fff"
              strokeWidth="3"
              fill="none"
              strokeLinecap="round"
              strokeLinejoin="round"
            />
          </svg>
          <span>{me?.organization.name ?? t('app.name')}</span>
        </Link>
        <div className="topbar-right">
          {me && me.organizations.length > 1 && (
            <label className="organization">
              <span className="sr-only">{t('nav.organization')}</span>
              <select
                value={me.organization.slug}
                disabled={switching}
                onChange={(e) => void switchTo(e.target.value)}
                data-testid="organization-switcher"
                aria-label={t('nav.organization')}
              >
                {me.organizations.map((o) => (
                  <option key={o.slug} value={o.slug}>
                    {o.name}
                  </option>
                ))}
              </select>
            </label>
          )}
          <label className="language">
            <span className="sr-only">{t('nav.language')}</span>
            <select
              value={i18n.language}
              onChange={(e) => chooseLanguage(e.target.value as Language, true)}
              data-testid="language"
              aria-label={t('nav.language')}
            >
              {LANGUAGES.map((l) => (
                <option key={l} value={l}>
                  {t(`languages.${l}`)}
                </option>
              ))}
            </select>
          </label>
          <span className="who" title={t('nav.signedInAs', { who, role: t(`roles.${me?.role as 'owner'}`) })}>
            {who} · {t(`roles.${me?.role as 'owner'}`, { defaultValue: me?.role })}
          </span>
          <button type="button" className="secondary" onClick={() => void logout()} data-testid="logout">
            {t('nav.logout')}
          </button>
        </div>
      </header>
      <div className="frame">
        <nav id="main-nav" className={open ? 'sidebar open' : 'sidebar'} aria-label={t('nav.main')}>
          <ul>
            {items
              .filter((item) => item.show)
              .map((item) => (
                <li key={item.to}>
                  <Link to={item.to} aria-current={active(item.to) ? 'page' : undefined} onClick={() => setOpen(false)}>
                    {item.label}
                  </Link>
                </li>
              ))}
          </ul>
        </nav>
        <main id="main" tabIndex={-1}>
          {children}
        </main>
      </div>
    </div>
  );
}
