import { sql } from 'kysely';
import type { Formula } from '../catalog/types.ts';
import { meanEstimate, npsEstimate, proportionEstimate, type Components, type TestKind } from './estimators.ts';
import type { Aggregation, ComponentName, FormulaKind, KindContext } from './types.ts';

/**
 * The raw query most kinds share: one scan of the entity's rows in the range, grouped by period
 * and the query's dimensions, selecting the kind's components.
 */
export async function scanComponents(ctx: KindContext, select: string, lateral = ''): Promise<Map<string, Components>> {
  const { org, item, time } = ctx;
  const result = await sql<Record<string, unknown>>`
    select ${ctx.period} as period, ${ctx.groups} ${sql.raw(select)}
    from ${sql.raw(ctx.table)} e ${ctx.joins} ${sql.raw(lateral)}
    where e.org_id = ${org.id}::uuid
      and ${time} >= ${ctx.instant(ctx.from)}::timestamptz and ${time} < ${ctx.instant(ctx.to)}::timestamptz
      and (${sql.raw(item.where)}) ${ctx.filters}
    group by ${sql.join(ctx.groupBy)}`.execute(ctx.db.kysely);
  return ctx.keyed(result.rows);
}

/**
 * An additive component as SQL: the aggregate, filtered by `where` (rollups) and its own
 * condition. `column` may stand a column in for each row expression (condition or argument), for
 * a scan that evaluates them once per row (rollups/index.ts); by default they stay inline.
 */
export function aggregationSql(
  a: Aggregation,
  where?: string,
  column: (expression: string) => string = (e) => `(${e})`,
): string {
  const conditions = [where, 'when' in a ? a.when : undefined].filter((c): c is string => !!c).map(column);
  const filter = conditions.length ? ` filter (where ${conditions.join(' and ')})` : '';
  if ('count' in a) return `count(${a.count === '*' ? '*' : column(a.count)})${filter}`;
  if ('sum' in a) return `(sum(${column(a.sum)})${filter})::float8`;
  const value = column(a.sumOfSquares);
  return `sum((${value})::float8 * (${value}))${filter}`;
}

const ESTIMATORS = { proportion: proportionEstimate, nps: npsEstimate, mean: meanEstimate };

/**
 * A kind whose components are counts and sums of the rows (count, share, NPS, sum, mean): the
 * raw query selects them, rollups keep them per day, and they add over days and groups.
 */
export function additiveKind<F extends Formula>(spec: {
  describe: string;
  components: (f: F) => Partial<Record<ComponentName, Aggregation>>;
  /** The estimator and test of a share, an NPS or a mean; a count or sum has its own estimate. */
  as?: 'proportion' | 'nps' | 'mean';
  estimate?: FormulaKind<F>['estimate'];
  rows?: FormulaKind<F>['rows'];
}): FormulaKind<F> {
  const test: TestKind | null = spec.as ?? null;
  return {
    describe: () => spec.describe,
    components: (ctx) =>
      scanComponents(
        ctx as unknown as KindContext,
        Object.entries(spec.components(ctx.item.formula))
          .map(([name, a]) => `${aggregationSql(a)} as ${name}`)
          .join(', '),
      ),
    estimate: spec.estimate ?? ((_f, _a, c) => ESTIMATORS[spec.as!](c)),
    test: () => test,
    ...(spec.rows ? { rows: spec.rows } : {}),
    rollup: { form: 'additive', components: spec.components },
  };
}
