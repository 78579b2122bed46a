import { useTranslation } from 'react-i18next';
import type { MetricInfo } from '../catalog.tsx';

export type DurationUnit = 'minutes' | 'hours';

/** The value as the reader types it, in the metric's unit: 85 (%) -> 0.85, 4 (hours) -> 14400. */
export function fromReaderUnit(text: string, unit: MetricInfo['unit'], durationUnit: DurationUnit): number | null {
  const trimmed = text.trim().replace(',', '.');
  if (!/^-?\d+(\.\d+)?$/.test(trimmed)) return null;
  const value = Number(trimmed);
  if (unit === 'ratio') return value / 100;
  if (unit === 'seconds') return value * (durationUnit === 'hours' ? 3600 : 60);
  return value;
}

/**
 * A number field in the reader's unit of a metric: a percentage for shares, minutes or hours for
 * durations (the targets and alerts forms); `fromReaderUnit` turns it into the stored value.
 */
export function MetricValueInput(props: {
  unit: MetricInfo['unit'];
  value: string;
  onChange: (value: string) => void;
  durationUnit: DurationUnit;
  onDurationUnit: (unit: DurationUnit) => void;
  testId: string;
}) {
  const { t } = useTranslation();
  return (
    <>
      <input
        inputMode="decimal"
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        required
        data-testid={props.testId}
      />
      {props.unit === 'ratio' && <span>%</span>}
      {props.unit === 'seconds' && (
        <select
          value={props.durationUnit}
          onChange={(e) => props.onDurationUnit(e.target.value as DurationUnit)}
          aria-label={t('targets.durationUnit')}
        >
          <option value="minutes">{t('targets.minutes')}</option>
          <option value="hours">{t('targets.hours')}</option>
        </select>
      )}
    </>
  );
}
