import { localToUtcMs } from '../calendar/zoned-time.ts';

/**
 * Value parsers for the field kinds of the data model. Each takes what a CSV cell or a JSON value
 * holds and returns the normalized value, or an `Invalid` with the reason a user should read.
 * Normalized values are what the upsert sends to the database: strings for text, ISO UTC strings
 * for timestamps, `YYYY-MM-DD` for dates, decimal strings for money (exact), numbers for counts.
 */
export class Invalid {
  constructor(readonly reason: string) {}
}

export type FieldKind =
  | { kind: 'id' }
  | { kind: 'text'; max?: number }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'int'; min?: number; max?: number }
  | { kind: 'decimal'; min?: number; exclusiveMin?: boolean }
  | { kind: 'bool' }
  | { kind: 'timestamp' }
  | { kind: 'date' }
  | { kind: 'currency' }
  | { kind: 'list' }
  | { kind: 'ratings' }
  | { kind: 'attributes' };

export interface ParseContext {
  /** IANA zone that timestamps without an offset are read in. */
  timezone: string;
  /**
   * Order of day, month and year in dates written with slashes or dashes and the year last
   * (`12/31/2026`, `31-12-2026`), which cannot be told apart otherwise (`--date-format`).
   * Dotted dates (`31.12.2026`) are always day first.
   */
  dateOrder?: DateOrder;
  /** Read a comma as the decimal separator and dots as thousands separators (`--decimal-comma`). */
  decimalComma?: boolean;
  /** Numbers in timestamp and date fields are Excel serial days (spreadsheets only). */
  serialDates?: boolean;
}

export type DateOrder = 'DMY' | 'MDY';

/** `--date-format DD.MM.YYYY`, `MM/DD/YYYY`, `DMY`... as the order it names, or undefined. */
export function parseDateFormat(text: string): DateOrder | undefined {
  const letters = text
    .toUpperCase()
    .replace(/[^DMY]/g, '')
    .replace(/(.)\1+/g, '$1');
  if (letters === 'DMY' || letters === 'MDY') return letters;
  return undefined;
}

export type Value = string | number | boolean | string[] | Record<string, unknown>;

/** True for the cells that mean "no value": absent, null and empty or blank strings. */
export function isBlank(raw: unknown): boolean {
  return raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '');
}

const MAX_ID = 200;
const MAX_TEXT = 100_000;

export function parseValue(kind: FieldKind, raw: unknown, ctx: ParseContext): Value | Invalid {
  switch (kind.kind) {
    case 'id':
      return parseId(raw);
    case 'text':
      return parseText(raw, kind.max ?? MAX_TEXT);
    case 'enum':
      return parseEnum(raw, kind.values);
    case 'int':
      return parseInt(raw, kind.min, kind.max);
    case 'decimal':
      return parseDecimal(raw, kind.min, kind.exclusiveMin, ctx.decimalComma);
    case 'bool':
      return parseBool(raw);
    case 'timestamp':
      return parseTimestamp(raw, ctx.timezone, ctx);
    case 'date':
      return parseDate(raw, ctx);
    case 'currency':
      return parseCurrency(raw);
    case 'list':
      return parseList(raw);
    case 'ratings':
      return parseRatings(raw);
    case 'attributes':
      return parseAttributes(raw);
  }
}

function describe(raw: unknown): string {
  // JSON.stringify would turn Infinity and NaN into "null".
  const text = typeof raw === 'string' ? raw : typeof raw === 'number' ? String(raw) : JSON.stringify(raw);
  return text.length > 40 ? `"${text.slice(0, 40)}..."` : `"${text}"`;
}

function scalarText(raw: unknown): string | Invalid {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
  if (typeof raw === 'boolean') return String(raw);
  return new Invalid(`expected text, got ${Array.isArray(raw) ? 'a list' : typeof raw}`);
}

function parseId(raw: unknown): string | Invalid {
  const text = scalarText(raw);
  if (text instanceof Invalid) return text;
  const id = text.trim();
  if (id.length > MAX_ID) return new Invalid(`is longer than ${MAX_ID} characters`);
  // Control characters in an id are almost always a broken export (a shifted column).
  if (/[\u0000-\u001f\u007f]/.test(id)) return new Invalid('contains control characters');
  return id;
}

