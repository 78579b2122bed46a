import { Hono } from 'hono';
import { dataScope } from '../../auth/index.ts';
import { getDirectory } from '../../directory/index.ts';
import { requireAccess, type AppDeps, type AppEnv } from '../app.ts';

/** GET /api/v1/directory: the teams and agents the caller may see, and the span of the data. */
export function directoryRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().get('/api/v1/directory', requireAccess(deps, 'query'), async (c) =>
    c.json(await getDirectory(deps.db.kysely, c.get('org').id, dataScope(c.get('access')))),
  );
}
