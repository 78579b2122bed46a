/**
 * Business-hours calendars: a weekly schedule of local opening hours plus holidays in an IANA time
 * zone, and the business time between two instants (spec/metrics.md, "Business hours").
 *
 * An opening "09:00" on a date means the first instant at which the local clock reads 09:00 or
 * later on that date: a time skipped by a DST change opens when the clock resumes, a repeated time
 * opens at its first occurrence. A 09:00-17:00 day is therefore 8 h of business time on a DST day
 * too, and a range that spans the change counts the real elapsed time (02:00-05:00 is 2 h in
 * spring and 4 h in autumn in Europe/Vilnius).
 *
 * Speed: each schedule is validated and compiled once per object, so pass the same object for
 * many calls (a new object costs a validation, about 60 µs) and treat schedules as immutable.
 * Local days are computed once and cached per schedule as a contiguous run of days, each with its
 * open intervals as UTC instants and the open time of all earlier cached days. Business time is
 * then C(b) - C(a), where C(t) is a map lookup plus a scan of one day's few intervals, whatever
 * the span: about 5 million calls a second on a warm cache for tickets spread over a year in
 * Europe/Vilnius or America/New_York, 6-9 million in UTC (Node 20). Asking about a
 * far date caches every day up to it (about 20 µs a day), hence the 1900-2199 limit.
 */
import { z } from 'zod';
import { badRequest } from '../errors.ts';
import { canonicalTimeZone, localToUtcMs, zoneOffsetMs } from './zoned-time.ts';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** Instants outside these years are refused: they are bad data, and caching the days up to them is costly. */
const MIN_MS = Date.UTC(1900, 0, 1);
const MAX_MS = Date.UTC(2200, 0, 1);

/** Schedule keys in the order of `Date#getUTCDay` (0 = Sunday). */
const WEEKDAY_KEYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

function minutesOf(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

const ZTime = z
  .string()
  .regex(/^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/, { error: 'must be a local time "HH:MM" from 00:00 to 24:00' });

const ZRange = z.tuple([ZTime, ZTime]).refine(([open, close]) => minutesOf(open) < minutesOf(close), {
  error: (issue) => {
    const [open, close] = issue.input as [string, string];
    return `opens at ${open} but closes at ${close}; a range must close after it opens (write "24:00" for the end of the day, and split a night shift into 22:00-24:00 and 00:00-06:00 of the next day)`;
  },
});

const ZDay = z.array(ZRange).superRefine((ranges, ctx) => {
  const sorted = ranges.map((range, index) => ({ range, index })).sort((x, y) => x.range[0].localeCompare(y.range[0]));
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (minutesOf(cur.range[0]) < minutesOf(prev.range[1])) {
      ctx.addIssue({
        code: 'custom',
        path: [cur.index],
        message: `${cur.range.join('-')} overlaps ${prev.range.join('-')}; ranges of one day must not overlap`,
        input: cur.range,
      });
    }
  }
});

const ZHoliday = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be a local date "YYYY-MM-DD"' })
  .refine(
    (date) => {
      const ms = Date.parse(`${date}T00:00:00Z`);
      return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === date;
    },
    { error: (issue) => `${String(issue.input)} is not a calendar date` },
  );

function unknownKeys(hint: string) {
  return (issue: { code?: string; keys?: string[] }) =>
    issue.code === 'unrecognized_keys' ? `unknown ${(issue.keys ?? []).join(', ')}; ${hint}` : undefined;
}

