import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api.ts';
import { chooseLanguage, LANGUAGES, type Language } from '../i18n.ts';
import { useSession } from '../session.tsx';

export function Login() {
  const { t, i18n } = useTranslation();
  const { login } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await login(email, password);
    } catch (failure) {
      const code = failure instanceof ApiError ? failure.code : '';
      setError(
        code === 'invalid-credentials'
          ? t('login.invalid')
          : code === 'account-locked'
            ? t('login.locked')
            : code === 'rate-limited'
              ? t('login.rateLimited')
              : failure instanceof ApiError && failure.status === 0
                ? t('app.networkError')
                : (failure as Error).message,
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login-page" id="main">
      <form className="login card" onSubmit={(e) => void submit(e)} aria-labelledby="login-title">
        <h1 id="login-title">{t('login.title')}</h1>
        <p className="muted">{t('login.subtitle')}</p>
        <label>
          {t('login.email')}
          <input
            type="email"
            name="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            autoFocus
          />
        </label>
        <label>
          {t('login.password')}
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error && (
          <p className="error-text" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? t('login.submitting') : t('login.submit')}
        </button>
        <div className="login-languages" role="group" aria-label={t('nav.language')}>
          {LANGUAGES.map((l) => (
            <button
              key={l}
              type="button"
              className={i18n.language === l ? 'link active' : 'link'}
              aria-pressed={i18n.language === l}
              onClick={() => chooseLanguage(l as Language, true)}
            >
              {t(`languages.${l}`)}
            </button>
          ))}
        </div>
      </form>
    </main>
  );
}
