import { Hono } from 'hono';
import { AppError, badRequest } from '../../errors.ts';
import {
  formatFromContentType,
  IMPORT_FORMATS,
  importRecords,
  textDecoder,
  type ImportFormat,
} from '../../ingest/index.ts';
import { getPreset } from '../../ingest/presets.ts';
import { errorBody, requireAccess, type AppDeps, type AppEnv } from '../app.ts';

/**
 * POST /api/v1/import/{entity}: the body is the file (CSV, JSON Lines or a JSON array), streamed
 * into the same importer as `cxkpi import`. Query: format, map=Column=field (repeatable),
 * set=field=value (repeatable), preset, skip_invalid, dry_run, encoding (else the charset of the
 * content type, else UTF-8).
 */
export function importRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().post('/api/v1/import/:entity', requireAccess(deps, 'import'), async (c) => {
    const query = c.req.queries();
    const one = (name: string) => query[name]?.at(-1);
    const format = (one('format') ?? formatFromContentType(c.req.header('content-type'))) as ImportFormat | undefined;
    if (format && !IMPORT_FORMATS.includes(format))
      throw badRequest('invalid-arguments', `format must be one of ${IMPORT_FORMATS.join(', ')}.`);
    const preset = one('preset') ? getPreset(one('preset')!) : undefined;
    if (one('preset') && !preset) throw badRequest('invalid-arguments', `There is no preset ${one('preset')}.`);
    const encoding = one('encoding') ?? /charset="?([\w.:-]+)/i.exec(c.req.header('content-type') ?? '')?.[1];
    if (encoding) textDecoder(encoding);
    const body = c.req.raw.body;
    if (!body) throw badRequest('empty-body', 'Send the records in the request body.');
    const declared = Number(c.req.header('content-length') ?? 0);
    if (declared > deps.config.maxImportBytes) throw tooLarge(deps.config.maxImportBytes);

    const summary = await importRecords(
      deps.db,
      c.get('org'),
      c.req.param('entity')!,
      { bytes: limitBytes(body, deps.config.maxImportBytes) },
      {
        map: { ...preset?.map, ...pairs(query.map ?? [], 'map') },
        set: { ...preset?.set, ...pairs(query.set ?? [], 'set') },
        ...(format ? { format } : {}),
        ...(encoding ? { encoding } : {}),
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
