import { badRequest } from '../errors.ts';
import { exceeds, readCsvRecords, recordTooLong } from './csv-reader.ts';
import { detectEncoding, type EncodingGuess } from './detect-encoding.ts';
import { readXlsx } from './xlsx-reader.ts';

/**
 * Streaming readers for the import formats. Each yields source records with the line where they
 * start, holding at most one batch of text in memory whatever the file size. A record that cannot
 * be read (a broken JSON line, a CSV row with the wrong number of fields) is yielded with its
 * problem so that the importer can reject it like any other invalid record; a file that cannot be
 * read at all (an unclosed quote at the end, a JSON array that never closes, a record longer than
 * the limit) throws.
 *
 * Text is never stored damaged: bytes that are not valid in the file's encoding (UTF-8 unless told
 * otherwise), NUL characters and U+FFFD make the record that holds them a broken one, naming the
 * field; a JSON object with a repeated key or a number beyond the double range is broken too.
 */
export type ImportFormat = 'csv' | 'jsonl' | 'json' | 'xlsx';
export const IMPORT_FORMATS: readonly ImportFormat[] = ['csv', 'jsonl', 'json', 'xlsx'];

export type SourceItem =
  | { type: 'columns'; line: number; columns: string[] }
  | { type: 'record'; line: number; values: Record<string, unknown> }
  | {
      type: 'broken';
      line: number;
      /** The column or key at fault; absent when the record as a whole cannot be read. */
      field?: string;
      reason: string;
      /** The text of the record, when it can be shown (not when it holds damaged text). */
      raw?: string;
    };

export interface ReadOptions {
  /**
   * Any encoding label TextDecoder knows (utf-8, windows-1251, utf-16le...). Without it the
   * first bytes decide (detect-encoding.ts): a byte order mark, valid UTF-8, or a guess among
   * Windows-1251 and Windows-1257, else UTF-8.
   */
  encoding?: string;
  /** XLSX: the worksheet to read (default the first). */
  sheet?: string;
  /** Told the format and encoding chosen, before the first item. */
  onDetect?: (detected: Detected) => void;
  /** Longest record accepted; a longer one stops the reading. */
  maxRecordBytes?: number;
}

export const DEFAULT_MAX_RECORD_BYTES = 1_048_576;

export interface Detected {
  format: ImportFormat;
  /** The text encoding (absent for XLSX, whose text is always Unicode). */
  encoding?: string;
  /** How the encoding was chosen: given (--encoding), or what detectEncoding found. */
  encodingReason?: 'given' | EncodingGuess['reason'];
}

/** How many bytes the encoding and format are decided on. */
const SNIFF_BYTES = 1 << 20;

/** Format from a file name, or undefined when the name does not tell. */
export function formatFromName(name: string): ImportFormat | undefined {
  const lower = name.toLowerCase();
  if (lower.endsWith('.csv') || lower.endsWith('.tsv') || lower.endsWith('.txt')) return 'csv';
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'jsonl';
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.xlsx') || lower.endsWith('.xls') || lower.endsWith('.xlsm')) return 'xlsx';
  return undefined;
}

/** Format from an HTTP content type. */
export function formatFromContentType(type: string | undefined): ImportFormat | undefined {
  const mime = (type ?? '').split(';')[0]!.trim().toLowerCase();
  if (mime === 'text/csv' || mime === 'text/tab-separated-values' || mime === 'application/csv') return 'csv';
  if (mime === 'application/x-ndjson' || mime === 'application/jsonl' || mime === 'application/x-jsonlines')
    return 'jsonl';
  if (mime === 'application/json') return 'json';
  if (
    mime === 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' ||
    mime === 'application/vnd.ms-excel'
  )
    return 'xlsx';
  return undefined;
}

