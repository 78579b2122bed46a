import { sql } from 'kysely';
import type { Formula } from '../catalog/types.ts';
import { evaluateFormula } from '../custom/compile.ts';
import { estimate } from '../statistics.ts';
import { compareAs, meanEstimate, num, NONE, proportionEstimate, type Components } from './estimators.ts';
import type { FormulaKind } from './types.ts';

type F = Extract<Formula, { kind: 'custom' }>;

/** A formula that is a single share or average keeps its components: an interval and a test. */
const single = (f: F) => {
  const tree = f.compiled.tree;
  if (tree.type !== 'aggregate') return null;
  return tree.fn === 'share' ? ('proportion' as const) : tree.fn === 'avg' ? ('mean' as const) : null;
};

/**
 * An organization's own KPI (src/metrics/custom) per period and group: one query per entity
 * computes the components of all its aggregates (filtered counts and sums), catalog metrics it
 * uses come from their own queries, and the formula combines them. n is the smallest n of the
 * parts.
 */
export const custom: FormulaKind<F> = {
  describe: (f) => f.text,
  parts: (f) => f.compiled.metrics,
  entities: (f) => f.compiled.entities,
  components: async (ctx) => {
    const { compiled } = ctx.item.formula;
    const maps: Array<{ aliases: string[]; map: Map<string, Components> }> = [];
    for (const entity of compiled.entities) {
      const aggregates = compiled.aggregates.filter((a) => a.entity === entity);
      // A formula on agents is per-agent: an agent's scope keeps it to their own rows.
      const dims = ctx.dimensions(
        entity,
        compiled.names.onAgent,
        aggregates.flatMap((a) => [...a.joins]),
      );
      const rows = await sql<Record<string, unknown>>`
        select ${dims.period} as period, ${dims.groups} ${sql.join(aggregates.flatMap((a) => a.select))}
        from ${sql.raw(dims.table)} e ${dims.joins}
        where e.org_id = ${ctx.org.id}::uuid
          and ${dims.time} >= ${ctx.instant(ctx.from)}::timestamptz and ${dims.time} < ${ctx.instant(ctx.to)}::timestamptz
          ${dims.filters}
        group by ${sql.join(dims.groupBy)}`.execute(ctx.db.kysely);
      maps.push({ aliases: aggregates.map((a) => a.alias), map: ctx.keyed(rows.rows) });
    }
    const metricMaps = new Map<string, Awaited<ReturnType<typeof ctx.part>>>();
    for (const id of compiled.metrics) metricMaps.set(id, await ctx.part(id, { own: true }));
    const keys = new Set([
      ...maps.flatMap((m) => [...m.map.keys()]),
      ...[...metricMaps.values()].flatMap((m) => [...m.map.keys()]),
    ]);
    const one = compiled.tree.type === 'aggregate' ? compiled.aggregates[0]! : undefined;
    const result = new Map<string, Components>();
    for (const key of keys) {
      let group: Record<string, string | null> = {};
      const ns: number[] = [];
      const aggregate = (alias: string) => {
        const entry = maps.find((m) => m.aliases.includes(alias))!.map.get(key);
        if (!entry) return (ns.push(0), undefined);
        group = entry.group;
        const components = Object.fromEntries(
          ['n', 'k', 's', 'ss'].map((suffix) => [suffix, entry[`${alias}_${suffix}`] ?? null]),
        );
        ns.push(num(components.n));
        return components;
      };
      const metric = (id: string) => {
        const part = metricMaps.get(id)!;
        const components = part.map.get(key);
        if (components) group = components.group;
        const value = estimate(part.item.formula, part.item.aggregate, components);
        ns.push(value.n);
        return value.value;
      };
      const value = evaluateFormula(compiled, { aggregate, metric });
      const components = one ? aggregate(one.alias) : undefined;
      result.set(key, { ...components, value, n: Math.min(...ns), group });
    }
    return result;
  },
  estimate: (f, _a, c) => {
    const as = single(f);
    if (as && c) return as === 'proportion' ? proportionEstimate(c) : meanEstimate(c);
    return c ? { value: c.value as number | null, n: num(c.n), low: null, high: null } : { ...NONE };
  },
  test: (f) => single(f),
  compare: (f, _a, a, b) => compareAs(single(f), a, b),
  rollup: { form: 'raw' },
};
