import { StringDecoder } from 'node:string_decoder';
import { badRequest } from '../errors.ts';
import { readCsvRecords } from './csv-reader.ts';

/**
 * Streaming readers for the import formats. Each yields source records with the line where they
 * start, holding at most one batch of text in memory whatever the file size. A record that cannot
 * be read (a broken JSON line, a CSV row with the wrong number of fields) is yielded with its
 * problem so that the importer can reject it like any other invalid record; a file that cannot be
 * read at all (an unclosed quote at the end, a JSON array that never closes) throws.
 */
export type ImportFormat = 'csv' | 'jsonl' | 'json';
export const IMPORT_FORMATS: readonly ImportFormat[] = ['csv', 'jsonl', 'json'];

export type SourceItem =
  | { type: 'columns'; line: number; columns: string[] }
  | { type: 'record'; line: number; values: Record<string, unknown> }
  | { type: 'broken'; line: number; reason: string; raw: string };

/** Format from a file name, or undefined when the name does not tell. */
export function formatFromName(name: string): ImportFormat | undefined {
  const lower = name.toLowerCase();
  if (lower.endsWith('.csv') || lower.endsWith('.tsv') || lower.endsWith('.txt')) return 'csv';
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'jsonl';
  if (lower.endsWith('.json')) return 'json';
  return undefined;
}

/** Format from an HTTP content type. */
export function formatFromContentType(type: string | undefined): ImportFormat | undefined {
  const mime = (type ?? '').split(';')[0]!.trim().toLowerCase();
  if (mime === 'text/csv' || mime === 'text/tab-separated-values' || mime === 'application/csv') return 'csv';
  if (mime === 'application/x-ndjson' || mime === 'application/jsonl' || mime === 'application/x-jsonlines')
    return 'jsonl';
  if (mime === 'application/json') return 'json';
  return undefined;
}

export async function* readRecords(
  input: AsyncIterable<Buffer | string>,
  format?: ImportFormat,
): AsyncGenerator<SourceItem> {
  const { head, rest } = await peek(input);
  const text = head.replace(/^\ufeff/, '');
  const chosen = format ?? sniffFormat(text);
  const whole = chain(head, rest);
  if (chosen === 'csv') yield* readCsv(whole, detectDelimiter(text));
  else if (chosen === 'jsonl') yield* readJsonLines(whole);
  else yield* readJsonArray(whole);
}

/** Reads the start of a stream (up to the first line break or 64 KiB) without losing it. */
async function peek(input: AsyncIterable<Buffer | string>) {
  const iterator = input[Symbol.asyncIterator]();
  const decoder = new StringDecoder('utf8');
  let head = '';
  while (!head.includes('\n') && head.length < 65_536) {
    const next = await iterator.next();
    if (next.done) {
      head += decoder.end();
      return { head, rest: emptyRest() };
    }
    head += typeof next.value === 'string' ? next.value : decoder.write(next.value);
  }
  const rest = (async function* () {
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      yield typeof next.value === 'string' ? next.value : decoder.write(next.value);
    }
    const tail = decoder.end();
    if (tail) yield tail;
  })();
  return { head, rest };
}

async function* emptyRest(): AsyncGenerator<string> {}

async function* chain(head: string, rest: AsyncIterable<string>): AsyncGenerator<string> {
  if (head) yield head;
  yield* rest;
}

function sniffFormat(head: string): ImportFormat {
  const first = head.trimStart()[0];
  if (first === '[') return 'json';
  if (first === '{') return 'jsonl';
  return 'csv';
}

/** The delimiter that splits the header line into the most fields: comma, semicolon or tab. */
export function detectDelimiter(head: string): string {
  const line = head.split('\n', 1)[0] ?? '';
  let best = ',';
  let bestCount = 0;
  for (const delimiter of [',', ';', '\t']) {
    let count = 0;
    let quoted = false;
    for (const char of line) {
      if (char === '"') quoted = !quoted;
      else if (char === delimiter && !quoted) count++;
    }
    if (count > bestCount) {
      best = delimiter;
      bestCount = count;
    }
  }
  return best;
}