function parseText(raw: unknown, max: number): string | Invalid {
  const text = scalarText(raw);
  if (text instanceof Invalid) return text;
  if (text.includes('\u0000')) return new Invalid('contains a NUL character');
  if (text.length > max) return new Invalid(`is longer than ${max} characters`);
  return text;
}

function parseEnum(raw: unknown, values: readonly string[]): string | Invalid {
  const text = scalarText(raw);
  if (text instanceof Invalid) return text;
  const value = text.trim().toLowerCase();
  if (values.includes(value)) return value;
  return new Invalid(`${describe(raw)} is not one of ${values.join(', ')}`);
}

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function parseInt(raw: unknown, min?: number, max?: number): number | Invalid {
  let value: number;
  if (typeof raw === 'number') value = raw;
  else if (typeof raw === 'string' && INTEGER.test(raw.trim())) value = Number(raw.trim());
  else if (typeof raw === 'string' && /^[+-]?\d+\.0*$/.test(raw.trim())) value = Number(raw.trim());
  else return new Invalid(`${describe(raw)} is not a whole number`);
  if (!Number.isSafeInteger(value)) return new Invalid(`${describe(raw)} is not a whole number`);
  if (min !== undefined && value < min) return new Invalid(`${value} is below the minimum ${min}`);
  if (max !== undefined && value > max) return new Invalid(`${value} is above the maximum ${max}`);
  return value;
}

/**
 * Decimals stay strings so that money reaches PostgreSQL's numeric without binary rounding.
 * Besides `1234.50`, locale forms are read: spaces (also no-break) between groups of three digits
 * (`1 234.50`, `1 234,50`) and a comma as the decimal separator when the number has no dot
 * (`12,5`). A lone comma before exactly three digits (`1,234`) is a thousands separator in one
 * locale and a decimal one in another: it is refused unless `--decimal-comma` says which.
 */
function parseDecimal(raw: unknown, min?: number, exclusiveMin?: boolean, decimalComma = false): string | Invalid {
  let text: string;
  if (typeof raw === 'number' && Number.isFinite(raw)) text = String(raw);
  else if (typeof raw === 'string' && DECIMAL.test(raw.trim()) && !(decimalComma && raw.includes('.')))
    text = raw.trim();
  else if (typeof raw === 'string') {
    const local = localDecimal(raw.trim(), decimalComma);
    if (local instanceof Invalid) return local;
    text = local;
  } else return new Invalid(`${describe(raw)} is not a number`);
  const value = Number(text);
  if (!Number.isFinite(value) || Math.abs(value) >= 1e15) return new Invalid(`${describe(raw)} is out of range`);
  if (min !== undefined && (exclusiveMin ? value <= min : value < min)) {
    return new Invalid(`${text} must be ${exclusiveMin ? 'greater than' : 'at least'} ${min}`);
  }
  return text;
}

const GROUP_SPACE = /(\d)[ \u00a0\u202f](?=\d{3}(?:\D|$))/g;

/** A number in a locale form as a plain decimal string, or the reason it cannot be read. */
function localDecimal(text: string, decimalComma: boolean): string | Invalid {
  const notNumber = new Invalid(
    `${describe(text)} is not a number (write 1234.50; 1 234,50 and 12,5 are read too, and --decimal-comma reads 1.234,50)`,
  );
  let digits = text.replace(GROUP_SPACE, '$1');
  if (decimalComma) {
    if (/^[+-]?\d{1,3}(\.\d{3})+(,\d*)?$/.test(digits)) digits = digits.replaceAll('.', '');
    else if (digits.includes('.')) return notNumber;
    digits = digits.replace(',', '.');
  } else if (/^[+-]?\d+,\d+$/.test(digits)) {
    if (/^[+-]?\d{1,3},\d{3}$/.test(digits))
      return new Invalid(
        `${describe(text)} is ambiguous: 1,234 is a thousand in one locale and one point two in another; write it without the comma, or import with --decimal-comma if the comma is decimal`,
      );
    digits = digits.replace(',', '.');
  }
  return DECIMAL.test(digits) ? digits : notNumber;
}

const TRUE = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE = new Set(['false', 'f', 'no', 'n', '0']);

