import { Hono } from 'hono';
import { stream } from 'hono/streaming';
import { ENTITY_NAMES, getEntity } from '../../ingest/index.ts';
import { listRows, rowColumns, ZRowsQuery } from '../../ingest/list-rows.ts';
import { csvRow } from '../../export/csv.ts';
import { AppError, badRequest, notFound } from '../../errors.ts';
import { dataScope } from '../../auth/index.ts';
import { dimensionFilter, scopeFilters, TEAM_ENTITIES } from '../../metrics/dimensions.ts';
import { requireAccess, type AppDeps, type AppEnv } from '../app.ts';

/**
 * GET /api/v1/{entity}: the stored rows, newest first, filtered by field values
 * (`channel=email,chat`), custom attributes (`attributes.region=north`), the dimensions of a
 * metric query for tickets, survey responses, orders and costs (`team=t1`,
 * `customer.segment=smb`, `ticket.channel=chat`), and a time range
 * (`from`, `to`, half-open, on the entity's time field), paged with `cursor`; JSON or CSV
 * (`format=csv` or `Accept: text/csv`).
 */
export function rowsRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().get('/api/v1/:entity', requireAccess(deps, 'rows'), async (c) => {
    const entity = getEntity(c.req.param('entity')!);
    if (!entity)
      throw notFound(
        'unknown-entity',
        `There is no entity "${c.req.param('entity')!}"; use one of ${ENTITY_NAMES.join(', ')}.`,
      );
    const params: Record<string, string> = {};
    const filters: Record<string, string> = {};
    for (const [name, value] of Object.entries(c.req.query())) {
      if (ZRowsQuery.keyof().safeParse(name).success) params[name] = value;
      else filters[name] = value;
    }
    const parsed = ZRowsQuery.safeParse(params);
    if (!parsed.success) {
      throw badRequest('invalid-query', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    }
    const query = parsed.data;
    const csv = query.format === 'csv' || (!query.format && (c.req.header('accept') ?? '').includes('text/csv'));
    const metricEntity = (['tickets', 'survey_responses', 'orders', 'costs'] as const).find((e) => e === entity.name);
    const scope = dataScope(c.get('access'));
    if (scope && !(metricEntity && TEAM_ENTITIES.has(metricEntity))) {
      throw new AppError(403, 'forbidden', `${entity.name} are not team data; ask a manager.`);
    }
    const page = await listRows(deps.db, c.get('org'), entity, {
      ...query,
      filters,
      resolveFilter: metricEntity && ((name, values) => dimensionFilter(metricEntity, name, values)),
      restrict: metricEntity && scopeFilters(metricEntity, scope, true),
    });
    if (!csv) return c.json(page);
    const columns = rowColumns(entity);
    c.header('content-type', 'text/csv; charset=utf-8');
    c.header('content-disposition', `attachment; filename="${entity.name}.csv"`);
    if (page.next_cursor) c.header('x-next-cursor', page.next_cursor);
    return stream(c, async (out) => {
      await out.write(`\ufeff${csvRow(columns)}`);
      for (const row of page.rows) await out.write(csvRow(columns.map((column) => row[column])));
    });
  });
}
