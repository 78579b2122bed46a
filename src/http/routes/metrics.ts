import { Hono } from 'hono';
import { badRequest } from '../../errors.ts';
import { describeMetric, listMetrics, queryMetrics } from '../../metrics/index.ts';
import { requireKey, type AppDeps, type AppEnv } from '../app.ts';

/** GET /api/v1/metrics (the catalog) and POST /api/v1/query (the same JSON as cxkpi query). */
export function metricsRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .get('/api/v1/metrics', requireKey(deps, ['full', 'read']), (c) =>
      c.json({ metrics: listMetrics().map(describeMetric) }),
    )
    .post('/api/v1/query', requireKey(deps, ['full', 'read']), async (c) => {
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        throw badRequest('invalid-json', 'The body must be a JSON object: {"metrics": [...], "from": ..., "to": ...}.');
      }
      return c.json(await queryMetrics(deps.db, c.get('org'), body as never));
    });
}
