/**
 * Calendar helpers of the demo generator: Lithuanian public holidays, a business-hours clock and
 * fast formatting; wall-clock conversions come from src/calendar.
 */

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;

import { localToUtcMs } from '../calendar/zoned-time.ts';

const isoDayPrefix = new Map<number, string>();
const isoTimeOfDay: (string | undefined)[] = new Array(86_400);

/**
 * `Date#toISOString` of an instant truncated to the second, with the date part cached per day
 * (the generator formats several hundred thousand timestamps).
 */
export function isoSecond(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const day = Math.floor(seconds / 86_400);
  let prefix = isoDayPrefix.get(day);
  if (prefix === undefined) {
    prefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
    isoDayPrefix.set(day, prefix);
  }
  const rest = seconds - day * 86_400;
  let time = isoTimeOfDay[rest];
  if (time === undefined) {
    const h = Math.floor(rest / 3600);
    const m = Math.floor((rest % 3600) / 60);
    const s = rest % 60;
    time = isoTimeOfDay[rest] = `${h < 10 ? '0' : ''}${h}:${m < 10 ? '0' : ''}${m}:${s < 10 ? '0' : ''}${s}.000Z`;
  }
  return prefix + time;
}

/** A calendar date (no time, no zone) as days since 1970-01-01. */
export function dateToDays(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new Error(`expected a date YYYY-MM-DD, got ${JSON.stringify(date)}`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const days = ms / DAY_MS;
  if (daysToDate(days) !== date) throw new Error(`not a valid calendar date: ${date}`);
  return days;
}

export function daysToDate(days: number): string {
  return new Date(days * DAY_MS).toISOString().slice(0, 10);
}

/** Adds calendar months to a date, clamping the day to the target month's length. */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/** Easter Sunday (Gregorian, anonymous algorithm) as days since the epoch. */
function easterDays(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

const LT_FIXED_HOLIDAYS = [
  '01-01',
  '02-16',
  '03-11',
  '05-01',
  '06-24',
  '07-06',
  '08-15',
  '11-01',
  '11-02',
  '12-24',
  '12-25',
  '12-26',
];

/** Lithuanian public holidays that can fall on a working day (the Sunday ones do not matter). */
export function isLithuanianHoliday(days: number): boolean {
  const date = daysToDate(days);
  if (LT_FIXED_HOLIDAYS.includes(date.slice(5))) return true;
  return days === easterDays(Number(date.slice(0, 4))) + 1; // Easter Monday
}

export interface CalendarDay {
  date: string;
  year: number;
  month: number;
  day: number;
  /** Local midnight as a UTC instant. */
  startMs: number;
  /** 0 = Sunday ... 6 = Saturday. */
  weekday: number;
  holiday: boolean;
  /** Business hours of the day as UTC instants; NaN on weekends and holidays. */
  openMs: number;
  closeMs: number;
}

/**
 * The local days of a range with their business hours (Mon-Fri, openHour-closeHour, holidays
 * closed), and arithmetic on business time.
 */
export class BusinessCalendar {
  readonly days: CalendarDay[] = [];
  private readonly firstStart: number;

  constructor(
    readonly zone: string,
    firstDate: string,
    lastDate: string,
    openHour: number,
    closeHour: number,
  ) {
    const first = dateToDays(firstDate);
    const last = dateToDays(lastDate);
    for (let d = first; d <= last; d++) {
      const date = daysToDate(d);
      const [y, m, day] = date.split('-').map(Number) as [number, number, number];
      const weekday = new Date(d * DAY_MS).getUTCDay();
      const holiday = isLithuanianHoliday(d);
      const working = weekday >= 1 && weekday <= 5 && !holiday;
      this.days.push({
        date,
        year: y,
        month: m,
        day,
        startMs: localToUtcMs(zone, y, m, day),
        weekday,
        holiday,
        openMs: working ? localToUtcMs(zone, y, m, day, openHour) : NaN,
        closeMs: working ? localToUtcMs(zone, y, m, day, closeHour) : NaN,
      });
    }
    this.firstStart = this.days[0]!.startMs;
  }

  /** Index of the local day containing an instant (clamped to the range). */
  dayIndex(ms: number): number {
    const days = this.days;
    let i = Math.floor((ms - this.firstStart) / DAY_MS);
    if (i < 0) return 0;
    if (i >= days.length) i = days.length - 1;
    while (i + 1 < days.length && days[i + 1]!.startMs <= ms) i++;
    while (i > 0 && days[i]!.startMs > ms) i--;
    return i;
  }

  isOpen(ms: number): boolean {
    const day = this.days[this.dayIndex(ms)]!;
    return ms >= day.openMs && ms < day.closeMs;
  }

  /**
   * The instant `minutes` of business time after `ms`: the clock only runs in business hours,
   * so a ticket that arrives on Friday evening starts counting on Monday morning.
   */
  addBusinessMinutes(ms: number, minutes: number): number {
    let need = minutes * MINUTE_MS;
    let t = ms;
    let i = this.dayIndex(ms);
    for (;;) {
      const day = this.days[i];
      if (!day) return t + need; // past the calendar: fall back to clock time
      if (!Number.isNaN(day.openMs)) {
        if (t < day.openMs) t = day.openMs;
        if (t < day.closeMs) {
          const available = day.closeMs - t;
          if (need <= available) return t + need;
          need -= available;
        }
      }
      i++;
      const next = this.days[i];
      if (!next) return t + need;
      t = next.startMs;
    }
  }
}