function parseBool(raw: unknown): boolean | Invalid {
  if (typeof raw === 'boolean') return raw;
  if (raw === 1 || raw === 0) return raw === 1;
  if (typeof raw === 'string') {
    const text = raw.trim().toLowerCase();
    if (TRUE.has(text)) return true;
    if (FALSE.has(text)) return false;
  }
  return new Invalid(`${describe(raw)} is not true or false`);
}

// ISO 8601 calendar date with optional time and offset; a space may stand for the "T".
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

// The form cxkpi and most systems write (UTC with Z): checked without building a Date.
const CANONICAL_UTC = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?Z$/;

export function parseTimestamp(raw: unknown, timezone: string, ctx?: ParseContext): string | Invalid {
  if (typeof raw === 'number' && ctx?.serialDates) {
    const parts = serialParts(raw);
    return parts instanceof Invalid ? parts : partsToUtc(parts, timezone, raw);
  }
  if (typeof raw !== 'string') return new Invalid(`${describe(raw)} is not an ISO 8601 timestamp`);
  const canonical = CANONICAL_UTC.exec(raw);
  if (canonical) {
    const year = Number(canonical[1]);
    const day = Number(canonical[3]);
    if (year >= 1900 && year <= 2200 && (day <= 28 || isCalendarDate(year, Number(canonical[2]), day))) {
      // One shape for every timestamp (milliseconds, Z), so that they compare as strings.
      const fraction = canonical[5];
      if (fraction?.length === 4) return raw;
      return `${raw.slice(0, 19)}${`${fraction ?? '.'}000`.slice(0, 4)}Z`;
    }
  }
  const parts = dateTimeParts(raw.trim(), ctx?.dateOrder);
  if (parts instanceof Invalid) return parts;
  return partsToUtc(parts, timezone, raw);
}

interface DateTimeParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
  /** Z, +02:00, -0500...; undefined for a local time. */
  offset: string | undefined;
}

const TIME = String.raw`(?:[T ,]\s*(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:\s*([AaPp][Mm]))?)?\s*(Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?`;
// 31.12.2026, 31/12/2026, 12/31/2026, 31-12-2026, with an optional time.
const DAY_MONTH_YEAR = new RegExp(String.raw`^(\d{1,2})([./-])(\d{1,2})\2(\d{4})\.?${TIME}$`);
// 2026/12/31 14:05
const YEAR_SLASH = new RegExp(String.raw`^(\d{4})/(\d{1,2})/(\d{1,2})${TIME}$`);
// 28-Jul-18, 28 Jul 2018, 28-July-2018
const DAY_NAME_YEAR = new RegExp(String.raw`^(\d{1,2})[ -]([A-Za-z]{3,9})\.?[ -](\d{2}|\d{4})${TIME}$`);
// Jul 28, 2018 and July 28 2018
const NAME_DAY_YEAR = new RegExp(String.raw`^([A-Za-z]{3,9})\.? (\d{1,2}),? (\d{4})${TIME}$`);
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

function monthNumber(name: string): number {
  const lower = name.toLowerCase();
  const at = MONTHS.indexOf(lower.slice(0, 3));
  // "Sept" and full names; nothing else that merely starts like a month.
  if (
    at === -1 ||
    (lower.length > 3 &&
      !'january february march april may june july august september october november december sept'
        .split(' ')
        .includes(lower))
  )
    return 0;
  return at + 1;
}

/**
 * The parts of a date and time written as ISO 8601 (`2026-12-31T14:05:00+02:00`,
 * `2026-12-31 14:05`) or in a locale form: `31.12.2026 14:05` (day first), `12/31/2026 2:05 PM`
 * and `31-12-2026` (the order from --date-format), `2026/12/31`, `28-Jul-18`, `Jul 28, 2018`.
 * Two-digit years are 2000-2069 below 70, 1970-1999 from it.
 */
