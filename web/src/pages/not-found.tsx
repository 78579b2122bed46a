import { useTranslation } from 'react-i18next';
import { Link } from '../router.tsx';

export function NotFound() {
  const { t } = useTranslation();
  return (
    <section className="not-allowed">
      <h1>{t('app.notFoundTitle')}</h1>
      <p>{t('app.notFound')}</p>
      <Link to="/">{t('app.backToOverview')}</Link>
    </section>
  );
}
