import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCatalog, useMetricName } from '../catalog.tsx';
import { KpiGrid, usePartialRange, useVisibleMetrics } from '../components/kpi-grid.tsx';
import { PeriodPicker } from '../components/period-picker.tsx';
import { usePeriodParam } from '../use-period.ts';
import { addPeriods } from '../periods.ts';
import { useFormat } from '../use-format.ts';
import { OVERVIEW_METRICS } from '../../../src/contract/overview.ts';

export function Overview() {
  const { t } = useTranslation();
  const format = useFormat();
  const { directory } = useCatalog();
  const [period, setPeriod] = usePeriodParam(directory.data.last);
  const { visible, hidden } = useVisibleMetrics(OVERVIEW_METRICS);
  const metricName = useMetricName();
  const partialRange = usePartialRange();
  // Whether the engine marks the period partial, per period shown (rows carry `partial`).
  const [partial, setPartial] = useState<{ key: string; value: boolean }>();
  const key = `${period.grain}:${period.start}`;
  const subtitle = {
    period: format.period(period.start, period.grain),
    previous: format.period(addPeriods(period.start, period.grain, -1), period.grain),
  };
  return (
    <section className="page" data-testid="overview">
      <header className="page-header">
        <div>
          <h1>{t('overview.title')}</h1>
          <p className="muted" data-testid="overview-subtitle">
            {partial?.key === key && partial.value
              ? t('overview.subtitlePartial', { ...subtitle, range: partialRange(period.start, period.grain) })
              : t('overview.subtitle', subtitle)}
          </p>
        </div>
        <PeriodPicker value={period} onChange={setPeriod} />
      </header>
      <KpiGrid
        metrics={visible}
        period={period}
        onHeadline={(row) =>
          row.partial !== undefined && setPartial((p) => (p?.key === key ? p : { key, value: Boolean(row.partial) }))
        }
      />
      {hidden.length > 0 && (
        <p className="note">
          {t('overview.managersOnly', { metrics: hidden.map((m) => metricName(m.id)).join(', ') })}
        </p>
      )}
    </section>
  );
}
