import { sql } from 'kysely';
import type { Formula } from '../catalog/types.ts';
import { countEstimate } from './count.ts';
import type { FormulaKind } from './types.ts';

type F = Extract<Formula, { kind: 'open_at_end' }>;

/**
 * Rows open at each period's end (the backlog), in one pass: with the period ends E1 < ... < En,
 * a row is open at Ei when it started before Ei and did not end before Ei (import guarantees end
 * >= start). width_bucket places each start and each end among the Ei; the +1s and -1s per
 * bucket, summed in order, give the open count at every end (instead of joining every end to
 * every older row). The starts alone, summed the same way, give the population: rows started
 * before Ei (n), so a period after which everything is closed has 0 open, not no value. A row
 * closed before E1 only adds to the population (one value row instead of a +1 and a -1).
 */
export const openAtEnd: FormulaKind<F> = {
  describe: () => 'count of rows open at the end of the period',
  components: async (ctx) => {
    const { item, query, time } = ctx;
    const until = item.formula.until;
    const ends = ctx.bounds.map((p) => ctx.instant(p.end));
    const endsSql = sql`${`{${ends.join(',')}}`}::timestamptz[]`;
    const groupRefs = query.by.map((_, i) => sql.ref(`g${i}`));
    const result = await sql<Record<string, unknown>>`
      select d.bucket, ${ctx.groups} sum(d.delta)::int as delta, sum(d.started)::int as started
      from ${sql.raw(ctx.table)} e ${ctx.joins}
      cross join lateral (values
        (width_bucket(${time}, ${endsSql}) + 1, case when ${sql.raw(until)} < ${ends[0]!}::timestamptz then 0 else 1 end, 1),
        (case when ${sql.raw(until)} >= ${ends[0]!}::timestamptz and ${sql.raw(until)} < ${ends.at(-1)!}::timestamptz
          then width_bucket(${sql.raw(until)}, ${endsSql}) + 1 end, -1, 0))
        d(bucket, delta, started)
      where e.org_id = ${ctx.org.id}::uuid and ${time} < ${ends.at(-1)!}::timestamptz
        and d.bucket is not null and (${sql.raw(item.where)}) ${ctx.filters}
      group by ${sql.join([sql`1`, ...groupRefs])}`.execute(ctx.db.kysely);
    // Running sums per group over the buckets 1..n: the open count and the population at each end.
    const groups = new Map<string, { row: Record<string, unknown>; deltas: number[]; starts: number[] }>();
    for (const row of result.rows) {
      const key = JSON.stringify(query.by.map((_, i) => row[`g${i}`] as string | null));
      const size = ends.length + 1;
      const entry = groups.get(key) ?? {
        row,
        deltas: new Array<number>(size).fill(0),
        starts: new Array<number>(size).fill(0),
      };
      const bucket = Number(row.bucket) - 1;
      entry.deltas[bucket] = entry.deltas[bucket]! + Number(row.delta);
      entry.starts[bucket] = entry.starts[bucket]! + Number(row.started);
      if (row.g0_name !== undefined) entry.row = { ...entry.row, ...row };
      groups.set(key, entry);
    }
    const rows: Array<Record<string, unknown>> = [];
    for (const { row, deltas, starts } of groups.values()) {
      let open = 0;
      let started = 0;
      for (const [i, bound] of ctx.bounds.entries()) {
        open += deltas[i]!;
        started += starts[i]!;
        if (started > 0) rows.push({ ...row, period: bound.period, n: started, k: open });
      }
    }
    return ctx.keyed(rows);
  },
  estimate: (_f, _a, c) => countEstimate(c),
  test: () => null,
  rollup: { form: 'backlog' },
};
