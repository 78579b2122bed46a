import { getEntity } from './entities.ts';
import { readRecords, type Detected, type ImportFormat } from './read-records.ts';
import { getPreset, listPresets, suggestPreset, type Preset } from './presets/index.ts';
import { flatten } from './presets/preset.ts';

/**
 * A dry look at the start of a file, for the Data page: the format and encoding the importer
 * would use, the columns, the first records as read (before any mapping), the preset whose
 * columns the file has, and the mapping that preset (or the field names) gives each column. It
 * reads at most `maxRecords` records with the importer's own readers, so that what it shows is
 * what the import will read; nothing is stored.
 */
export interface Preview {
  format: ImportFormat;
  encoding: string | null;
  /** How the encoding was chosen (given, bom, utf-8, guessed, default). */
  encoding_reason: string | null;
  columns: string[];
  rows: Array<Record<string, unknown>>;
  /** Problems met in the records read (a broken line), with their line. */
  problems: Array<{ line: number; field: string | null; reason: string }>;
  suggested_preset: { name: string; entity: string; description: string } | null;
  /** The preset the mapping follows: the one asked for, else the suggested one for the entity. */
  preset: string | null;
  /** Column -> field, attributes.name or - as the import would read it. */
  mapping: Record<string, string>;
  presets: Array<{ name: string; entity: string; description: string }>;
}

export interface PreviewOptions {
  entity?: string;
  /** A preset's name, '' for none, absent to follow the suggestion. */
  preset?: string;
  format?: ImportFormat;
  encoding?: string;
  sheet?: string;
  maxRecords?: number;
}

export async function previewFile(
  input: AsyncIterable<Buffer | string>,
  options: PreviewOptions = {},
): Promise<Preview> {
  let detected: Detected | undefined;
  let columns: string[] | undefined;
  const seen = new Set<string>();
  const rows: Array<Record<string, unknown>> = [];
  const problems: Preview['problems'] = [];
  const max = options.maxRecords ?? 20;
  const items = readRecords(input, options.format, {
    ...(options.encoding ? { encoding: options.encoding } : {}),
    ...(options.sheet !== undefined ? { sheet: options.sheet } : {}),
    onDetect: (d) => (detected = d),
  });
  try {
    for await (const item of items) {
      if (item.type === 'columns') columns = item.columns;
      else if (item.type === 'broken')
        problems.push({ line: item.line, field: item.field ?? null, reason: item.reason });
      else {
        const values = columns ? item.values : flatten(item.values);
        for (const key of Object.keys(values)) seen.add(key);
        rows.push(values);
      }
      if (rows.length + problems.length >= max) break;
    }
  } catch (error) {
    // The body may be only the start of the file: a record cut at its end is not a problem.
    if (!rows.length && !columns) throw error;
  }
  const names = columns ?? [...seen];
  const suggested = suggestPreset(names) ?? null;
  // An empty preset asks for none: the columns mapped by their names.
  const preset: Preset | undefined =
    options.preset !== undefined
      ? options.preset
        ? getPreset(options.preset, options.entity)
        : undefined
      : suggested && (!options.entity || suggested.entity === options.entity)
        ? suggested
        : undefined;
  return {
    format: detected?.format ?? 'csv',
    encoding: detected?.encoding ?? null,
    encoding_reason: detected?.encodingReason ?? null,
    columns: names,
    rows: rows.slice(0, 5),
    problems,
    suggested_preset: suggested ? describe(suggested) : null,
    preset: preset?.name ?? null,
    mapping: mappingOf(names, options.entity ?? preset?.entity, preset),
    presets: listPresets().map(describe),
  };
}

function describe(preset: Preset) {
  return { name: preset.name, entity: preset.entity, description: preset.description };
}

/** What each column becomes: the preset's target, a field of the same name, else an attribute. */
function mappingOf(columns: string[], entityName: string | undefined, preset: Preset | undefined) {
  const fields = new Set(getEntity(entityName ?? '')?.fields.map((f) => f.name) ?? []);
  const mapping: Record<string, string> = {};
  for (const column of columns) {
    const target = preset?.map[column];
    if (target) mapping[column] = target;
    else if (fields.has(column) || fields.has(column.toLowerCase())) mapping[column] = column.toLowerCase();
    else if (/^(attributes|ratings)\./.test(column)) mapping[column] = column;
    else mapping[column] = `attributes.${slug(column)}`;
  }
  return mapping;
}

function slug(text: string): string {
  return (
    text
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 64) || 'field'
  );
}
