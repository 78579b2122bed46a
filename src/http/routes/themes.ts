import { Hono } from 'hono';
import { z } from 'zod';
import { dataScope, recordAudit } from '../../auth/index.ts';
import { isDate } from '../../calendar/periods.ts';
import { badRequest } from '../../errors.ts';
import { listThemes, saveThemes } from '../../feedback/themes/index.ts';
import { summarizeThemes } from '../../feedback/themes/summarize-themes.ts';
import { requireAccess, type AppDeps, type AppEnv } from '../app.ts';
import { parseBody } from './auth.ts';

/**
 * Feedback themes, the twins of `cxkpi themes`: GET /api/v1/themes (the list in force), PUT
 * /api/v1/themes {themes: [...]} (owners and admins; an empty list restores the ten defaults),
 * GET /api/v1/themes/summary?from&to (mentions, share negative, trend, attribute rating).
 */
export function themeRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .get('/api/v1/themes', requireAccess(deps, 'query'), async (c) =>
      c.json(await listThemes(deps.db, c.get('org').id)),
    )
    .put('/api/v1/themes', requireAccess(deps, 'settings'), async (c) => {
      const body = await parseBody(c, z.object({ themes: z.array(z.unknown()) }).strict());
      const themes = await saveThemes(deps.db, c.get('org').id, body.themes);
      await recordAudit(deps.db.kysely, c.get('access'), 'themes.saved', c.get('org').id, { themes: themes.length });
      return c.json({ themes, custom: body.themes.length > 0 });
    })
    .get('/api/v1/themes/summary', requireAccess(deps, 'query'), async (c) => {
      const { from, to } = c.req.query();
      if (!from || !to || !isDate(from) || !isDate(to))
        throw badRequest('invalid-query', 'from and to are dates such as 2026-01-01 (the range is [from, to)).');
      return c.json(await summarizeThemes(deps.db, c.get('org'), { from, to }, { scope: dataScope(c.get('access')) }));
    });
}