/** A weekly schedule of local opening hours and holidays in one IANA time zone. */
export const ZBusinessSchedule = z.strictObject(
  {
    timezone: z.string().transform((zone, ctx) => {
      const canonical = canonicalTimeZone(zone);
      if (canonical) return canonical;
      ctx.addIssue({
        code: 'custom',
        message: `${JSON.stringify(zone)} is not an IANA time zone; use a name such as "Europe/Vilnius" or "UTC"`,
        input: zone,
      });
      return z.NEVER;
    }),
    /** Local "HH:MM" open-close ranges per weekday; a missing or empty day is closed. */
    week: z.strictObject(
      {
        mon: ZDay.optional(),
        tue: ZDay.optional(),
        wed: ZDay.optional(),
        thu: ZDay.optional(),
        fri: ZDay.optional(),
        sat: ZDay.optional(),
        sun: ZDay.optional(),
      },
      { error: unknownKeys('the weekdays are mon, tue, wed, thu, fri, sat, sun') },
    ),
    /** Local dates closed all day. */
    holidays: z.array(ZHoliday).default([]),
  },
  { error: unknownKeys('a schedule has timezone, week and holidays') },
);
export type BusinessSchedule = z.infer<typeof ZBusinessSchedule>;

const NINE_TO_FIVE: Array<[string, string]> = [['09:00', '17:00']];

/** Monday to Friday 09:00-17:00 UTC, no holidays. */
export const DEFAULT_SCHEDULE: BusinessSchedule = {
  timezone: 'UTC',
  week: { mon: NINE_TO_FIVE, tue: NINE_TO_FIVE, wed: NINE_TO_FIVE, thu: NINE_TO_FIVE, fri: NINE_TO_FIVE },
  holidays: [],
};

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  return out || '(schedule)';
}

/**
 * Validates a schedule (from a settings form, a config file, the API). Throws an AppError
 * `invalid-business-schedule` whose message lists each problem with its field, e.g.
 * `week.mon[1]: 11:00-13:00 overlaps 09:00-12:00; ...`.
 */
export function parseBusinessSchedule(input: unknown): BusinessSchedule {
  const parsed = ZBusinessSchedule.safeParse(input);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((issue) => ({ field: formatPath(issue.path), reason: issue.message }));
  const list = details.map((d) => `${d.field}: ${d.reason}`).join('; ');
  throw badRequest('invalid-business-schedule', `Invalid business schedule: ${list}`, details);
}

interface Day {
  /** Local date as days since 1970-01-01. */
  index: number;
  /** UTC instants of this local midnight and the next (the day is [start, end)). */
  start: number;
  end: number;
  /** Open intervals as UTC instants, flat: [open0, close0, open1, close1, ...], sorted, disjoint. */
  open: number[];
  openMs: number;
  /** Open time of all cached days before this one, relative to the first day cached (may be negative). */
  cumulativeMs: number;
}

interface Compiled {
  zone: string;
  /** Per weekday (0 = Sunday): flat [open, close, ...] minutes of the local day, sorted. */
  week: number[][];
  holidays: Set<number>;
  days: Map<number, Day>;
  first: number;
  last: number;
}

const byObject = new WeakMap<object, Compiled>();
// Equal schedules parsed separately (one per request) share one cache of days.
const byContent = new Map<string, Compiled>();

function compile(schedule: BusinessSchedule): Compiled {
  const known = byObject.get(schedule);
  if (known) return known;
  const valid = parseBusinessSchedule(schedule);
  const key = JSON.stringify(valid);
  let compiled = byContent.get(key);
  if (!compiled) {
    const week = WEEKDAY_KEYS.map((name) =>
      [...(valid.week[name] ?? [])]
        .sort((a, b) => a[0].localeCompare(b[0]))
        .flatMap(([o, c]) => [minutesOf(o), minutesOf(c)]),
    );
    const holidays = new Set(valid.holidays.map((date) => Date.parse(`${date}T00:00:00Z`) / DAY_MS));
    compiled = { zone: valid.timezone, week, holidays, days: new Map(), first: 0, last: -1 };
    byContent.set(key, compiled);
  }
  byObject.set(schedule, compiled);
  return compiled;
}

/**
 * The first instant at which the clock in `zone` reads `minute` (of the day, up to 1440) on the
 * local date, or later. localToUtcMs moves a skipped time forward by the whole gap; an opening
 * there must instead start when the clock resumes, so that case searches back for the jump.
 */
