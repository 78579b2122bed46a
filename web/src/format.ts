import type { Unit } from '../../src/contract/api.ts';
import type { Grain } from './periods.ts';

/** Numbers, money, durations and dates in the reader's language (Intl), with the metric's unit. */
export type { Unit };
export type Language = 'en' | 'ru' | 'lt';

const locales: Record<Language, string> = { en: 'en-GB', ru: 'ru-RU', lt: 'lt-LT' };
export const localeOf = (language: string) => locales[language as Language] ?? 'en-GB';

const cache = new Map<string, Intl.NumberFormat>();
function numberFormat(language: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = language + JSON.stringify(options);
  let format = cache.get(key);
  if (!format) cache.set(key, (format = new Intl.NumberFormat(localeOf(language), options)));
  return format;
}

export function formatNumber(value: number, language: string, digits = 0): string {
  return numberFormat(language, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(value);
}

export function formatCount(value: number, language: string): string {
  return numberFormat(language, { maximumFractionDigits: 0 }).format(value);
}

/** A duration in the largest unit that keeps it readable: 45 s, 12 min, 3.4 h, 2.1 d. */
export function formatDuration(seconds: number, language: string): string {
  const abs = Math.abs(seconds);
  const [unit, size] =
    abs < 90
      ? (['second', 1] as const)
      : abs < 5400
        ? (['minute', 60] as const)
        : abs < 172_800
          ? (['hour', 3600] as const)
          : (['day', 86_400] as const);
  const value = seconds / size;
  const digits = unit === 'second' || Math.abs(value) >= 100 ? 0 : 1;
  return numberFormat(language, {
    style: 'unit',
    unit,
    unitDisplay: 'short',
    maximumFractionDigits: digits,
    minimumFractionDigits: 0,
  }).format(value);
}

/** The unit a duration axis uses for values up to `max` seconds, and its size. */
export function durationScale(max: number): { unit: 'second' | 'minute' | 'hour' | 'day'; size: number } {
  if (max < 90) return { unit: 'second', size: 1 };
  if (max < 5400) return { unit: 'minute', size: 60 };
  if (max < 172_800) return { unit: 'hour', size: 3600 };
  return { unit: 'day', size: 86_400 };
}

export function unitName(unit: 'second' | 'minute' | 'hour' | 'day', language: string): string {
  const parts = numberFormat(language, { style: 'unit', unit, unitDisplay: 'short' }).formatToParts(2);
  return parts.find((p) => p.type === 'unit')?.value ?? unit;
}

export function formatValue(
  value: number | null | undefined,
  unit: Unit | string,
  language: string,
  currency = 'EUR',
): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  switch (unit) {
    case 'ratio':
      return numberFormat(language, { style: 'percent', maximumFractionDigits: 1, minimumFractionDigits: 1 }).format(
        value,
      );
    case 'nps':
      return formatNumber(value, language, 1);
    case 'score':
      return formatNumber(value, language, 2);
    case 'seconds':
      return formatDuration(value, language);
    case 'count':
      return formatCount(value, language);
    case 'money':
      return numberFormat(language, {
        style: 'currency',
        currency,
        maximumFractionDigits: Math.abs(value) >= 1000 ? 0 : 2,
      }).format(value);
    default:
      return formatNumber(value, language, Math.abs(value) >= 100 ? 0 : 2);
  }
}

/** A change: percentage points for shares, points for NPS, the unit otherwise; always signed. */
export function formatDelta(
  delta: number | null | undefined,
  unit: Unit | string,
  language: string,
  pointsLabel: string,
  currency = 'EUR',
): string {
  if (delta === null || delta === undefined || Number.isNaN(delta)) return '–';
  const sign = delta > 0 ? '+' : delta < 0 ? '−' : '±';
  const abs = Math.abs(delta);
  if (unit === 'ratio') return `${sign}${formatNumber(abs * 100, language, 1)} ${pointsLabel}`;
  if (unit === 'nps') return `${sign}${formatNumber(abs, language, 1)}`;
  return `${sign}${formatValue(abs, unit, language, currency)}`;
}

/** A value as a plain number on a chart axis: percent for shares, the duration scale's unit. */
export function chartValue(value: number | null, unit: string, durationSize = 1): number | null {
  if (value === null) return null;
  if (unit === 'ratio') return Math.round(value * 1000) / 10;
  if (unit === 'seconds') return Math.round((value / durationSize) * 100) / 100;
  return Math.round(value * 100) / 100;
}

export function formatDate(instant: string | Date, language: string, withTime = false): string {
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  return new Intl.DateTimeFormat(localeOf(language), {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    ...(withTime ? { hour: '2-digit', minute: '2-digit' } : {}),
  }).format(date);
}

/** A calendar period's name: "April 2026", "2026-W14", "Q2 2026". */
export function formatPeriod(
  start: string,
  grain: Grain | 'all',
  language: string,
  quarterLabel: (q: number, y: number) => string,
): string {
  const date = new Date(`${start}T12:00:00Z`);
  const locale = localeOf(language);
  switch (grain) {
    case 'year':
      return String(date.getUTCFullYear());
    case 'quarter':
      return quarterLabel(Math.floor(date.getUTCMonth() / 3) + 1, date.getUTCFullYear());
    case 'month':
      return new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(date);
    case 'week':
    case 'day':
      return new Intl.DateTimeFormat(locale, {
        day: 'numeric',
        month: 'short',
        year: 'numeric',
        timeZone: 'UTC',
      }).format(date);
    default:
      return start;
  }
}

/** A short axis label for a period. */
export function formatPeriodShort(
  start: string,
  grain: Grain | 'all',
  language: string,
  quarterLabel: (q: number, y: number) => string,
): string {
  const date = new Date(`${start}T12:00:00Z`);
  const locale = localeOf(language);
  if (grain === 'month')
    return new Intl.DateTimeFormat(locale, { month: 'short', year: '2-digit', timeZone: 'UTC' }).format(date);
  if (grain === 'week' || grain === 'day')
    return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(date);
  return formatPeriod(start, grain, language, quarterLabel);
}

/** Days from `first` to `last`, both included: "1–9 Dec". */
export function formatDayRange(first: string, last: string, language: string): string {
  const format = new Intl.DateTimeFormat(localeOf(language), { day: 'numeric', month: 'short', timeZone: 'UTC' });
  return format.formatRange(new Date(`${first}T12:00:00Z`), new Date(`${last}T12:00:00Z`));
}
