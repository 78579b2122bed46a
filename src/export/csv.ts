/** RFC 4180 writing: quote a field when it holds the delimiter, a quote or a line break. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text: string;
  if (value instanceof Date) text = value.toISOString();
  else if (Array.isArray(value)) text = value.join('|');
  else if (typeof value === 'object') text = JSON.stringify(value);
  else text = String(value);
  // A leading = + - @ makes spreadsheets run a formula; a quote mark in front keeps it text.
  if (/^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(values: unknown[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}
