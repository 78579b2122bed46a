import type { EntityName } from '../entities.ts';
import { Invalid, parseTimestamp, type DateOrder, type ParseContext } from '../fields.ts';
import type { SourceItem } from '../read-records.ts';
import type { FieldProblem } from '../shape-record.ts';

/**
 * A ready mapping for an export whose layout we know (`--preset NAME`, `?preset=NAME`). A preset
 * names the vendor's columns (`map`, the table docs/import.md prints), may rewrite a record's
 * values into cxkpi's before they are mapped (`prepare`: statuses, durations into timestamps, Unix
 * seconds), names the agents, teams and customers a record refers to (`refs`, created or matched
 * by the importer, see refs.ts) and may derive survey answers from a ticket (`surveys`). A user's
 * own --map and --set are applied on top. Columns a preset does not know become custom attributes
 * (`keepUnknown`), never dropped silently.
 */
export interface Preset {
  /** The name users type: the vendor (zendesk), or vendor-export for older single presets. */
  name: string;
  entity: EntityName;
  /** Which export of the vendor, for the help text and docs. */
  description: string;
  /** Vendor column (several spellings may be listed) -> field, attributes.name or - (drop). */
  map: Record<string, string>;
  set?: Record<string, string>;
  keepUnknown?: boolean;
  dateOrder?: DateOrder;
  decimalComma?: boolean;
  /** Columns that, together, tell this export from others (the preview's suggestion). */
  signature: string[];
  prepare?: (values: Values, ctx: ParseContext) => { values: Values; errors?: FieldProblem[] };
  refs?: (values: Record<string, unknown>, row: Record<string, unknown>) => Refs;
  /** Survey answers a record carries (Zendesk's Satisfaction Score), as survey_responses records. */
  surveys?: (values: Record<string, unknown>, row: Record<string, unknown>) => Array<Record<string, unknown>>;
  /** Lines of the file that are not records (a report's footer), skipped. */
  skip?: (item: SourceItem) => boolean;
  /** How each mapped column is read, for the documentation (column -> note). */
  notes?: Record<string, string>;
}

/** A person or group a record names: its key in the record, and what is known of it. */
export interface Ref {
  /** The value the record's reference field holds (the vendor's id, an e-mail or a name). */
  key: string;
  name?: string;
  email?: string;
}

export interface Refs {
  agent?: Ref & { team?: string };
  team?: Ref;
  customer?: Ref;
}

export type Values = Record<string, unknown>;

/** The first non-blank value among the columns, as trimmed text. */
export function pick(values: Values, ...columns: string[]): string | undefined {
  for (const column of columns) {
    const value = values[column];
    if (value === undefined || value === null) continue;
    const text = String(value).trim();
    if (text && text !== '-') return text;
  }
  return undefined;
}

/** Rewrites a column's value through a table of vendor words (compared in lower case). */
export function translate(values: Values, columns: string[], table: Record<string, string>) {
  for (const column of columns) {
    const value = values[column];
    if (typeof value !== 'string') continue;
    const key = value.trim().toLowerCase();
    if (key in table) values[column] = table[key];
  }
}

/** "Jane Doe (jane@x.com)" or "jane@x.com" or "Jane Doe" as a name and an e-mail. */
export function personOf(text: string | undefined): { name?: string; email?: string } {
  if (!text) return {};
  const both = /^(.*?)\s*[(<]\s*([^()<>\s]+@[^()<>\s]+)\s*[)>]$/.exec(text);
  if (both) return { ...(both[1] ? { name: both[1] } : {}), email: both[2]!.toLowerCase() };
  if (/^[^\s@]+@[^\s@]+$/.test(text)) return { email: text.toLowerCase() };
  return { name: text };
}

/**
 * A timestamp a duration after another (`created + minutes`, for exports that give only the
 * duration), read in the import's time zone and date order like the importer reads timestamps.
 * Nothing when either is missing or the start cannot be read (the importer then reports the
 * start); a problem naming the column when the duration is not a number.
 */
