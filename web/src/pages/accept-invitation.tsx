import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api.ts';
import { navigate } from '../router.tsx';
import { useSession, type Me } from '../session.tsx';

/** /invite/<token>: a person invited by an owner or admin sets their name and password. */
export function AcceptInvitation({ token }: { token: string }) {
  const { t } = useTranslation();
  const { adopt } = useSession();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const me = await api<Me>('/auth/invitations/accept', { body: { token, name, password } });
      adopt(me);
      navigate('/', { replace: true });
    } catch (failure) {
      setError(
        failure instanceof ApiError && failure.code === 'invitation-invalid'
          ? t('invite.invalid')
          : (failure as Error).message,
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login-page" id="main">
      <form className="login card" onSubmit={(e) => void submit(e)}>
        <h1>{t('invite.titleGeneric')}</h1>
        <label>
          {t('invite.name')}
          <input value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" required />
        </label>
        <label>
          {t('invite.password')}
          <input
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoComplete="new-password"
            minLength={12}
            required
          />
        </label>
        {error && (
          <p className="error-text" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {t('invite.submit')}
        </button>
      </form>
    </main>
  );
}
