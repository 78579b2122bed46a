import { Hono } from 'hono';
import { z } from 'zod';
import { recordAudit } from '../../auth/index.ts';
import { deleteTarget, listTargets, setTarget } from '../../kpi/index.ts';
import { requireAccess, type AppDeps, type AppEnv } from '../app.ts';
import { parseBody } from './auth.ts';

/**
 * KPI targets: list (anyone who may query), set and delete (owners, admins, managers; team
 * leads for their teams; the module decides). Query rows carry the verdicts.
 */
export function targetRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .get('/api/v1/targets', requireAccess(deps, 'query'), async (c) =>
      c.json({ targets: await listTargets(deps.db.kysely, c.get('org').id) }),
    )
    .post('/api/v1/targets', requireAccess(deps, 'query'), async (c) => {
      const body = await parseBody(c, z.record(z.string(), z.unknown()));
      const target = await setTarget(deps.db, c.get('org'), c.get('access'), body as never);
      await recordAudit(deps.db.kysely, c.get('access'), 'target.set', target.id, { ...target });
      return c.json(target, 201);
    })
    .delete('/api/v1/targets/:id', requireAccess(deps, 'query'), async (c) => {
      const target = await deleteTarget(deps.db, c.get('org').id, c.get('access'), String(c.req.param('id')));
      await recordAudit(deps.db.kysely, c.get('access'), 'target.deleted', target.id, { ...target });
      return c.body(null, 204);
    });
}