export async function* readRecords(
  input: AsyncIterable<Buffer | string>,
  format?: ImportFormat,
  options: ReadOptions = {},
): AsyncGenerator<SourceItem> {
  const bytes = await peekBytes(input, SNIFF_BYTES);
  const start = typeof bytes.head === 'string' ? undefined : bytes.head;
  const zip = start !== undefined && start[0] === 0x50 && start[1] === 0x4b && start[2] === 0x03 && start[3] === 0x04;
  if (start !== undefined && start.length >= 8 && start.readUInt32BE(0) === 0xd0cf11e0) {
    throw badRequest(
      'invalid-file',
      'The file is an Excel 97-2003 workbook (.xls), which cxkpi does not read; save it as .xlsx or CSV (UTF-8).',
    );
  }
  if (zip || format === 'xlsx') {
    if (!zip) throw badRequest('invalid-file', 'The file is not an XLSX workbook (it does not start like a zip file).');
    options.onDetect?.({ format: 'xlsx' });
    yield* readXlsx(chain(bytes.head, bytes.rest), options.sheet !== undefined ? { sheet: options.sheet } : {});
    return;
  }
  const guess: Pick<Detected, 'encoding' | 'encodingReason'> = options.encoding
    ? { encoding: options.encoding, encodingReason: 'given' }
    : start
      ? (({ encoding, reason }) => ({ encoding, encodingReason: reason }))(detectEncoding(start))
      : { encoding: 'utf-8', encodingReason: 'default' };
  const decoder = new TextDecoding(guess.encoding, guess.encodingReason === 'given');
  const { head, rest } = await peek(decoder.decode(chain(bytes.head, bytes.rest)));
  const text = head.replace(/^\ufeff/, '');
  const chosen = format ?? sniffFormat(text);
  options.onDetect?.({ format: chosen, encoding: decoder.encoding, encodingReason: guess.encodingReason! });
  const whole = chain(head, rest);
  const max = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  if (chosen === 'csv') yield* readCsv(whole, detectDelimiter(text), decoder, max);
  else if (chosen === 'jsonl') yield* readJsonLines(whole, decoder, max);
  else yield* readJsonArray(whole, decoder, max);
}

/** The first `size` bytes of a byte stream (or its first chunk, when that is text), and the rest. */
async function peekBytes(input: AsyncIterable<Buffer | string>, size: number) {
  const iterator = input[Symbol.asyncIterator]();
  const parts: Buffer[] = [];
  let total = 0;
  let done = false;
  while (total < size) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    if (typeof next.value === 'string') {
      if (!parts.length) return { head: next.value as Buffer | string, rest: restOf(iterator, false) };
      parts.push(Buffer.from(next.value));
    } else parts.push(next.value);
    total += parts[parts.length - 1]!.length;
  }
  return { head: Buffer.concat(parts) as Buffer | string, rest: restOf(iterator, done) };
}

async function* restOf<T>(iterator: AsyncIterator<T>, done: boolean): AsyncGenerator<T> {
  if (done) return;
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  } finally {
    // Stop the source (a file stream) when the reader stops early.
    await iterator.return?.();
  }
}

/**
 * Bytes to text in the file's encoding. Invalid bytes become U+FFFD, which no text field accepts;
 * counting them against the U+FFFD the bytes really encode tells a damaged file from one that
 * merely holds the character, for the message.
 */
class TextDecoding {
  readonly encoding: string;
  /** Bytes that are not valid in the encoding were seen. */
  invalid = false;
  /** Some text held NUL or U+FFFD: records are then checked field by field. */
  suspect = false;
  private readonly decoder: TextDecoder;

  constructor(
    label = 'utf-8',
    /** The user chose UTF-8: a UTF-16 byte order mark is then an error, not a choice. */
    private readonly given = true,
  ) {
    this.decoder = textDecoder(label);
    this.encoding = this.decoder.encoding;
  }

  async *decode(input: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
    let first = true;
    let encoded = 0;
    let decoded = 0;
    let tail: Buffer = Buffer.alloc(0);
    for await (const chunk of input) {
      if (typeof chunk === 'string') {
        this.see(chunk);
        yield chunk;
        continue;
      }
      if (first && this.given && this.encoding === 'utf-8' && chunk.length >= 2) {
        const bom = chunk.readUInt16BE(0);
        if (bom === 0xfffe || bom === 0xfeff) {
          const order = bom === 0xfffe ? 'utf-16le' : 'utf-16be';
          const reason = `the file is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8 or import it with --encoding ${order}`;
          throw badRequest('invalid-encoding', `Line 1: ${reason}.`, [{ line: 1, field: null, reason }]);
        }
      }
      first = false;
      const text = this.decoder.decode(chunk, { stream: true });
      if (text.includes('\ufffd')) {
        decoded += count(text, '\ufffd');
        // A U+FFFD the file really holds may have begun in the previous chunk.
        if (this.encoding === 'utf-8') encoded += countBytes(Buffer.concat([tail, chunk]), REPLACEMENT_UTF8);
        if (decoded > encoded || this.encoding !== 'utf-8') this.invalid = true;
      }
      tail = chunk.length >= 2 ? chunk.subarray(chunk.length - 2) : Buffer.concat([tail, chunk]).subarray(-2);
      this.see(text);
      if (text) yield text;
    }
    const end = this.decoder.decode();
    if (end) {
      this.invalid = true;
      this.see(end);
      yield end;
    }
  }

