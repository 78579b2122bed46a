import { sql } from 'kysely';
import { z } from 'zod';
import type { DataScope } from '../auth/index.ts';
import { isDate } from '../calendar/periods.ts';
import { localToUtcMs } from '../calendar/zoned-time.ts';
import type { DriversResult } from '../contract/api.ts';
import type { Db } from '../db/connect.ts';
import { AppError, badRequest } from '../errors.ts';
import { scopeFilters } from '../metrics/dimensions.ts';
import type { Organization } from '../orgs/index.ts';
import { bootstrapRelativeWeights } from '../stats/index.ts';

/**
 * Key drivers: which service attributes (the answers' `ratings`) and, optionally, which feedback
 * themes (mentioned or not) move CSAT or NPS, by Johnson's relative weights (src/stats) over the
 * answers of a range that rated every attribute used, with 95 % bootstrap intervals and the
 * sample size. Attributes rated in fewer than half of the answers, and themes mentioned fewer
 * than 10 times, are left out; below MIN_N complete answers the analysis is refused.
 */
export const MIN_N = 50;
const MIN_THEME_MENTIONS = 10;
const RESAMPLES = 200;

export const ZDriversQuery = z
  .object({
    outcome: z.enum(['csat', 'nps']).default('csat'),
    from: z.string().refine(isDate, 'must be a date such as 2026-01-01'),
    to: z.string().refine(isDate, 'must be a date such as 2026-01-01'),
    themes: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true'),
  })
  .strict()
  .refine((q) => q.from < q.to, { message: 'from must be before to (the range is [from, to))', path: ['to'] });
export type DriversQuery = z.input<typeof ZDriversQuery>;

// The answer's shapes are the HTTP contract's (src/contract/api.ts), which the dashboard imports too.
export type { Driver, DriversResult } from '../contract/api.ts';

function instant(date: string, tz: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(localToUtcMs(tz, y, m, d)).toISOString();
}

export async function computeKeyDrivers(
  db: Db,
  org: Organization,
  input: DriversQuery,
  context: { scope?: DataScope } = {},
): Promise<DriversResult> {
  const parsed = ZDriversQuery.safeParse(input);
  if (!parsed.success)
    throw badRequest(
      'invalid-query',
      parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '),
    );
  const query = parsed.data;
  const filters = scopeFilters('survey_responses', context.scope, true);
  const rows = await sql<{ score: number; ratings: Record<string, number>; themes: Record<string, string> | null }>`
    select e.score, e.ratings, e.themes from survey_response e
    where e.org_id = ${org.id}::uuid and e.kind = ${query.outcome}
      and e.submitted_at >= ${instant(query.from, org.timezone)}::timestamptz
      and e.submitted_at < ${instant(query.to, org.timezone)}::timestamptz
      ${filters.length ? sql`and ${sql.join(filters, sql` and `)}` : sql``}
    order by e.submitted_at, e.id`.execute(db.kysely);
  const all = rows.rows;
  const excluded: DriversResult['excluded'] = [];
  const rated = new Map<string, number>();
  for (const r of all) for (const key of Object.keys(r.ratings ?? {})) rated.set(key, (rated.get(key) ?? 0) + 1);
  const attributes = [...rated.keys()].sort().filter((key) => {
    const keep = rated.get(key)! * 2 >= all.length;
    if (!keep)
      excluded.push({ predictor: key, reason: `rated in ${rated.get(key)} of ${all.length} answers (under half)` });
    return keep;
  });
  const complete = all.filter((r) => attributes.every((a) => typeof r.ratings?.[a] === 'number'));
  let themes: string[] = [];
  if (query.themes) {
    const mentions = new Map<string, number>();
    for (const r of complete)
      for (const key of Object.keys(r.themes ?? {})) mentions.set(key, (mentions.get(key) ?? 0) + 1);
    themes = [...mentions.keys()].sort().filter((key) => {
      const keep = mentions.get(key)! >= MIN_THEME_MENTIONS && mentions.get(key)! < complete.length;
      if (!keep)
        excluded.push({
          predictor: `theme:${key}`,
          reason: `mentioned in ${mentions.get(key)} of ${complete.length} answers`,
        });
      return keep;
    });
  }
  const predictors = [
    ...attributes.map((a) => ({ id: a, kind: 'attribute' as const })),
    ...themes.map((t) => ({ id: `theme:${t}`, kind: 'theme' as const })),
  ];
  if (!predictors.length || complete.length < MIN_N)
    throw new AppError(
      422,
      'not-enough-data',
      `Key drivers need at least ${MIN_N} ${query.outcome} answers that rate the same attributes; ` +
        `this range has ${complete.length}${predictors.length ? '' : ' and no attribute rated in half of them'}.`,
      { n: complete.length, min_n: MIN_N },
    );
  const x = complete.map((r) => [
    ...attributes.map((a) => r.ratings[a]!),
    ...themes.map((t) => (r.themes && t in r.themes ? 1 : 0)),
  ]);
  const y = complete.map((r) => r.score);
  const result = bootstrapRelativeWeights(x, y, RESAMPLES, 1);
  const drivers = predictors
    .map((p, j) => ({
      predictor: p.id,
      kind: p.kind,
      weight: result.weights[j]!,
      share: result.r2 > 0 ? result.weights[j]! / result.r2 : 0,
      low: result.low[j]!,
      high: result.high[j]!,
      correlation: result.correlations[j]!,
    }))
    .sort((a, b) => b.weight - a.weight);
  return {
    outcome: query.outcome,
    from: query.from,
    to: query.to,
    n: complete.length,
    r2: result.r2,
    drivers,
    resamples: RESAMPLES,
    min_n: MIN_N,
    excluded,
  };
}
