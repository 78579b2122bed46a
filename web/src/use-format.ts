import { useTranslation } from 'react-i18next';
import {
  formatCount,
  formatDate,
  formatDayRange,
  formatDelta,
  formatPeriod,
  formatPeriodShort,
  formatValue,
} from './format.ts';
import type { Grain } from './periods.ts';
import { useSession } from './session.tsx';

/** Formatters bound to the reader's language and the organization's currency. */
export function useFormat() {
  const { t, i18n } = useTranslation();
  const { me } = useSession();
  const language = i18n.language;
  const currency = me?.organization.currency ?? 'EUR';
  const quarter = (q: number, year: number) => t('period.quarter', { q, year });
  return {
    language,
    currency,
    value: (v: number | null | undefined, unit: string) => formatValue(v, unit, language, currency),
    delta: (d: number | null | undefined, unit: string) => formatDelta(d, unit, language, t('units.points'), currency),
    count: (n: number) => formatCount(n, language),
    date: (instant: string, withTime = false) => formatDate(instant, language, withTime),
    dayRange: (first: string, last: string) => formatDayRange(first, last, language),
    period: (start: string | null, grain: Grain | 'all') =>
      start ? formatPeriod(start, grain, language, quarter) : t('grain.all'),
    periodShort: (start: string, grain: Grain | 'all') => formatPeriodShort(start, grain, language, quarter),
  };
}