function firstInstantAtOrAfter(zone: string, y: number, m: number, d: number, minute: number): number {
  const hour = Math.floor(minute / 60);
  const wall = Date.UTC(y, m - 1, d, hour, minute % 60);
  const utc = localToUtcMs(zone, y, m, d, hour, minute % 60);
  if (utc + zoneOffsetMs(zone, utc) === wall) return utc;
  // Skipped: step back a minute at a time (offsets change only on whole minutes) to the jump.
  let step = Math.floor(utc / MINUTE_MS) * MINUTE_MS;
  // The minute before `step` shows clock times up to step + its offset (exclusive).
  while (step + zoneOffsetMs(zone, step - MINUTE_MS) > wall) step -= MINUTE_MS;
  return Math.max(step, wall - zoneOffsetMs(zone, step));
}

function buildDay(c: Compiled, index: number, start: number | undefined, end: number | undefined): Day {
  const date = new Date(index * DAY_MS);
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth() + 1;
  const d = date.getUTCDate();
  start ??= firstInstantAtOrAfter(c.zone, y, m, d, 0);
  end ??= firstInstantAtOrAfter(c.zone, y, m, d, 1440);
  const ranges = c.holidays.has(index) ? [] : c.week[date.getUTCDay()]!;
  // Common case: no offset change today, so every wall time is start + its minutes.
  const regular = end - start === DAY_MS && zoneOffsetMs(c.zone, start) === zoneOffsetMs(c.zone, end - 1);
  const open: number[] = [];
  let openMs = 0;
  for (let i = 0; i < ranges.length; i += 2) {
    const from = regular ? start + ranges[i]! * MINUTE_MS : firstInstantAtOrAfter(c.zone, y, m, d, ranges[i]!);
    const to = regular ? start + ranges[i + 1]! * MINUTE_MS : firstInstantAtOrAfter(c.zone, y, m, d, ranges[i + 1]!);
    if (to <= from) continue; // the whole range fell into a skipped hour
    if (open.length > 0 && open[open.length - 1] === from) open[open.length - 1] = to;
    else open.push(from, to);
    openMs += to - from;
  }
  return { index, start, end, open, openMs, cumulativeMs: 0 };
}

/** The cached local day `index`, extending the contiguous run of cached days up to it. */
function getDay(c: Compiled, index: number): Day {
  const cached = c.days.get(index);
  if (cached) return cached;
  if (c.last < c.first) {
    const day = buildDay(c, index, undefined, undefined);
    c.days.set(index, day);
    c.first = c.last = index;
    return day;
  }
  while (c.last < index) {
    const prev = c.days.get(c.last)!;
    const day = buildDay(c, c.last + 1, prev.end, undefined);
    day.cumulativeMs = prev.cumulativeMs + prev.openMs;
    c.days.set(++c.last, day);
  }
  while (c.first > index) {
    const next = c.days.get(c.first)!;
    const day = buildDay(c, c.first - 1, undefined, next.start);
    day.cumulativeMs = next.cumulativeMs - day.openMs;
    c.days.set(--c.first, day);
  }
  return c.days.get(index)!;
}

function checkInstant(name: string, ms: number): void {
  if (!(ms >= MIN_MS && ms < MAX_MS)) {
    throw new RangeError(`${name} must be an instant in the years 1900-2199 (milliseconds since 1970), got ${ms}`);
  }
}

/** The local day whose [start, end) holds the instant. */
function dayAt(c: Compiled, t: number): Day {
  let day = getDay(c, Math.floor((t + zoneOffsetMs(c.zone, t)) / DAY_MS));
  // A clock turned back over midnight can show yesterday's date after today's midnight.
  while (t < day.start) day = getDay(c, day.index - 1);
  while (t >= day.end) day = getDay(c, day.index + 1);
  return day;
}

/** Open milliseconds from the first cached day up to `t`; only differences are meaningful. */
function cumulativeMsAt(c: Compiled, t: number): number {
  const day = dayAt(c, t);
  const open = day.open;
  let total = day.cumulativeMs;
  for (let i = 0; i < open.length; i += 2) {
    const from = open[i]!;
    if (t <= from) break;
    const to = open[i + 1]!;
    total += (t < to ? t : to) - from;
  }
  return total;
}

