/**
 * Conversions between UTC instants and wall-clock times in an IANA time zone, DST-correct,
 * using only Intl (no time-zone database of our own).
 */

const formatters = new Map<string, Intl.DateTimeFormat>();
// Offsets change at most a few times a year, so they are cached per 15-minute slot of UTC time;
// an import of a million local timestamps then asks Intl only a few thousand times.
const offsetCache = new Map<string, Map<number, number>>();
const SLOT_MS = 15 * 60 * 1000;

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** Offset of `zone` from UTC at the instant `utcMs`, in milliseconds (Vilnius in summer: +3 h). */
export function zoneOffsetMs(zone: string, utcMs: number): number {
  if (zone === 'UTC' || zone === 'Etc/UTC') return 0;
  let cache = offsetCache.get(zone);
  if (!cache) offsetCache.set(zone, (cache = new Map()));
  const slot = Math.floor(utcMs / SLOT_MS);
  const cached = cache.get(slot);
  if (cached !== undefined) return cached;
  const parts: Record<string, number> = {};
  for (const part of formatterFor(zone).formatToParts(new Date(slot * SLOT_MS))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  const offset = asUtc - slot * SLOT_MS;
  cache.set(slot, offset);
  return offset;
}

/**
 * The UTC instant of a wall-clock time in `zone`. A time that does not exist (skipped by a DST
 * change) is read with the offset before the change, so it moves forward by the gap, as a wall
 * clock would; an ambiguous time (repeated in autumn) resolves to its first occurrence.
 */
export function localToUtcMs(
  zone: string,
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  ms = 0,
): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  if (zone === 'UTC' || zone === 'Etc/UTC') return wall;
  // Try the offset in force a day before and after; the first that maps back is the answer.
  const before = zoneOffsetMs(zone, wall - 86_400_000);
  const after = zoneOffsetMs(zone, wall + 86_400_000);
  for (const offset of [before, after]) {
    const candidate = wall - offset;
    if (zoneOffsetMs(zone, candidate) === offset) return candidate;
  }
  return wall - before;
}

/** Local calendar date (YYYY-MM-DD) of an instant in `zone`. */
export function localDate(zone: string, utcMs: number): string {
  return new Date(utcMs + zoneOffsetMs(zone, utcMs)).toISOString().slice(0, 10);
}

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** 0 = Sunday ... 6 = Saturday. */
  weekday: number;
}

/** Wall-clock parts of an instant in `zone`. */
export function localParts(zone: string, utcMs: number): LocalParts {
  const d = new Date(utcMs + zoneOffsetMs(zone, utcMs));
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    weekday: d.getUTCDay(),
  };
}

/** The canonical name of an IANA zone (`europe/vilnius` -> `Europe/Vilnius`), or undefined. */
export function canonicalTimeZone(zone: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

export function isTimeZone(zone: string): boolean {
  return canonicalTimeZone(zone) !== undefined;
}
