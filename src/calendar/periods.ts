/**
 * Calendar periods on local dates (`YYYY-MM-DD`): day, ISO week (starting Monday), month,
 * quarter, year, or the whole range ('all'). Dates are handled as UTC midnights so that no
 * local clock or DST can shift them; time zones enter only where a date becomes an instant.
 */
export const GRAINS = ['day', 'week', 'month', 'quarter', 'year', 'all'] as const;
export type Grain = (typeof GRAINS)[number];

const DAY_MS = 86_400_000;

function parse(date: string): Date {
  return new Date(`${date}T00:00:00Z`);
}

function format(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The first day of the period that contains `date`. */
export function periodStart(date: string, grain: Exclude<Grain, 'all'>): string {
  const d = parse(date);
  switch (grain) {
    case 'day':
      return date;
    case 'week':
      return format(new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * DAY_MS));
    case 'month':
      return format(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)));
    case 'quarter':
      return format(new Date(Date.UTC(d.getUTCFullYear(), Math.floor(d.getUTCMonth() / 3) * 3, 1)));
    case 'year':
      return format(new Date(Date.UTC(d.getUTCFullYear(), 0, 1)));
  }
}

/** `date` moved by `count` periods (a month from Jan 31 is Feb 28/29). */
export function addPeriods(date: string, grain: Exclude<Grain, 'all'>, count: number): string {
  const d = parse(date);
  switch (grain) {
    case 'day':
      return format(new Date(d.getTime() + count * DAY_MS));
    case 'week':
      return format(new Date(d.getTime() + count * 7 * DAY_MS));
    case 'month':
    case 'quarter':
    case 'year': {
      const months = count * (grain === 'month' ? 1 : grain === 'quarter' ? 3 : 12);
      const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
      const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
      target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
      return format(target);
    }
  }
}

/** Start dates of the periods that overlap [from, to). */
export function listPeriods(from: string, to: string, grain: Exclude<Grain, 'all'>): string[] {
  const periods: string[] = [];
  for (let p = periodStart(from, grain); p < to; p = addPeriods(p, grain, 1)) periods.push(p);
  return periods;
}

/** Whole days in [from, to). */
export function daysBetween(from: string, to: string): number {
  return Math.round((parse(to).getTime() - parse(from).getTime()) / DAY_MS);
}

export function addDays(date: string, days: number): string {
  return format(new Date(parse(date).getTime() + days * DAY_MS));
}

export function isDate(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(parse(text).getTime()) && format(parse(text)) === text;
}