function dateTimeParts(text: string, order: DateOrder | undefined): DateTimeParts | Invalid {
  let y: string, mo: string, d: string, time: Array<string | undefined>;
  const iso = TIMESTAMP.exec(text);
  if (iso) {
    const [, yy, mm, dd, h, mi, s, frac, offset] = iso;
    return checkParts(text, { y: yy!, mo: mm!, d: dd!, time: [h, mi, s, frac, undefined, offset] });
  }
  let match = DAY_MONTH_YEAR.exec(text);
  if (match) {
    const separator = match[2]!;
    const dayFirst = separator === '.' ? true : order === undefined ? undefined : order === 'DMY';
    if (dayFirst === undefined) {
      return new Invalid(
        `${describe(text)} is not an ISO 8601 timestamp, and its day and month cannot be told apart: import with --date-format DD${separator}MM${separator}YYYY or MM${separator}DD${separator}YYYY`,
      );
    }
    [d, mo] = dayFirst ? [match[1]!, match[3]!] : [match[3]!, match[1]!];
    y = match[4]!;
    time = match.slice(5);
    return checkParts(text, { y, mo, d, time });
  }
  match = YEAR_SLASH.exec(text);
  if (match) return checkParts(text, { y: match[1]!, mo: match[2]!, d: match[3]!, time: match.slice(4) });
  match = DAY_NAME_YEAR.exec(text) ?? NAME_DAY_YEAR.exec(text);
  if (match) {
    const named = /^[A-Za-z]/.test(match[1]!);
    const month = monthNumber(named ? match[1]! : match[2]!);
    if (month) {
      const day = named ? match[2]! : match[1]!;
      let year = match[3]!;
      if (year.length === 2) year = String(Number(year) < 70 ? 2000 + Number(year) : 1900 + Number(year));
      return checkParts(text, { y: year, mo: String(month), d: day, time: match.slice(4) });
    }
  }
  return new Invalid(`${describe(text)} is not an ISO 8601 timestamp such as 2026-03-01T09:30:00Z`);
}

function checkParts(
  text: string,
  p: { y: string; mo: string; d: string; time: Array<string | undefined> },
): DateTimeParts | Invalid {
  const [h = '0', mi = '0', s = '0', frac = '', meridiem, rawOffset] = p.time;
  let hour = Number(h);
  if (meridiem) {
    if (hour < 1 || hour > 12) return new Invalid(`${describe(text)} is not a valid date and time`);
    hour = (hour % 12) + (meridiem.toLowerCase() === 'pm' ? 12 : 0);
  }
  const parts: DateTimeParts = {
    year: Number(p.y),
    month: Number(p.mo),
    day: Number(p.d),
    hour,
    minute: Number(mi),
    second: Number(s),
    ms: frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0,
    offset: rawOffset === 'UTC' || rawOffset === 'GMT' ? 'Z' : rawOffset,
  };
  if (!isCalendarDate(parts.year, parts.month, parts.day) || parts.hour > 23 || parts.minute > 59 || parts.second > 59)
    return new Invalid(`${describe(text)} is not a valid date and time`);
  return parts;
}

/** Excel serial days (1 = 1900-01-01, with Excel's phantom 1900-02-29) as local date and time. */
function serialParts(serial: number): DateTimeParts | Invalid {
  if (!Number.isFinite(serial) || serial < 1 || serial > 120_000)
    return new Invalid(`${describe(serial)} is not a date (an Excel serial day between 1 and 120000)`);
  // Serial 60 is the 29th of February 1900 that never was; day 0 of the epoch below is serial 0.
  const ms = Math.round((serial < 61 ? serial + 1 : serial) * 86_400_000) + Date.UTC(1899, 11, 30);
  const at = new Date(ms);
  return {
    year: at.getUTCFullYear(),
    month: at.getUTCMonth() + 1,
    day: at.getUTCDate(),
    hour: at.getUTCHours(),
    minute: at.getUTCMinutes(),
    second: at.getUTCSeconds(),
    ms: at.getUTCMilliseconds(),
    offset: undefined,
  };
}

function partsToUtc(parts: DateTimeParts, timezone: string, raw: unknown): string | Invalid {
  const { year, month, day, hour, minute, second, ms, offset } = parts;
  let utc: number;
  if (offset === undefined) {
    utc = localToUtcMs(timezone, year, month, day, hour, minute, second, ms);
  } else if (offset === 'Z' || offset === 'z') {
    utc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  } else {
    const sign = offset[0] === '-' ? -1 : 1;
    const digits = offset.slice(1).replace(':', '');
    const offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
    if (offsetMinutes > 18 * 60) return new Invalid(`${describe(raw)} has an impossible UTC offset`);
    utc = Date.UTC(year, month - 1, day, hour, minute, second, ms) - sign * offsetMinutes * 60_000;
  }
  if (year < 1900 || year > 2200) return new Invalid(`${describe(raw)} is outside the years 1900-2200`);
  return new Date(utc).toISOString();
}