export function after(
  start: unknown,
  amount: unknown,
  unitMs: number,
  column: string,
  ctx: ParseContext,
): { at?: string; problem?: FieldProblem } {
  if (amount === undefined || amount === null || String(amount).trim() === '') return {};
  const number = typeof amount === 'number' ? amount : Number(String(amount).trim().replace(',', '.'));
  const unit = unitMs === 60_000 ? 'minutes' : unitMs === 3_600_000 ? 'hours' : 'seconds';
  if (!Number.isFinite(number) || number < 0)
    return { problem: { field: column, reason: `${JSON.stringify(amount)} is not a duration in ${unit}` } };
  if (start === undefined || start === null || start === '') return {};
  const from = parseTimestamp(start, ctx.timezone, ctx);
  if (from instanceof Invalid) return {};
  return { at: new Date(Date.parse(from) + Math.round(number * unitMs)).toISOString() };
}

/**
 * Reads the columns' timestamps once, as the importer would, and writes back the ISO UTC form
 * (which the importer then takes without parsing again), so that a preset can add durations to
 * them. A value that cannot be read is left as it is, for the importer to report.
 */
export function readTimes(values: Values, columns: string[], ctx: ParseContext) {
  for (const column of columns) {
    const value = values[column];
    if (value === undefined || value === null || value === '') continue;
    const at = parseTimestamp(value, ctx.timezone, ctx);
    if (!(at instanceof Invalid)) values[column] = at;
  }
}

/** A timestamp as an instant, read as the importer reads it; undefined when it cannot be. */
export function instant(value: unknown, ctx: ParseContext): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const at = parseTimestamp(value, ctx.timezone, ctx);
  return at instanceof Invalid ? undefined : Date.parse(at);
}

/** Unix seconds (a number or digits) as ISO UTC; other values unchanged. */
export function unixSeconds(values: Values, columns: string[]) {
  for (const column of columns) {
    const value = values[column];
    if ((typeof value === 'number' && value > 0) || (typeof value === 'string' && /^\d{9,11}$/.test(value.trim())))
      values[column] = new Date(Number(value) * 1000).toISOString();
  }
}

/** "a, b; c" or "a b" as cxkpi's list "a|b|c". */
export function tagList(value: unknown, separator: RegExp): string | undefined {
  if (Array.isArray(value))
    return value
      .map((tag) =>
        typeof tag === 'object' && tag
          ? String((tag as { tag?: unknown; name?: unknown }).tag ?? (tag as { name?: unknown }).name ?? '')
          : String(tag),
      )
      .filter(Boolean)
      .join('|');
  if (typeof value !== 'string') return undefined;
  return value
    .split(separator)
    .map((tag) => tag.trim())
    .filter(Boolean)
    .join('|');
}

/**
 * A JSON record's nested objects as dotted keys (`statistics.first_close_at`), as a CSV of the
 * same export names them; lists of scalars become `a|b`, other lists JSON text.
 */
export function flatten(values: Values, prefix = '', into: Values = {}): Values {
  for (const [key, value] of Object.entries(values)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (value && typeof value === 'object' && !Array.isArray(value)) flatten(value as Values, name, into);
    else if (Array.isArray(value))
      into[name] = value.every((item) => item === null || typeof item !== 'object')
        ? value.join('|')
        : JSON.stringify(value);
    else into[name] = value;
  }
  return into;
}

/** Values of columns named "... (UTC)" without an offset get a Z, so that they are read as UTC. */
export function markUtc(values: Values, columns: string[]) {
  for (const column of columns) {
    const value = values[column];
    if (typeof value === 'string' && /\d:\d\d(:\d\d(\.\d+)?)?$/.test(value.trim())) values[column] = `${value.trim()}Z`;
    else if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value.trim()))
      values[column] = `${value.trim()}T00:00:00Z`;
  }
}
