/**
 * Calendar periods as the metric engine has them: local dates 'YYYY-MM-DD', ISO weeks from
 * Monday. The arithmetic is the server's own (src/calendar/periods.ts, which imports nothing), so
 * the dashboard and the engine agree at month ends; this file adds what only screens need.
 */
import {
  addDays,
  addPeriods,
  daysBetween,
  isDate as isServerDate,
  listPeriods,
  periodStart,
  type Grain as EngineGrain,
} from '../../src/calendar/periods.ts';

export { addDays, addPeriods, listPeriods, periodStart };
export type Grain = Exclude<EngineGrain, 'all'>;
export const PERIOD_GRAINS = ['week', 'month', 'quarter', 'year'] as const;
export type PeriodGrain = (typeof PERIOD_GRAINS)[number];

export interface Period {
  grain: PeriodGrain;
  /** First day. */
  start: string;
}

export function isDate(text: string | null | undefined): text is string {
  return Boolean(text && isServerDate(text));
}

export function periodEnd(period: Period): string {
  return addPeriods(period.start, period.grain, 1);
}

export function parsePeriod(text: string | null | undefined): Period | undefined {
  const match = /^(week|month|quarter|year):(\d{4}-\d{2}-\d{2})$/.exec(text ?? '');
  if (!match || !isDate(match[2])) return undefined;
  const grain = match[1] as PeriodGrain;
  return { grain, start: periodStart(match[2]!, grain) };
}

export const formatPeriodParam = (period: Period) => `${period.grain}:${period.start}`;

/**
 * The period a screen opens on: the one holding the last data (today's, for live data), or the
 * one before when fewer than a week of it has passed.
 */
export function defaultPeriod(
  lastData: string | null | undefined,
  grain: PeriodGrain = 'month',
  timeZone?: string,
): Period {
  const last = lastData ? localDate(lastData, timeZone) : new Date().toISOString().slice(0, 10);
  const start = periodStart(last, grain);
  const elapsed = daysBetween(start, last);
  if (grain !== 'week' && elapsed < 6) return { grain, start: addPeriods(start, grain, -1) };
  return { grain, start };
}

/** The local date of an instant in a time zone (the organization's). */
export function localDate(instant: string, timeZone?: string): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
      new Date(instant),
    );
  } catch {
    return instant.slice(0, 10);
  }
}

/** A range [from, to) clipped to another. */
export function clip(from: string, to: string, range: { from: string; to: string }) {
  return { from: from < range.from ? range.from : from, to: to > range.to ? range.to : to };
}
