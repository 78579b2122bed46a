/** Calendar periods as the metric engine has them: local dates 'YYYY-MM-DD', ISO weeks from Monday. */
export type Grain = 'day' | 'week' | 'month' | 'quarter' | 'year';
export const PERIOD_GRAINS = ['week', 'month', 'quarter', 'year'] as const;
export type PeriodGrain = (typeof PERIOD_GRAINS)[number];

export interface Period {
  grain: PeriodGrain;
  /** First day. */
  start: string;
}

const toDate = (date: string) => new Date(`${date}T00:00:00Z`);
const toText = (date: Date) => date.toISOString().slice(0, 10);

export function isDate(text: string | null | undefined): text is string {
  return Boolean(text && /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(toDate(text).getTime()));
}

export function periodStart(date: string, grain: Grain): string {
  const d = toDate(date);
  if (grain === 'day') return date;
  if (grain === 'week') {
    d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
    return toText(d);
  }
  const month = grain === 'month' ? d.getUTCMonth() : grain === 'quarter' ? d.getUTCMonth() - (d.getUTCMonth() % 3) : 0;
  return toText(new Date(Date.UTC(d.getUTCFullYear(), month, 1)));
}

export function addPeriods(date: string, grain: Grain, count: number): string {
  const d = toDate(date);
  if (grain === 'day' || grain === 'week') d.setUTCDate(d.getUTCDate() + count * (grain === 'week' ? 7 : 1));
  else d.setUTCMonth(d.getUTCMonth() + count * (grain === 'month' ? 1 : grain === 'quarter' ? 3 : 12));
  return toText(d);
}

export function addDays(date: string, days: number): string {
  return addPeriods(date, 'day', days);
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
  const elapsed = (toDate(last).getTime() - toDate(start).getTime()) / 86_400_000;
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
