import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { badRequest } from '../errors.ts';
import type { SourceItem } from './read-records.ts';

/**
 * Rows of one worksheet of an XLSX workbook (also an .xls file that is really XLSX, as some
 * helpdesks export), streamed with exceljs's WorkbookReader: the zip is read entry by entry, a
 * worksheet stored before the shared strings waits in a temporary file rather than in memory, and
 * rows come out as they are parsed. The shared-strings table (each distinct text once) is held in
 * memory, as every XLSX reader must.
 *
 * The first row with a value is the header. Cells become what a CSV cell or JSON value would be:
 * text, numbers, booleans; a date-formatted cell becomes its local date and time
 * (`2026-12-31 14:05:00`), read in the organization's time zone like any timestamp without an
 * offset; a formula gives its cached result (the value Excel showed when the file was saved); a
 * plain number in a timestamp field is read as an Excel serial day. A formula without a cached
 * result or an Excel error value (#N/A) makes the record a broken one naming the column.
 */
export interface XlsxOptions {
  /** Worksheet name; default the first one. */
  sheet?: string;
}

type Cell = ExcelJS.CellValue;

export async function* readXlsx(
  input: AsyncIterable<Buffer | string>,
  options: XlsxOptions = {},
): AsyncGenerator<SourceItem> {
  const stream = Readable.from(input, { objectMode: false });
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(stream, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  const seen: string[] = [];
  let found = false;
  try {
    for await (const worksheet of reader) {
      const name = (worksheet as unknown as { name?: string }).name ?? `Sheet${seen.length + 1}`;
      seen.push(name);
      const wanted = options.sheet === undefined ? seen.length === 1 : name === options.sheet;
      if (!wanted) {
        // The zip is read in order: a sheet not wanted is still read past.
        for await (const _ of worksheet) void _;
        continue;
      }
      found = true;
      yield* sheetItems(worksheet as unknown as AsyncIterable<ExcelJS.Row>, name);
      break;
    }
  } catch (error) {
    if ((error as { status?: number }).status) throw error;
    throw badRequest('invalid-file', `The workbook cannot be read: ${(error as Error).message}.`);
  } finally {
    stream.destroy();
  }
  if (!found) {
    throw badRequest(
      'unknown-sheet',
      options.sheet === undefined
        ? 'The workbook has no worksheet.'
        : `The workbook has no sheet "${options.sheet}"${seen.length ? `; it has ${seen.map((s) => `"${s}"`).join(', ')}` : ''}.`,
    );
  }
}

async function* sheetItems(rows: AsyncIterable<ExcelJS.Row>, sheet: string): AsyncGenerator<SourceItem> {
  let columns: string[] | undefined;
  for await (const row of rows) {
    const line = row.number;
    const cells = (row.values as Cell[] | undefined) ?? [];
    if (!columns) {
      const names: string[] = [];
      let last = 0;
      for (let at = 1; at < cells.length; at++) {
        const value = cellValue(cells[at], row.getCell(at).numFmt);
        const text = value.ok && value.value !== undefined ? String(value.value).trim() : '';
        names[at - 1] = text;
        if (text) last = at;
      }
      if (!last) continue; // rows above the header
      columns = names.slice(0, last);
      const empty = columns.findIndex((name) => name === '');
      if (empty !== -1) {
        throw badRequest(
          'invalid-file',
          `Sheet "${sheet}" row ${line}: column ${empty + 1} of the header has no name.`,
          [{ line, field: `column ${empty + 1}`, reason: 'the header cell is empty' }],
        );
      }
      yield { type: 'columns', line, columns };
      continue;
    }
    const values: Record<string, unknown> = {};
    let problem: SourceItem | undefined;
    let any = false;
    for (let at = 1; at < cells.length; at++) {
      const raw = cells[at];
      if (raw === null || raw === undefined) continue;
      const value = cellValue(raw, row.getCell(at).numFmt);
      const column = columns[at - 1];
      if (!value.ok) {
        problem ??= { type: 'broken', line, field: column ?? `column ${at}`, reason: value.reason };
        continue;
      }
      if (value.value === undefined || value.value === '') continue;
      if (column === undefined) {
        problem ??= {
          type: 'broken',
          line,
          field: `column ${at}`,
          reason: 'the cell has a value but its column has no header',
        };
        continue;
      }
      values[column] = value.value;
      any = true;
    }
    if (problem) yield problem;
    else if (any) yield { type: 'record', line, values };
  }
  if (!columns) throw badRequest('invalid-file', `Sheet "${sheet}" is empty: it needs a header row.`);
}

type Converted = { ok: true; value: string | number | boolean | undefined } | { ok: false; reason: string };

const DATE_FORMAT = /[dmyhs]/i;

function isDateFormat(format: string | undefined): boolean {
  if (!format) return false;
  // Quoted text and [colours] are not date codes; "General" has none.
  const codes = format.replace(/"[^"]*"|\[[^\]]*\]|\\./g, '');
  return codes !== 'General' && DATE_FORMAT.test(codes) && !/^[#0.,% ]*$/.test(codes);
}

function cellValue(raw: Cell, numFmt: string | undefined): Converted {
  if (raw === null || raw === undefined) return { ok: true, value: undefined };
  if (typeof raw === 'string' || typeof raw === 'boolean') return { ok: true, value: raw };
  if (typeof raw === 'number') return { ok: true, value: isDateFormat(numFmt) ? serialToLocal(raw) : raw };
  if (raw instanceof Date) return { ok: true, value: dateToLocal(raw) };
  if (typeof raw === 'object') {
    if ('error' in raw) return { ok: false, reason: `holds the Excel error ${String(raw.error)}` };
    if ('formula' in raw || 'sharedFormula' in raw) {
      const result = (raw as { result?: unknown }).result;
      if (result === undefined || result === null)
        return {
          ok: false,
          reason: 'is a formula without a saved value; open the file in Excel (or LibreOffice) and save it again',
        };
      if (typeof result === 'object' && result !== null && 'error' in result)
        return { ok: false, reason: `holds the Excel error ${String((result as { error: unknown }).error)}` };
      return cellValue(result as Cell, numFmt);
    }
    if ('richText' in raw) return { ok: true, value: raw.richText.map((part) => part.text).join('') };
    if ('text' in raw) return { ok: true, value: String((raw as { text: unknown }).text) };
  }
  return { ok: false, reason: 'holds a value that is not text, a number, a date or true/false' };
}

/** exceljs gives a date cell as the Date whose UTC fields are the wall time Excel shows. */
function dateToLocal(date: Date): string | undefined {
  let ms = date.getTime();
  if (Number.isNaN(ms)) return undefined;
  // Times are binary fractions of a day: 14:05 may come out a millisecond off.
  const off = ((ms % 1000) + 1000) % 1000;
  if (off === 1 || off === 999) ms = Math.round(ms / 1000) * 1000;
  const text = new Date(ms).toISOString();
  if (text.endsWith('T00:00:00.000Z')) return text.slice(0, 10);
  return `${text.slice(0, 10)} ${text.endsWith('.000Z') ? text.slice(11, 19) : text.slice(11, 23)}`;
}

function serialToLocal(serial: number): string | undefined {
  // 1899-12-30 is serial 0 for every date after Excel's phantom 1900-02-29.
  return dateToLocal(new Date(Math.round(serial * 86_400_000) + Date.UTC(1899, 11, 30)));
}
