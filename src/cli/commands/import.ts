import fs from 'node:fs';
import path from 'node:path';
import { csvRow } from '../../export/csv.ts';
import { badRequest } from '../../errors.ts';
import {
  ENTITY_NAMES,
  formatFromName,
  getEntity,
  IMPORT_FORMATS,
  importRecords,
  type ImportFormat,
  type ImportSummary,
  textDecoder,
  type RejectedRecord,
} from '../../ingest/index.ts';
import { parseDateFormat } from '../../ingest/fields.ts';
import { presetNames, presetOptions, requirePreset } from '../../ingest/presets.ts';
import { configFrom, databaseOptions, parseCommand, resolveOrganization, withDatabase, type Io } from '../context.ts';

const help = `Usage: cxkpi import <entity> <file|-> [options]

Entities: ${ENTITY_NAMES.join(', ')} (cxkpi entities lists their fields)

Options:
  --format csv|jsonl|json|xlsx
                            input format (default: from the file name or its first bytes; an
                            .xls file that is really XLSX is read as XLSX)
  --map "Column=field"      read a source column as a field; =attributes.name keeps it as a custom
                            attribute, =- drops it (repeatable)
  --set field=value         give a field one value for every record (repeatable)
  --encoding NAME           text encoding of the file, e.g. utf-8, windows-1251, windows-1257,
                            iso-8859-13, utf-16le (default: a byte order mark, valid UTF-8, or a
                            guess among windows-1251 and windows-1257, which the summary reports)
  --sheet NAME              XLSX: the worksheet to read (default the first)
  --date-format FORMAT      DD/MM/YYYY or MM/DD/YYYY (also with - or .): the order of day and
                            month in dates such as 01/02/2026; 31.12.2026 is always day first
  --decimal-comma           a comma is the decimal separator and dots group thousands (1.234,50);
                            without it 1 234,50 and 12,5 are read, 1,234 is refused as ambiguous
  --preset NAME             a ready mapping for a vendor's export: ${presetNames().join(', ')}
                            (docs/import.md lists their columns)
  --skip-invalid            store the valid records, reject the others (default: store nothing
                            when any record is invalid)
  --rejects FILE            write rejected records with their line and reasons to FILE
  --dry-run                 validate and count, store nothing
  --json                    print the summary as JSON
  --org SLUG                organization (default: the installation's default organization)`;

export async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    ...databaseOptions,
    format: { type: 'string' },
    encoding: { type: 'string' },
    map: { type: 'string', multiple: true },
    set: { type: 'string', multiple: true },
    preset: { type: 'string' },
    sheet: { type: 'string' },
    'date-format': { type: 'string' },
    'decimal-comma': { type: 'boolean' },
    'skip-invalid': { type: 'boolean' },
    rejects: { type: 'string' },
    'dry-run': { type: 'boolean' },
    json: { type: 'boolean' },
  });
  if (values.help) return (io.out(help), 0);
  const [entity, file] = positionals;
  if (!entity || !file || positionals.length > 2) {
    io.err(help);
    return 2;
  }
  if (values.format && !IMPORT_FORMATS.includes(values.format as ImportFormat)) {
    throw badRequest('invalid-arguments', `--format must be one of ${IMPORT_FORMATS.join(', ')}.`);
  }
  if (!getEntity(entity))
    throw badRequest('unknown-entity', `There is no entity "${entity}"; use one of ${ENTITY_NAMES.join(', ')}.`);
  const preset = values.preset ? requirePreset(values.preset, entity) : undefined;
  const dateOrder = values['date-format'] ? parseDateFormat(values['date-format']) : undefined;
  if (values['date-format'] && !dateOrder)
    throw badRequest('invalid-arguments', `--date-format ${values['date-format']}: use DD/MM/YYYY or MM/DD/YYYY.`);
  const mapping = presetOptions(preset, {
    map: pairs(values.map ?? [], '--map'),
    set: pairs(values.set ?? [], '--set'),
    ...(dateOrder ? { dateOrder } : {}),
    ...(values['decimal-comma'] ? { decimalComma: true } : {}),
  });
  const format = (values.format as ImportFormat | undefined) ?? (file === '-' ? undefined : formatFromName(file));
  if (values.encoding) textDecoder(values.encoding);
  const config = configFrom(values);
  if (file !== '-' && !fs.existsSync(file)) throw badRequest('file-not-found', `There is no file ${file}.`);
  const rejects = values.rejects ? new RejectsWriter(values.rejects, format ?? 'jsonl') : undefined;
  try {
    const summary = await withDatabase(config, async (db) => {
      const org = await resolveOrganization(db, config, values.org);
      const input = file === '-' ? io.stdin : fs.createReadStream(file, { highWaterMark: 1 << 20 });
      try {
        return await importRecords(
          db,
          org,
          entity,
          { bytes: input as AsyncIterable<Buffer> },
          {
            ...mapping,
            ...(format ? { format } : {}),
            ...(values.sheet !== undefined ? { sheet: values.sheet } : {}),
            ...(values.encoding ? { encoding: values.encoding } : {}),
            maxRecordBytes: config.maxRecordBytes,
            skipInvalid: values['skip-invalid'] ?? false,
            dryRun: values['dry-run'] ?? false,
            source: file === '-' ? 'stdin' : path.basename(file),
            ...(rejects ? { onReject: (record: RejectedRecord) => rejects.write(record) } : {}),
          },
        );
      } finally {
        // An import that stops early (a bad header, an unknown entity) leaves the file unread.
        if (input instanceof fs.ReadStream) input.destroy();
      }
    });
    await rejects?.close();
    if (values.json) io.out(JSON.stringify(summary, null, 2));
    else printSummary(summary, io, values.rejects);
    return summary.status === 'rejected' ? 1 : 0;
  } catch (error) {
    await rejects?.close();
    throw error;
  }
}