  private see(text: string) {
    if (!this.suspect && (text.includes('\u0000') || text.includes('\ufffd'))) this.suspect = true;
  }

  /** Why a value cannot be stored as text, or undefined when it can. */
  problem(text: string): string | undefined {
    if (text.includes('\u0000'))
      return 'contains a NUL character (is the file UTF-16? then import it with --encoding utf-16le)';
    if (!text.includes('\ufffd')) return undefined;
    if (!this.invalid) return 'contains U+FFFD, the replacement character: the text was damaged before it was exported';
    return this.encoding === 'utf-8'
      ? 'is not valid UTF-8 (try --encoding windows-1251)'
      : `is not valid ${this.encoding}`;
  }
}

/** A decoder for an encoding label, or a 400 naming the label; doors check it before reading. */
export function textDecoder(label: string): TextDecoder {
  try {
    return new TextDecoder(label);
  } catch {
    throw badRequest(
      'invalid-arguments',
      `There is no text encoding "${label}"; use e.g. utf-8, windows-1251, utf-16le.`,
    );
  }
}

const REPLACEMENT_UTF8 = Buffer.from('\ufffd');

function count(text: string, char: string): number {
  let n = 0;
  for (let at = text.indexOf(char); at !== -1; at = text.indexOf(char, at + 1)) n++;
  return n;
}

function countBytes(bytes: Buffer, needle: Buffer): number {
  let n = 0;
  for (let at = bytes.indexOf(needle); at !== -1; at = bytes.indexOf(needle, at + needle.length)) n++;
  return n;
}

/** Reads the start of a text stream (up to the first line break or 64 KiB) without losing it. */
async function peek(input: AsyncIterable<string>) {
  const iterator = input[Symbol.asyncIterator]();
  let head = '';
  while (!head.includes('\n') && head.length < 65_536) {
    const next = await iterator.next();
    if (next.done) return { head, rest: emptyRest() };
    head += next.value;
  }
  const rest = (async function* () {
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      yield next.value;
    }
  })();
  return { head, rest };
}

async function* emptyRest(): AsyncGenerator<string> {}

async function* chain<T extends string | Buffer>(head: T, rest: AsyncIterable<T>): AsyncGenerator<T> {
  if (head.length) yield head;
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

async function* readCsv(
  text: AsyncIterable<string>,
  delimiter: string,
  decoder: TextDecoding,
  maxRecordBytes: number,
): AsyncGenerator<SourceItem> {
  let columns: string[] | undefined;
  for await (const records of readCsvRecords(text, delimiter, maxRecordBytes)) {
    for (const { line, cells } of records) {
      if (!columns) {
        columns = cells.map((name) => name.trim());
        const empty = columns.findIndex((name) => name === '');
        if (empty !== -1) {
          throw badRequest('invalid-file', `Line ${line}: column ${empty + 1} of the header has no name.`, [
            { line, field: `column ${empty + 1}`, reason: 'the header cell is empty' },
          ]);
        }
        for (const [at, name] of columns.entries()) {
          const problem = decoder.problem(name);
          if (problem) {
            const field = `column ${at + 1}`;
            throw badRequest('invalid-file', `Line ${line}: ${field} of the header ${problem}.`, [
              { line, field, reason: problem },
            ]);
          }
        }
        yield { type: 'columns', line, columns };
        continue;
      }
      if (cells.length !== columns.length) {
        yield {
          type: 'broken',
          line,
          reason: `the record has ${cells.length} fields but the header has ${columns.length}`,
          raw: cells.join(delimiter),
        };
        continue;
      }
      if (decoder.suspect) {
        const at = cells.findIndex((cell) => decoder.problem(cell) !== undefined);
        if (at !== -1) {
          yield { type: 'broken', line, field: columns[at]!, reason: decoder.problem(cells[at]!)! };
          continue;
        }
      }
      const values: Record<string, unknown> = {};
      for (let i = 0; i < columns.length; i++) values[columns[i]!] = cells[i];
      yield { type: 'record', line, values };
    }
  }
  if (!columns) throw badRequest('invalid-file', 'The file is empty: a CSV needs a header row.');
}

async function* readJsonLines(
  text: AsyncIterable<string>,
  decoder: TextDecoding,
  maxRecordBytes: number,
): AsyncGenerator<SourceItem> {
  let buffer = '';
  let line = 0;
  const parseLine = (raw: string): SourceItem | undefined => {
    line++;
    if (raw.length > maxRecordBytes / 3 && exceeds(raw, maxRecordBytes)) throw recordTooLong(line, maxRecordBytes);
    const trimmed = raw.replace(/^\ufeff/, '').trim();
    if (!trimmed) return undefined;
    return jsonItem(trimmed, line, decoder);
  };
  for await (const chunk of text) {
    // Only the new text is searched for line breaks: a long line costs linear time.
    const scan = buffer.length;
    buffer += chunk;
    let start = 0;
    for (let end = buffer.indexOf('\n', scan); end !== -1; end = buffer.indexOf('\n', start)) {
      const item = parseLine(buffer.slice(start, end));
      start = end + 1;
      if (item) yield item;
    }
    buffer = buffer.slice(start);
    if (exceeds(buffer, maxRecordBytes)) throw recordTooLong(line + 1, maxRecordBytes);
  }
  const item = parseLine(buffer);
  if (item) yield item;
}

function jsonItem(text: string, line: number, decoder: TextDecoding): SourceItem {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { type: 'broken', line, reason: `the record is not valid JSON: ${(error as Error).message}`, raw: text };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { type: 'broken', line, reason: 'the record is not a JSON object', raw: text };
  }
  const problem = findJsonProblem(text, decoder);
  if (problem) return { type: 'broken', line, ...problem, raw: text };
  return { type: 'record', line, values: value as Record<string, unknown> };
}

