import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api.ts';
import { Link } from '../router.tsx';

export function Loading({ label, inline }: { label?: string; inline?: boolean }) {
  const { t } = useTranslation();
  return (
    <div className={inline ? 'loading inline' : 'loading'} role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label ?? t('app.loading')}</span>
    </div>
  );
}

/** What went wrong, in words, with the server's message and a retry. */
export function ErrorState({ error, onRetry, compact }: { error: ApiError; onRetry?: () => void; compact?: boolean }) {
  const { t } = useTranslation();
  if (error.status === 403) return <NotAllowed compact={compact} message={error.message} />;
  return (
    <div className={compact ? 'error-state compact' : 'error-state'} role="alert">
      {!compact && <h2>{t('app.errorTitle')}</h2>}
      <p>{error.status === 0 ? t('app.networkError') : error.message}</p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          {t('app.retry')}
        </button>
      )}
    </div>
  );
}

export function NotAllowed({ message, compact }: { message?: string; compact?: boolean }) {
  const { t } = useTranslation();
  if (compact)
    return (
      <div className="not-allowed compact" role="alert">
        {t('kpi.forbidden')}
      </div>
    );
  return (
    <section className="not-allowed" role="alert" data-testid="not-allowed">
      <h1>{t('app.notAllowedTitle')}</h1>
      <p>{message ?? t('app.notAllowed')}</p>
      <Link to="/">{t('app.backToOverview')}</Link>
    </section>
  );
}

export function Empty({ children }: { children?: React.ReactNode }) {
  const { t } = useTranslation();
  return <div className="empty">{children ?? t('app.noData')}</div>;
}