/** A calendar date: `2026-03-01`, or the locale forms timestamps take, without a time. */
function parseDate(raw: unknown, ctx?: ParseContext): string | Invalid {
  if (typeof raw === 'string') {
    const text = raw.trim();
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
    if (match && isCalendarDate(Number(match[1]), Number(match[2]), Number(match[3]))) return text;
    if (!match) {
      const parts = dateTimeParts(text, ctx?.dateOrder);
      if (!(parts instanceof Invalid) && parts.hour + parts.minute + parts.second + parts.ms === 0 && !parts.offset)
        return isoDate(parts);
      if (parts instanceof Invalid && /--date-format/.test(parts.reason)) return parts;
    }
  } else if (typeof raw === 'number' && ctx?.serialDates) {
    const parts = serialParts(raw);
    if (!(parts instanceof Invalid) && Number.isInteger(raw)) return isoDate(parts);
  }
  return new Invalid(`${describe(raw)} is not a date such as 2026-03-01`);
}

function isoDate(parts: DateTimeParts): string {
  return `${String(parts.year).padStart(4, '0')}-${String(parts.month).padStart(2, '0')}-${String(parts.day).padStart(2, '0')}`;
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function parseCurrency(raw: unknown): string | Invalid {
  if (typeof raw === 'string' && /^[A-Za-z]{3}$/.test(raw.trim())) return raw.trim().toUpperCase();
  return new Invalid(`${describe(raw)} is not an ISO 4217 currency code such as EUR`);
}

function parseList(raw: unknown): string[] | Invalid {
  let items: unknown[];
  if (Array.isArray(raw)) items = raw;
  else if (typeof raw === 'string') items = raw.split('|');
  else return new Invalid(`${describe(raw)} is not a list (use a|b|c in CSV, an array in JSON)`);
  const list: string[] = [];
  for (const item of items) {
    if (isBlank(item)) continue;
    const text = scalarText(item);
    if (text instanceof Invalid) return new Invalid(`list item ${describe(item)} is not text`);
    if (text.includes('\u0000')) return new Invalid('a list item contains a NUL character');
    list.push(text.trim());
  }
  return list;
}

function parseObject(raw: unknown): Record<string, unknown> | Invalid {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return new Invalid(`${describe(raw)} is not a JSON object`);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return new Invalid(`${describe(raw)} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

const ATTRIBUTE_NAME = /^[a-z][a-z0-9_]{0,49}$/;

/** Service-attribute ratings: `{"speed": 4, "friendliness": 5}`, each a whole score 1-5. */
export function parseRatings(raw: unknown): Record<string, number> | Invalid {
  const object = parseObject(raw);
  if (object instanceof Invalid) return object;
  const ratings: Record<string, number> = {};
  for (const [key, value] of Object.entries(object)) {
    const name = key.trim().toLowerCase();
    if (!ATTRIBUTE_NAME.test(name)) {
      return new Invalid(`"${key}" is not a service attribute name (lowercase letters, digits, _)`);
    }
    if (isBlank(value)) continue;
    const score = parseInt(value, 1, 5);
    if (score instanceof Invalid) return new Invalid(`${name}: ${score.reason} (ratings are 1-5)`);
    ratings[name] = score;
  }
  return ratings;
}

const CUSTOM_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

/** Custom attributes: a flat object of string, number and boolean values. */
export function parseAttributes(raw: unknown): Record<string, string | number | boolean> | Invalid {
  const object = parseObject(raw);
  if (object instanceof Invalid) return object;
  const attributes: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(object)) {
    if (!CUSTOM_NAME.test(key)) {
      return new Invalid(`"${key}" is not an attribute name (letters, digits, _ . -, at most 64)`);
    }
    if (value === null || value === undefined || value === '') continue;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return new Invalid(`${key} contains a NUL character`);
      if (value.length > 10_000) return new Invalid(`${key} is longer than 10000 characters`);
      attributes[key] = value;
    } else if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean') {
      attributes[key] = value;
    } else {
      return new Invalid(`${key}: attribute values must be text, numbers or true/false`);
    }
  }
  return attributes;
}
