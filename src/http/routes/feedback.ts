import { Hono } from 'hono';
import { dataScope } from '../../auth/index.ts';
import { listFeedback } from '../../feedback/index.ts';
import { requireAccess, type AppDeps, type AppEnv } from '../app.ts';

/**
 * GET /api/v1/feedback: survey comments and reviews, newest first, with filters (from, to, source,
 * kind, team, agent, language, sentiment), a text search (q) and keyset paging (cursor).
 */
export function feedbackRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().get('/api/v1/feedback', requireAccess(deps, 'rows'), async (c) =>
    c.json(await listFeedback(deps.db, c.get('org'), c.req.query(), { scope: dataScope(c.get('access')) })),
  );
}
