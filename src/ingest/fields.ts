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
      return parseDecimal(raw, kind.min, kind.exclusiveMin);
    case 'bool':
      return parseBool(raw);
    case 'timestamp':
      return parseTimestamp(raw, ctx.timezone);
    case 'date':
      return parseDate(raw);
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

/** Decimals stay strings so that money reaches PostgreSQL's numeric without binary rounding. */
function parseDecimal(raw: unknown, min?: number, exclusiveMin?: boolean): string | Invalid {
  let text: string;
  if (typeof raw === 'number' && Number.isFinite(raw)) text = String(raw);
  else if (typeof raw === 'string' && DECIMAL.test(raw.trim())) text = raw.trim();
  else return new Invalid(`${describe(raw)} is not a number (use a dot for decimals, no thousands separators)`);
  const value = Number(text);
  if (!Number.isFinite(value) || Math.abs(value) >= 1e15) return new Invalid(`${describe(raw)} is out of range`);
  if (min !== undefined && (exclusiveMin ? value <= min : value < min)) {
    return new Invalid(`${text} must be ${exclusiveMin ? 'greater than' : 'at least'} ${min}`);
  }
  return text;
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

export function parseTimestamp(raw: unknown, timezone: string): string | Invalid {
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
  const match = TIMESTAMP.exec(raw.trim());
  if (!match) {
    return new Invalid(`${describe(raw)} is not an ISO 8601 timestamp such as 2026-03-01T09:30:00Z`);
  }
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', offset] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (!isCalendarDate(year, month, day) || hour > 23 || minute > 59 || second > 59) {
    return new Invalid(`${describe(raw)} is not a valid date and time`);
  }
  const ms = frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0;
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

function parseDate(raw: unknown): string | Invalid {
  if (typeof raw === 'string') {
    const text = raw.trim();
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
    if (match && isCalendarDate(Number(match[1]), Number(match[2]), Number(match[3]))) return text;
  }
  return new Invalid(`${describe(raw)} is not a date such as 2026-03-01`);
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
