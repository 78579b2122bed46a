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
import { getPreset, listPresets } from '../../ingest/presets.ts';
import { configFrom, databaseOptions, parseCommand, resolveOrganization, withDatabase, type Io } from '../context.ts';

const help = `Usage: cxkpi import <entity> <file|-> [options]

Entities: ${ENTITY_NAMES.join(', ')} (cxkpi entities lists their fields)

Options:
  --format csv|jsonl|json   input format (default: from the file name or its first character)
  --map "Column=field"      read a source column as a field; =attributes.name keeps it as a custom
                            attribute, =- drops it (repeatable)
  --set field=value         give a field one value for every record (repeatable)
  --encoding NAME           text encoding of the file (default utf-8; e.g. windows-1251, utf-16le)
  --preset NAME             a ready mapping for a known export (${listPresets()
    .map((p) => p.name)
    .join(', ')})
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
  const preset = values.preset ? getPreset(values.preset) : undefined;
  if (values.preset && !preset) {
    throw badRequest(
      'invalid-arguments',
      `There is no preset ${values.preset}; use one of ${listPresets()
        .map((p) => p.name)
        .join(', ')}.`,
    );
  }
  if (preset && preset.entity !== entity) {
    throw badRequest('invalid-arguments', `Preset ${preset.name} is for ${preset.entity}, not ${entity}.`);
  }
  const map = { ...preset?.map, ...pairs(values.map ?? [], '--map') };
  const set = { ...preset?.set, ...pairs(values.set ?? [], '--set') };
  const format = (values.format as ImportFormat | undefined) ?? (file === '-' ? undefined : formatFromName(file));
  if (!getEntity(entity))
    throw badRequest('unknown-entity', `There is no entity "${entity}"; use one of ${ENTITY_NAMES.join(', ')}.`);
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
            map,
            set,
            ...(format ? { format } : {}),
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
