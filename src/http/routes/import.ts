import { Hono } from 'hono';
import { AppError, badRequest } from '../../errors.ts';
import {
  formatFromContentType,
  IMPORT_FORMATS,
  importRecords,
  textDecoder,
  type ImportFormat,
} from '../../ingest/index.ts';
import { parseDateFormat } from '../../ingest/fields.ts';
import { presetOptions, requirePreset } from '../../ingest/presets.ts';
import { previewFile } from '../../ingest/preview.ts';
import { errorBody, requireAccess, type AppDeps, type AppEnv } from '../app.ts';

/**
 * POST /api/v1/import/{entity}: the body is the file (CSV, JSON Lines, a JSON array or an XLSX
 * workbook), streamed into the same importer as `cxkpi import`. Query: format, map=Column=field
 * (repeatable), set=field=value (repeatable), preset, sheet, date_format, decimal_comma,
 * skip_invalid, dry_run, encoding (else the charset of the content type, else detected).
 *
 * POST /api/v1/import/{entity}/preview: the body is the file or its start; answers the format and
 * encoding the import would use, the columns, the first records, the suggested preset and the
 * mapping (preview.ts). Stores nothing.
 */
export function importRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .post('/api/v1/import/:entity/preview', requireAccess(deps, 'import'), async (c) => {
      const { format, encoding, one } = readQuery(c.req.queries(), c.req.header('content-type'));
      const body = c.req.raw.body;
      if (!body) throw badRequest('empty-body', 'Send the file (or its start) in the request body.');
      const entity = c.req.param('entity')!;
      if (one('preset')) requirePreset(one('preset')!, entity);
      return c.json(
        await previewFile(limitBytes(body, deps.config.maxImportBytes), {
          entity,
          ...(one('preset') !== undefined ? { preset: one('preset')! } : {}),
          ...(format ? { format } : {}),
          ...(encoding ? { encoding } : {}),
          ...(one('sheet') !== undefined ? { sheet: one('sheet')! } : {}),
        }),
      );
    })
    .post('/api/v1/import/:entity', requireAccess(deps, 'import'), async (c) => {
      const query = c.req.queries();
      const { format, encoding, one } = readQuery(query, c.req.header('content-type'));
      const entity = c.req.param('entity')!;
      const preset = one('preset') ? requirePreset(one('preset')!, entity) : undefined;
      const dateOrder = one('date_format') ? parseDateFormat(one('date_format')!) : undefined;
      if (one('date_format') && !dateOrder)
        throw badRequest('invalid-arguments', `date_format ${one('date_format')}: use DD/MM/YYYY or MM/DD/YYYY.`);
      const body = c.req.raw.body;
      if (!body) throw badRequest('empty-body', 'Send the records in the request body.');
      const declared = Number(c.req.header('content-length') ?? 0);
      if (declared > deps.config.maxImportBytes) throw tooLarge(deps.config.maxImportBytes);

      const summary = await importRecords(
        deps.db,
        c.get('org'),
        entity,
        { bytes: limitBytes(body, deps.config.maxImportBytes) },
        {
          ...presetOptions(preset, {
            map: pairs(query.map ?? [], 'map'),
            set: pairs(query.set ?? [], 'set'),
            ...(dateOrder ? { dateOrder } : {}),
            ...(flag(one('decimal_comma')) ? { decimalComma: true } : {}),
          }),
          ...(format ? { format } : {}),
          ...(encoding ? { encoding } : {}),
          ...(one('sheet') !== undefined ? { sheet: one('sheet')! } : {}),
          maxRecordBytes: deps.config.maxRecordBytes,
          skipInvalid: flag(one('skip_invalid')),
          dryRun: flag(one('dry_run')),
          source: 'http',
          apiKeyId: c.get('access').kind === 'api_key' ? c.get('access').actorId! : undefined,
        },
      );
      if (!summary.dry_run) deps.telemetry?.recordImport(summary.entity, summary);
      if (summary.status === 'rejected') {
        return c.json({ ...errorBody(c, 'records-rejected', summary.message, summary.errors), summary }, 400);
      }
      return c.json(summary);
    });
}

function readQuery(query: Record<string, string[]>, contentType: string | undefined) {
  const one = (name: string) => query[name]?.at(-1);
  const format = (one('format') ?? formatFromContentType(contentType)) as ImportFormat | undefined;
  if (format && !IMPORT_FORMATS.includes(format))
    throw badRequest('invalid-arguments', `format must be one of ${IMPORT_FORMATS.join(', ')}.`);
  const encoding = one('encoding') ?? /charset="?([\w.:-]+)/i.exec(contentType ?? '')?.[1];
  if (encoding) textDecoder(encoding);
  return { format, encoding, one };
}

function flag(value: string | undefined): boolean {
  return value === 'true' || value === '1' || value === '';
}

function pairs(items: string[], name: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const item of items) {
    const at = item.lastIndexOf('=');
    if (at <= 0) throw badRequest('invalid-arguments', `${name}=${item}: expected NAME=VALUE.`);
    result[item.slice(0, at)] = item.slice(at + 1);
  }
  return result;
}

const tooLarge = (max: number) =>
  new AppError(
    413,
    'body-too-large',
    `The body is larger than ${max} bytes (CXKPI_MAX_IMPORT_BYTES); split the file or use cxkpi import.`,
  );

async function* limitBytes(body: ReadableStream<Uint8Array>, max: number): AsyncGenerator<Buffer> {
  let total = 0;
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    total += chunk.byteLength;
    if (total > max) throw tooLarge(max);
    yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }
}
