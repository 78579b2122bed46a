import { Hono } from 'hono';
import { z } from 'zod';
import { badRequest } from '../../errors.ts';
import { csvRow } from '../../export/csv.ts';
import { writeXlsx } from '../../export/xlsx.ts';
import {
  describeMetric,
  listMetricRows,
  listMetrics,
  metricEntities,
  metricRefusal,
  queryMetrics,
  type MetricDef,
} from '../../metrics/index.ts';
import { METRIC_SCALES, METRIC_TRANSLATIONS } from '../../metrics/catalog/translations.ts';
import { dataScope, recordAudit, type DataScope } from '../../auth/index.ts';
import { loadCustomMetrics, toMetricDef } from '../../metrics/custom/definition.ts';
import { deleteCustomMetric, saveCustomMetric } from '../../metrics/custom/store.ts';
import type { MetricList, MetricRowsResult, MetricResult, PresentedMetric } from '../../contract/api.ts';
import { parseBody } from './auth.ts';
import { requireAccess, type AppDeps, type AppEnv } from '../app.ts';

/**
 * GET /api/v1/metrics (the catalog and the organization's custom KPIs), custom KPI definitions,
 * and POST /api/v1/query (the same JSON as cxkpi query).
 */
export function metricsRoutes(deps: AppDeps) {
  return (
    new Hono<AppEnv>()
      .get('/api/v1/metrics', requireAccess(deps, 'query'), async (c) => {
        const customs = await loadCustomMetrics(deps.db, c.get('org'));
        const scope = dataScope(c.get('access'));
        return c.json({
          metrics: [...listMetrics(), ...customs.map(toMetricDef)].map((metric) => presentMetric(metric, scope)),
        } satisfies MetricList);
      })
      // Custom KPIs: body {id, name, names?: {ru, lt}, formula, unit, direction, description, min_sample}.
      .post('/api/v1/metrics', requireAccess(deps, 'define_metrics'), async (c) => {
        const saved = await saveCustomMetric(
          deps.db,
          c.get('org'),
          await parseBody(c, z.record(z.string(), z.unknown())),
          'create',
        );
        await recordAudit(deps.db.kysely, c.get('access'), 'metric.defined', saved.id, { formula: saved.formula });
        return c.json(saved, 201);
      })
      .put('/api/v1/metrics/:id', requireAccess(deps, 'define_metrics'), async (c) => {
        const body = await parseBody(c, z.record(z.string(), z.unknown()));
        const saved = await saveCustomMetric(
          deps.db,
          c.get('org'),
          { ...body, id: String(c.req.param('id')) },
          'replace',
        );
        await recordAudit(deps.db.kysely, c.get('access'), 'metric.replaced', saved.id, { formula: saved.formula });
        return c.json(saved);
      })
      .delete('/api/v1/metrics/:id', requireAccess(deps, 'define_metrics'), async (c) => {
        await deleteCustomMetric(deps.db, c.get('org'), String(c.req.param('id')));
        await recordAudit(deps.db.kysely, c.get('access'), 'metric.deleted', String(c.req.param('id')));
        return c.body(null, 204);
      })
      .post('/api/v1/query', requireAccess(deps, 'query'), async (c) => {
        let body: unknown;
        try {
          body = await c.req.json();
        } catch {
          throw badRequest(
            'invalid-json',
            'The body must be a JSON object: {"metrics": [...], "from": ..., "to": ...}.',
          );
        }
        const result = await queryMetrics(deps.db, c.get('org'), body as never, { scope: dataScope(c.get('access')) });
        return c.json(result satisfies MetricResult);
      })
      // The rows behind a value: body {metric, from, to, where, tz, options, business_hours, limit};
      // ?format=csv for CSV, xlsx for a workbook.
      .post('/api/v1/query/rows', requireAccess(deps, 'rows'), async (c) => {
        let body: unknown;
        try {
          body = await c.req.json();
        } catch {
          throw badRequest('invalid-json', 'The body must be a JSON object: {"metric": ..., "from": ..., "to": ...}.');
        }
        const result = await listMetricRows(deps.db, c.get('org'), body as never, {
          scope: dataScope(c.get('access')),
        });
        const format = c.req.query('format') ?? 'json';
        if (format === 'csv') {
          let text = '\ufeff' + csvRow(result.columns);
          for (const row of result.rows) text += csvRow(result.columns.map((column) => row[column]));
          return c.body(text, 200, {
            'content-type': 'text/csv; charset=utf-8',
            'content-disposition': `attachment; filename="${result.metric}-rows.csv"`,
          });
        }
        if (format === 'xlsx') {
          const file = await writeXlsx([{ name: result.metric, columns: result.columns, rows: result.rows }]);
          return c.body(new Uint8Array(file), 200, {
            'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
            'content-disposition': `attachment; filename="${result.metric}-rows.xlsx"`,
          });
        }
        return c.json(result satisfies MetricRowsResult);
      })
  );
}

/** A metric for GET /api/v1/metrics (the HTTP contract, which the dashboard imports). */
export type { PresentedMetric };

function presentMetric(metric: MetricDef, scope: DataScope | undefined): PresentedMetric {
  const info = describeMetric(metric);
  const texts = metric.custom ? undefined : METRIC_TRANSLATIONS[metric.id];
  const refusal = metricRefusal(metric, scope);
  return {
    ...info,
    descriptions: {
      en: info.description,
      ru: texts?.ru.description ?? info.description,
      lt: texts?.lt.description ?? info.description,
    },
    options: info.options.map((option) => ({
      ...option,
      descriptions: {
        en: option.description,
        ru: texts?.ru.options?.[option.id] ?? option.description,
        lt: texts?.lt.options?.[option.id] ?? option.description,
      },
    })),
    // What this caller may group by: viewers see no single agents (query-metrics refuses by agent).
    dimensions: scope?.aggregatesOnly ? info.dimensions.filter((d) => d !== 'agent') : info.dimensions,
    scale: metric.custom ? null : (METRIC_SCALES[metric.id] ?? null),
    sources: [...metricEntities(metric)],
    queryable: !refusal,
    reason: refusal && { code: refusal.code, message: refusal.message },
  };
}
