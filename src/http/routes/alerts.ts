import { Hono } from 'hono';
import { z } from 'zod';
import {
  acknowledgeAlertEvent,
  createAlert,
  deleteAlert,
  evaluateAlerts,
  listAlertEvents,
  listAlerts,
} from '../../alerts/index.ts';
import { recordAudit } from '../../auth/index.ts';
import type { AlertHistory, AlertList } from '../../contract/api.ts';
import { badRequest } from '../../errors.ts';
import { requireAccess, type AppDeps, type AppEnv } from '../app.ts';
import { parseBody } from './auth.ts';

/**
 * Alerts: read by anyone who may query; created and deleted by those who may set targets (the
 * module decides, by role and scope); evaluated on demand by administrators (the job runner
 * evaluates every five minutes anyway).
 */
export function alertRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .get('/api/v1/alerts', requireAccess(deps, 'query'), async (c) =>
      c.json({ alerts: await listAlerts(deps.db, c.get('org').id) } satisfies AlertList<Date>),
    )
    .post('/api/v1/alerts', requireAccess(deps, 'query'), async (c) => {
      const body = await parseBody(c, z.record(z.string(), z.unknown()));
      const { alert, secret } = await createAlert(deps.db, c.get('org'), c.get('access'), body as never);
      await recordAudit(deps.db.kysely, c.get('access'), 'alert.created', alert.id, {
        name: alert.name,
        metric: alert.metric,
      });
      return c.json({ ...alert, secret }, 201);
    })
    .delete('/api/v1/alerts/:id', requireAccess(deps, 'query'), async (c) => {
      const id = String(c.req.param('id'));
      await deleteAlert(deps.db, c.get('org').id, c.get('access'), id);
      await recordAudit(deps.db.kysely, c.get('access'), 'alert.deleted', id);
      return c.body(null, 204);
    })
    .post('/api/v1/alerts/evaluate', requireAccess(deps, 'settings'), async (c) => {
      const body = await parseBody(c, z.object({ at: z.iso.datetime({ offset: true }).optional() }).strict());
      const { fired } = await evaluateAlerts(deps.db, {
        orgId: c.get('org').id,
        at: body.at ? new Date(body.at) : new Date(),
      });
      return c.json({ fired: fired.map(({ event: _event, ...rest }) => rest) });
    })
    .get('/api/v1/alerts/history', requireAccess(deps, 'query'), async (c) => {
      const limit = Number(c.req.query('limit') ?? 100);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw badRequest('invalid-query', 'limit is 1-1000.');
      return c.json({ events: await listAlertEvents(deps.db, c.get('org').id, limit) } satisfies AlertHistory<Date>);
    })
    .post('/api/v1/alerts/history/:id/acknowledge', requireAccess(deps, 'query'), async (c) => {
      await acknowledgeAlertEvent(deps.db, c.get('org').id, c.get('access'), String(c.req.param('id')));
      return c.body(null, 204);
    });
}
