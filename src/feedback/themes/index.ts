import { z } from 'zod';
import type { Db } from '../../db/connect.ts';
import { badRequest } from '../../errors.ts';
import { enqueueJobs } from '../../jobs/index.ts';
import { SENTIMENT_MODEL } from '../sentiment/index.ts';
import { DEFAULT_THEMES, type ThemeDef } from './defaults.ts';
import { compileThemes, type CompiledThemes } from './tag-themes.ts';

export { DEFAULT_THEMES, type ThemeDef } from './defaults.ts';
export { compileThemes, tagThemes, type CompiledThemes, type ThemeTone } from './tag-themes.ts';

/**
 * An organization's feedback themes: the ten defaults until it saves its own list, which then
 * replaces them as a whole (names and keywords in en, ru, lt). Saving queues the
 * feedback.sentiment job, which tags every comment and review again with the new list.
 */
const texts = (max: number) =>
  z.object({ en: z.string().trim().max(max), ru: z.string().trim().max(max), lt: z.string().trim().max(max) }).strict();

export const ZThemes = z
  .array(
    z
      .object({
        id: z.string().regex(/^[a-z0-9_]{1,64}$/, 'is lower-case letters, digits and _ (at most 64)'),
        names: texts(200).refine((n) => n.en && n.ru && n.lt, 'needs a name in en, ru and lt'),
        keywords: texts(5000).refine((k) => k.en || k.ru || k.lt, 'needs keywords in at least one language'),
      })
      .strict(),
  )
  .max(50, 'at most 50 themes')
  .refine((list) => new Set(list.map((t) => t.id)).size === list.length, 'theme ids repeat');

export async function listThemes(db: Db, orgId: string): Promise<{ themes: ThemeDef[]; custom: boolean }> {
  const rows = await db.kysely
    .selectFrom('feedback_theme')
    .select(['id', 'names', 'keywords'])
    .where('org_id', '=', orgId)
    .orderBy('position')
    .execute();
  if (!rows.length) return { themes: DEFAULT_THEMES, custom: false };
  return { themes: rows.map((r) => ({ id: r.id, names: r.names, keywords: r.keywords })), custom: true };
}

export async function loadCompiledThemes(db: Db, orgId: string): Promise<CompiledThemes> {
  return compileThemes((await listThemes(db, orgId)).themes, SENTIMENT_MODEL);
}

/** Replaces the organization's themes (an empty list goes back to the defaults). */
export async function saveThemes(db: Db, orgId: string, input: unknown, now = new Date()): Promise<ThemeDef[]> {
  const parsed = ZThemes.safeParse(input);
  if (!parsed.success)
    throw badRequest(
      'invalid-themes',
      parsed.error.issues.map((i) => `${i.path.join('.') || 'themes'}: ${i.message}`).join('; '),
    );
  // Every keyword list must compile (a stem needs 3 letters).
  for (const theme of parsed.data)
    for (const lang of ['en', 'ru', 'lt'] as const)
      for (const item of theme.keywords[lang].match(/"[^"]+"|\S+/g) ?? [])
        if (item.endsWith('*') && item.replace(/["*]/g, '').length < 3)
          throw badRequest(
            'invalid-themes',
            `${theme.id}.keywords.${lang}: the stem "${item}" is shorter than 3 letters`,
          );
  await db.kysely.transaction().execute(async (trx) => {
    await trx.deleteFrom('feedback_theme').where('org_id', '=', orgId).execute();
    if (parsed.data.length)
      await trx
        .insertInto('feedback_theme')
        .values(
          parsed.data.map((t, position) => ({
            org_id: orgId,
            id: t.id,
            position,
            names: JSON.stringify(t.names),
            keywords: JSON.stringify(t.keywords),
          })),
        )
        .execute();
  });
  await enqueueJobs(db, [{ orgId, kind: 'feedback.sentiment', key: `themes-${now.toISOString()}`, runAt: now }]);
  return (await listThemes(db, orgId)).themes;
}