async function* readCsv(text: AsyncIterable<string>, delimiter: string): AsyncGenerator<SourceItem> {
  let columns: string[] | undefined;
  for await (const records of readCsvRecords(text, delimiter)) {
    for (const { line, cells } of records) {
      if (!columns) {
        columns = cells.map((name) => name.trim());
        const empty = columns.findIndex((name) => name === '');
        if (empty !== -1) {
          throw badRequest('invalid-file', `Line ${line}: column ${empty + 1} of the header has no name.`, [
            { line, field: `column ${empty + 1}`, reason: 'the header cell is empty' },
          ]);
        }
        yield { type: 'columns', line, columns };
        continue;
      }
      if (cells.length !== columns.length) {
        yield {
          type: 'broken',
          line,
          reason: `has ${cells.length} fields but the header has ${columns.length}`,
          raw: cells.join(delimiter),
        };
        continue;
      }
      const values: Record<string, unknown> = {};
      for (let i = 0; i < columns.length; i++) values[columns[i]!] = cells[i];
      yield { type: 'record', line, values };
    }
  }
  if (!columns) throw badRequest('invalid-file', 'The file is empty: a CSV needs a header row.');
}

async function* readJsonLines(text: AsyncIterable<string>): AsyncGenerator<SourceItem> {
  let buffer = '';
  let line = 0;
  const parseLine = (raw: string): SourceItem | undefined => {
    line++;
    const trimmed = raw.replace(/^\ufeff/, '').trim();
    if (!trimmed) return undefined;
    return jsonItem(trimmed, line);
  };
  for await (const chunk of text) {
    buffer += chunk;
    let start = 0;
    for (let end = buffer.indexOf('\n'); end !== -1; end = buffer.indexOf('\n', start)) {
      const item = parseLine(buffer.slice(start, end));
      start = end + 1;
      if (item) yield item;
    }
    buffer = buffer.slice(start);
  }
  const item = parseLine(buffer);
  if (item) yield item;
}

function jsonItem(text: string, line: number): SourceItem {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { type: 'broken', line, reason: `is not valid JSON: ${(error as Error).message}`, raw: text };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { type: 'broken', line, reason: 'is not a JSON object', raw: text };
  }
  return { type: 'record', line, values: value as Record<string, unknown> };
}

/**
 * A JSON array read element by element: a small scanner finds where each top-level element ends
 * (tracking strings and nesting), and only that element is handed to JSON.parse.
 */
async function* readJsonArray(text: AsyncIterable<string>): AsyncGenerator<SourceItem> {
  let state = 'before-array' as 'before-array' | 'before-element' | 'in-element' | 'done';
  let line = 1;
  let element = '';
  let elementLine = 1;
  let depth = 0;
  let inString = false;
  let escaped = false;
  const fail = (reason: string) =>
    badRequest('invalid-file', `Line ${line}: the JSON array cannot be read: ${reason}`, [
      { line, field: null, reason },
    ]);

  for await (const chunk of text) {
    let from = 0;
    for (let i = 0; i < chunk.length; i++) {
      const char = chunk[i]!;
      if (state === 'in-element') {
        if (inString) {
          if (escaped) escaped = false;
          else if (char === '\\') escaped = true;
          else if (char === '"') inString = false;
          else if (char === '\n') line++;
          continue;
        }
        if (char === '"') inString = true;
        else if (char === '{' || char === '[') depth++;
        else if (char === '}' || char === ']') {
          if (depth === 0) {
            // The closing bracket of the array itself.
            element += chunk.slice(from, i);
            yield jsonItem(element.trim(), elementLine);
            element = '';
            state = 'done';
            continue;
          }
          depth--;
        } else if (char === ',' && depth === 0) {
          element += chunk.slice(from, i);
          yield jsonItem(element.trim(), elementLine);
          element = '';
          state = 'before-element';
        } else if (char === '\n') line++;
        continue;
      }
      if (char === '\n') {
        line++;
        continue;
      }
      if (char === ' ' || char === '\t' || char === '\r' || char === '\ufeff') continue;
      if (state === 'before-array') {
        if (char !== '[') throw fail('a JSON import must be an array of objects (or use JSON Lines)');
        state = 'before-element';
      } else if (state === 'before-element') {
        if (char === ']') {
          state = 'done';
          continue;
        }
        state = 'in-element';
        elementLine = line;
        depth = 0;
        from = i;
        i--; // rescan this character inside the element
      } else {
        throw fail(`unexpected "${char}" after the end of the array`);
      }
    }
    if (state === 'in-element') element += chunk.slice(from);
    if (element.length > 16 * 1024 * 1024) throw fail('one element is larger than 16 MiB');
  }
  if (state !== 'done') throw fail(state === 'before-array' ? 'the file is empty' : 'the array is not closed with ]');
}