function pairs(items: string[], flag: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const item of items) {
    // The source column may itself contain "=", so the target is what follows the last one.
    const at = item.lastIndexOf('=');
    if (at <= 0) throw badRequest('invalid-arguments', `${flag} ${item}: expected NAME=VALUE.`);
    result[item.slice(0, at)] = item.slice(at + 1);
  }
  return result;
}

const SHOWN_ERRORS = 20;

function printSummary(summary: ImportSummary, io: Io, rejectsFile: string | undefined) {
  io.out(summary.message);
  const shown = summary.errors.slice(0, SHOWN_ERRORS);
  for (const e of shown) {
    const where = `line ${e.line}${e.id ? ` (id ${e.id})` : ''}`;
    io.err(`  ${where}: ${e.field ? `${e.field}: ` : ''}${e.reason}`);
  }
  const hidden = summary.errors.length - shown.length;
  if (hidden > 0 || summary.errors_truncated) {
    const count = summary.errors_truncated ? 'more' : String(hidden);
    io.err(
      `  ... and ${count} more problems${rejectsFile ? `; all are in ${rejectsFile}` : '; write them all with --rejects FILE'}.`,
    );
  } else if (rejectsFile && summary.rejected) io.err(`  Rejected records were written to ${rejectsFile}.`);
}

/**
 * Rejected records in a file the user can fix and import again: CSV input gives CSV with the
 * original columns after `_line` and `_errors`; JSON input gives JSON Lines.
 */
class RejectsWriter {
  private readonly stream: fs.WriteStream;
  private columns: string[] | undefined;

  constructor(
    file: string,
    private readonly format: ImportFormat,
  ) {
    this.stream = fs.createWriteStream(file);
  }

  async write(record: RejectedRecord) {
    const reasons = record.errors.map((e) => (e.field ? `${e.field}: ${e.reason}` : e.reason)).join('; ');
    let text: string;
    if (this.format === 'csv') {
      if (!this.columns) {
        this.columns = Object.keys(record.values ?? {});
        this.stream.write(csvRow(['_line', '_errors', ...this.columns]));
      }
      const values = record.values ?? {};
      text = csvRow([
        record.line,
        record.raw !== undefined ? `${reasons}: ${record.raw}` : reasons,
        ...this.columns.map((c) => values[c]),
      ]);
    } else {
      text = `${JSON.stringify({ line: record.line, errors: record.errors, record: record.values ?? record.raw })}\n`;
    }
    if (!this.stream.write(text)) await new Promise<void>((resolve) => this.stream.once('drain', () => resolve()));
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) =>
      this.stream.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
  }
}
