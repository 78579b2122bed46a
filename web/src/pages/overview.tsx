import { useTranslation } from 'react-i18next';
import { useCatalog } from '../catalog.tsx';
import { KpiGrid, useVisibleMetrics } from '../components/kpi-grid.tsx';
import { PeriodPicker } from '../components/period-picker.tsx';
import { usePeriodParam } from '../use-period.ts';
import { addPeriods } from '../periods.ts';
import { useFormat } from '../use-format.ts';

/** The headline KPIs a CX manager reads every morning. */
export const OVERVIEW_METRICS = [
  'nps',
  'csat',
  'ces',
  'first_response_time',
  'resolution_time',
  'fcr_rate',
  'backlog',
  'customer_churn_rate',
  'arpu',
  'clv',
  'support_cost_to_revenue',
];

export function Overview() {
  const { t } = useTranslation();
  const format = useFormat();
  const { directory } = useCatalog();
  const [period, setPeriod] = usePeriodParam(directory.data.last);
  const { visible, hidden } = useVisibleMetrics(OVERVIEW_METRICS);
  return (
    <section className="page" data-testid="overview">
      <header className="page-header">
        <div>
          <h1>{t('overview.title')}</h1>
          <p className="muted">
            {t('overview.subtitle', {
              period: format.period(period.start, period.grain),
              previous: format.period(addPeriods(period.start, period.grain, -1), period.grain),
            })}
          </p>
        </div>
        <PeriodPicker value={period} onChange={setPeriod} />
      </header>
      <KpiGrid metrics={visible} period={period} />
      {hidden > 0 && <p className="note">{t('overview.managersOnly')}</p>}
    </section>
  );
}