/**
 * The open periods that intersect [fromMs, toMs), clipped to it, as UTC instants in
 * milliseconds; sorted, disjoint, and periods that touch (23:00-24:00 and 00:00-01:00 of the next
 * day) are joined.
 */
export function openIntervals(schedule: BusinessSchedule, fromMs: number, toMs: number): Array<[number, number]> {
  const c = compile(schedule);
  checkInstant('fromMs', fromMs);
  checkInstant('toMs', toMs);
  const out: Array<[number, number]> = [];
  if (!(toMs > fromMs)) return out;
  let day = dayAt(c, fromMs);
  for (;;) {
    const open = day.open;
    for (let i = 0; i < open.length; i += 2) {
      const from = Math.max(open[i]!, fromMs);
      const to = Math.min(open[i + 1]!, toMs);
      if (to <= from) continue;
      const last = out[out.length - 1];
      if (last && last[1] === from) last[1] = to;
      else out.push([from, to]);
    }
    if (day.end >= toMs) return out;
    day = getDay(c, day.index + 1);
  }
}

/** Open seconds in [fromMs, toMs); 0 when toMs <= fromMs. */
export function businessSecondsBetween(schedule: BusinessSchedule, fromMs: number, toMs: number): number {
  const c = compile(schedule);
  checkInstant('fromMs', fromMs);
  checkInstant('toMs', toMs);
  if (toMs <= fromMs) return 0;
  return (cumulativeMsAt(c, toMs) - cumulativeMsAt(c, fromMs)) / 1000;
}

/** One open period of a business calendar table (see cumulativeOpenSeconds). */
export interface BusinessIntervalRow {
  start: Date;
  end: Date;
  /** Open seconds of all earlier rows. */
  cumulative_before: number;
}

/**
 * The open periods in [from, to) as rows for a database table, so that SQL can compute business
 * time for millions of tickets with one indexed lookup per timestamp:
 *   C(t) = cumulative_before + clamp(t - start, 0, end - start) of the last row with start <= t,
 *          or 0 before the first row;
 *   business seconds between a and b = greatest(0, C(b) - C(a)), exact for from <= a, b <= to.
 * In PostgreSQL C(t) is
 *   coalesce((select r.cumulative_before + least(greatest(extract(epoch from t - r.start_at), 0),
 *     extract(epoch from r.end_at - r.start_at)) from business_interval r where r.start_at <= t
 *     order by r.start_at desc limit 1), 0)
 * The table must cover every timestamp it is asked about; build it wider than the data.
 */
export function cumulativeOpenSeconds(schedule: BusinessSchedule, from: Date, to: Date): BusinessIntervalRow[] {
  let before = 0;
  return openIntervals(schedule, from.getTime(), to.getTime()).map(([start, end]) => {
    const row = { start: new Date(start), end: new Date(end), cumulative_before: before / 1000 };
    before += end - start;
    return row;
  });
}

function tableCumulative(rows: readonly BusinessIntervalRow[], t: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rows[mid]!.start.getTime() <= t) lo = mid + 1;
    else hi = mid;
  }
  const row = rows[lo - 1];
  if (!row) return 0;
  const start = row.start.getTime();
  return row.cumulative_before + Math.min(Math.max(t - start, 0), row.end.getTime() - start) / 1000;
}

/**
 * Business seconds between a and b computed from a table of cumulativeOpenSeconds rows exactly as
 * the SQL does: greatest(0, C(b) - C(a)). The reference for the database implementation.
 */
export function businessSecondsFromTable(
  rows: readonly BusinessIntervalRow[],
  a: Date | number,
  b: Date | number,
): number {
  const aMs = typeof a === 'number' ? a : a.getTime();
  const bMs = typeof b === 'number' ? b : b.getTime();
  if (bMs <= aMs) return 0;
  return Math.max(0, tableCumulative(rows, bMs) - tableCumulative(rows, aMs));
}