/**
 * What JSON.parse lets pass but an import must not: a key repeated in one object (the last would
 * win silently), a number beyond the double range (it would become Infinity, then null), and text
 * that cannot be stored (NUL, U+FFFD). One pass over text that JSON.parse has accepted.
 */
function findJsonProblem(text: string, decoder: TextDecoding): { field?: string; reason: string } | undefined {
  // One frame per open object or array: the keys seen and the key being read, for the field path.
  const stack: Array<{ keys: Set<string> | undefined; key: string | undefined; expectKey: boolean }> = [];
  const field = (last?: string) => {
    const keys = stack.map((frame, at) => (at === stack.length - 1 && last !== undefined ? last : frame.key));
    return keys.filter((key) => key !== undefined).join('.') || undefined;
  };
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      let end = i + 1;
      let escaped = false;
      for (; end < length; end++) {
        const d = text.charCodeAt(end);
        if (escaped) escaped = false;
        else if (d === 92) escaped = true;
        else if (d === 34) break;
      }
      const raw = text.slice(i + 1, end);
      const value = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
      const top = stack[stack.length - 1];
      if (top?.keys && top.expectKey) {
        top.expectKey = false;
        const problem = decoder.problem(value);
        if (problem) return { field: field(value), reason: `the key ${problem}` };
        if (top.keys.has(value))
          return { field: field(value), reason: `the key "${value}" appears twice in one object` };
        top.keys.add(value);
        top.key = value;
      } else {
        const problem = decoder.problem(value);
        if (problem) return { ...(field() ? { field: field() } : {}), reason: problem };
      }
      i = end;
    } else if (c === 123) stack.push({ keys: new Set(), key: undefined, expectKey: true });
    else if (c === 91) stack.push({ keys: undefined, key: undefined, expectKey: false });
    else if (c === 125 || c === 93) stack.pop();
    else if (c === 44) {
      const top = stack[stack.length - 1];
      if (top?.keys) top.expectKey = true;
    } else if (c === 45 || (c >= 48 && c <= 57)) {
      let end = i + 1;
      while (end < length && /[0-9eE.+-]/.test(text[end]!)) end++;
      const literal = text.slice(i, end);
      if (!Number.isFinite(Number(literal))) {
        return { ...(field() ? { field: field() } : {}), reason: `${literal} is not a finite number` };
      }
      i = end - 1;
    }
  }
  return undefined;
}

/**
 * A JSON array read element by element: a small scanner finds where each top-level element ends
 * (tracking strings and nesting), and only that element is handed to JSON.parse.
 */
async function* readJsonArray(
  text: AsyncIterable<string>,
  decoder: TextDecoding,
  maxRecordBytes: number,
): AsyncGenerator<SourceItem> {
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
  const item = () => {
    if (element.length > maxRecordBytes / 3 && exceeds(element, maxRecordBytes))
      throw recordTooLong(elementLine, maxRecordBytes);
    return jsonItem(element.trim(), elementLine, decoder);
  };

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
            yield item();
            element = '';
            state = 'done';
            continue;
          }
          depth--;
        } else if (char === ',' && depth === 0) {
          element += chunk.slice(from, i);
          yield item();
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
    if (state === 'in-element' && exceeds(element, maxRecordBytes)) throw recordTooLong(elementLine, maxRecordBytes);
  }
  if (state !== 'done') throw fail(state === 'before-array' ? 'the file is empty' : 'the array is not closed with ]');
}
