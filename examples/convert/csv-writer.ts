import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';

/**
 * A minimal RFC 4180 CSV writer for the conversion examples: a header row, CRLF between records,
 * and a field quoted (with its quotes doubled) only when it holds a comma, a quote or a line break.
 * Empty cells mean "no value" to the importer, so undefined and null are written as empty cells.
 */
export type Cell = string | number | boolean | null | undefined;

export function csvField(value: Cell): string {
  if (value === undefined || value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(values: readonly Cell[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

export class CsvWriter {
  /** Records written so far (the header is not counted). */
  written = 0;
  private readonly out: WriteStream;

  constructor(
    readonly path: string,
    readonly columns: readonly string[],
  ) {
    this.out = createWriteStream(path, { encoding: 'utf8' });
    this.out.write(csvLine(columns));
  }

  /** Writes one record; a key that is not a column is a bug in the caller, so it throws. */
  async write(record: Record<string, Cell>): Promise<void> {
    for (const key of Object.keys(record)) {
      if (!this.columns.includes(key)) throw new Error(`${this.path}: "${key}" is not a column`);
    }
    // Respect backpressure so that large conversions run in constant memory.
    if (!this.out.write(csvLine(this.columns.map((column) => record[column])))) await once(this.out, 'drain');
    this.written++;
  }

  async close(): Promise<void> {
    this.out.end();
    await once(this.out, 'finish');
  }
}
