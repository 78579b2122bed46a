/**
 * RFC 4180 writing, safe to open in a spreadsheet (OWASP "CSV Injection"):
 * - a cell that a spreadsheet would run as a formula gets a single quote in front, which makes it
 *   text: one that starts with = + - @, a tab or a carriage return, also after leading spaces;
 * - the same after a `,` or `;` inside the value, since a spreadsheet whose locale splits on the
 *   other separator (`;` in Russian and Lithuanian settings) would start a cell there;
 * - every field holding either separator, a quote, a tab or a line break is quoted, so that
 *   neither separator splits it, whichever the file was written with.
 * A value that is a plain decimal number (`-12.5`, from a numeric column) stays as it is, so it
 * stays a number: a minus sign followed by digits cannot call anything.
 */
const FORMULA = /(?:^|[,;])\s*[=+\-@]|(?:^|[,;])[\t\r]/;
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;
const NEEDS_QUOTES = /[",;\t\r\n]/;

export type CsvSeparator = ',' | ';';

export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text: string;
  if (value instanceof Date) text = value.toISOString();
  else if (Array.isArray(value)) text = value.join('|');
  else if (typeof value === 'object') text = JSON.stringify(value);
  else text = String(value);
  if (PLAIN_NUMBER.test(text)) return text;
  if (FORMULA.test(text)) return `"'${text.replace(/"/g, '""')}"`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(values: unknown[], separator: CsvSeparator = ','): string {
  return `${values.map(csvField).join(separator)}\r\n`;
}
