import path from 'node:path';
import type { Config } from '../config.ts';
import type { Unit } from '../metrics/catalog/index.ts';

/**
 * How the CLI's `table` output shows numbers to a person: each unit with one precision (money
 * with the reporting currency, ratios as percentages, durations as hours and minutes). JSON and
 * CSV keep the raw values, so scripts never parse these strings.
 */

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const twoDecimals = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const moneyFormats = new Map<string, Intl.NumberFormat>();

function money(currency: string, signed: boolean): Intl.NumberFormat {
  const key = `${currency}/${signed}`;
  let format = moneyFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency,
      ...(signed ? { signDisplay: 'exceptZero' as const } : {}),
    });
    moneyFormats.set(key, format);
  }
  return format;
}

/** Intl puts a no-break space between a currency code and the amount: plain text for terminals. */
const plainSpaces = (text: string) => text.replace(/\u00a0/g, ' ');

/** `2h 05m`, `12m 30s`, `45s`, `3d 04h`: two units at most, the smaller one rounded. */
export function formatDuration(seconds: number): string {
  const sign = seconds < 0 ? '-' : '';
  const s = Math.abs(seconds);
  const pad = (n: number) => String(n).padStart(2, '0');
  if (Math.round(s) < 60) return `${sign}${Math.round(s)}s`;
  if (Math.round(s) < 3600) {
    const total = Math.round(s);
    return `${sign}${Math.floor(total / 60)}m ${pad(total % 60)}s`;
  }
  const minutes = Math.round(s / 60);
  if (minutes < 24 * 60) return `${sign}${Math.floor(minutes / 60)}h ${pad(minutes % 60)}m`;
  const hours = Math.round(s / 3600);
  return `${sign}${Math.floor(hours / 24)}d ${pad(hours % 24)}h`;
}

/** A metric value in its unit; `n/a` for no value. */
export function formatValue(value: number | null | undefined, unit: Unit, currency: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a';
  switch (unit) {
    case 'money':
      return plainSpaces(money(currency, false).format(value));
    case 'ratio':
      return `${oneDecimal.format(value * 100)} %`;
    case 'nps':
      return oneDecimal.format(value);
    case 'seconds':
      return formatDuration(value);
    case 'count':
      return integer.format(value);
    case 'score':
    case 'number':
      return twoDecimals.format(value);
  }
}

/** A change between two values of a unit, with its sign; ratios change in percentage points. */
export function formatChange(delta: number | null | undefined, unit: Unit, currency: string): string {
  if (delta === null || delta === undefined || !Number.isFinite(delta)) return 'n/a';
  if (unit === 'money') return plainSpaces(money(currency, true).format(delta));
  const sign = delta > 0 ? '+' : '';
  if (unit === 'ratio') return `${sign}${oneDecimal.format(delta * 100)} pp`;
  return `${sign}${formatValue(delta, unit, currency)}`;
}

export interface Column {
  title: string;
  /** Numbers are right-aligned so that their digits line up. */
  align?: 'left' | 'right';
}

/** A plain-text table: a header, two spaces between columns, no trailing blanks. */
export function renderTable(columns: Array<Column | string>, rows: string[][]): string {
  const cols = columns.map((c) => (typeof c === 'string' ? { title: c } : c));
  const widths = cols.map((c, i) => Math.max(c.title.length, ...rows.map((r) => (r[i] ?? '').length)));
  const render = (cells: string[]) =>
    cols
      .map((c, i) =>
        c.align === 'right' ? (cells[i] ?? '').padStart(widths[i]!) : (cells[i] ?? '').padEnd(widths[i]!),
      )
      .join('  ')
      .trimEnd();
  return [render(cols.map((c) => c.title)), ...rows.map(render)].join('\n');
}

/** Where the data comes from, for footers: never the password of a database URL. */
export function describeSource(config: Pick<Config, 'databaseUrl' | 'dataDir'>): string {
  if (config.databaseUrl) {
    try {
      const url = new URL(config.databaseUrl);
      return `PostgreSQL ${url.host}${url.pathname}`;
    } catch {
      return 'PostgreSQL';
    }
  }
  const relative = path.relative(process.cwd(), config.dataDir);
  const shown = relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? `./${relative}` : config.dataDir;
  return `PGlite ${shown}`;
}
