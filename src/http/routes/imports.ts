import { Hono } from 'hono';
import { z } from 'zod';
import type { EntityList, ImportList } from '../../contract/api.ts';
import { badRequest } from '../../errors.ts';
import { listEntities } from '../../ingest/index.ts';
import { getImport, listImports } from '../../ingest/list-imports.ts';
import { requireAccess, type AppDeps, type AppEnv } from '../app.ts';

/**
 * What an import screen needs besides POST /api/v1/import/{entity}: the entities and their
 * fields (for the column mapping), past imports, and one import with its rejected records.
 */
export function importsRoutes(deps: AppDeps) {
  const db = deps.db.kysely;
  return new Hono<AppEnv>()
    .get('/api/v1/entities', requireAccess(deps, 'import'), (c) =>
      c.json({
        entities: listEntities().map((e) => ({
          name: e.name,
          description: e.description,
          key: e.key,
          time_field: e.timeField ?? null,
          fields: e.fields.map((f) => ({
            name: f.name,
            kind: f.type.kind,
            required: Boolean(f.required),
            ...('values' in f.type ? { values: f.type.values } : {}),
            ...(f.description ? { description: f.description } : {}),
          })),
        })),
      } satisfies EntityList),
    )
    .get('/api/v1/imports', requireAccess(deps, 'import'), async (c) => {
      const parsed = z
        .object({
          limit: z.coerce.number().int().min(1).max(200).default(50),
          before: z.string().max(80).optional(),
          entity: z.string().max(50).optional(),
        })
        .strict()
        .safeParse(c.req.query());
      if (!parsed.success)
        throw badRequest(
          'invalid-query',
          parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
        );
      // src/ingest/list-imports.ts builds the answer; the contract holds the dashboard to it.
      return c.json((await listImports(db, c.get('org').id, parsed.data)) satisfies ImportList);
    })
    .get('/api/v1/imports/:id', requireAccess(deps, 'import'), async (c) => {
      const id = z.uuid().safeParse(c.req.param('id'));
      if (!id.success) throw badRequest('invalid-id', 'An import id is a UUID.');
      return c.json(await getImport(db, c.get('org').id, id.data));
    });
}
