import { Hono } from 'hono';
import { dataScope } from '../../auth/index.ts';
import { computeKeyDrivers } from '../../feedback/drivers.ts';
import { requireAccess, type AppDeps, type AppEnv } from '../app.ts';

/** GET /api/v1/drivers?outcome=csat|nps&from&to&themes=true: key drivers, as `cxkpi drivers`. */
export function driverRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().get('/api/v1/drivers', requireAccess(deps, 'query'), async (c) =>
    c.json(
      await computeKeyDrivers(deps.db, c.get('org'), c.req.query() as never, { scope: dataScope(c.get('access')) }),
    ),
  );
}
