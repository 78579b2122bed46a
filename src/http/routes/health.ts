import { Hono } from 'hono';
import { sql } from 'kysely';
import type { AppDeps, AppEnv } from '../app.ts';

export function healthRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().get('/api/v1/health', async (c) => {
    const started = performance.now();
    try {
      await sql`select 1`.execute(deps.db.kysely);
      return c.json({
        status: 'ok',
        database: { backend: deps.db.caps.name, status: 'ok', ms: Math.round(performance.now() - started) },
      });
    } catch (error) {
      return c.json(
        {
          status: 'unavailable',
          database: { backend: deps.db.caps.name, status: 'error', message: (error as Error).message },
        },
        503,
      );
    }
  });
}
