import { useTranslation } from 'react-i18next';
import { addPeriods, PERIOD_GRAINS, periodStart, type Period, type PeriodGrain } from '../periods.ts';
import { useFormat } from '../use-format.ts';

/** A calendar period: its kind (week, month, quarter, year) and arrows to step through them. */
export function PeriodPicker({ value, onChange }: { value: Period; onChange: (period: Period) => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <div className="period-picker" role="group" aria-label={t('period.label')}>
      <select
        aria-label={t('period.label')}
        value={value.grain}
        onChange={(e) => {
          const grain = e.target.value as PeriodGrain;
          onChange({ grain, start: periodStart(value.start, grain) });
        }}
      >
        {PERIOD_GRAINS.map((g) => (
          <option key={g} value={g}>
            {t(`grain.${g}`)}
          </option>
        ))}
      </select>
      <button
        type="button"
        className="icon"
        aria-label={t('period.previous')}
        title={t('period.previous')}
        onClick={() => onChange({ ...value, start: addPeriods(value.start, value.grain, -1) })}
      >
        ‹
      </button>
      <span className="period-name" aria-live="polite" data-testid="period-name">
        {format.period(value.start, value.grain)}
      </span>
      <button
        type="button"
        className="icon"
        aria-label={t('period.next')}
        title={t('period.next')}
        onClick={() => onChange({ ...value, start: addPeriods(value.start, value.grain, 1) })}
      >
        ›
      </button>
    </div>
  );
}
