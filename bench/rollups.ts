/**
 * What a full rollup build costs, statement by statement: on a database kept by
 * `bench/metrics.ts --keep` (organization "bench"), each statement that writes day rows, the month
 * rows, and the customer states, timed one after another inside one transaction that is rolled
 * back, so the database keeps its rollups. Prints figures; never fails on time.
 *
 *   node --import tsx bench/rollups.ts --reuse DATABASE [--database-url postgres://...] [--only TEXT]
 *
 * --only times just the statements whose label contains TEXT (such as "fcr_rate" or "month") on
 * a database whose rollups are built: each replaces only the rows it writes, so month rows are
 * summed from the stored days.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { openDatabase } from '../src/db/connect.ts';
import { buildCustomerRollups } from '../src/metrics/rollups/customers.ts';
import { buildMonthRows, dayStatements, ROLLUP_ENTITIES, rollupMetrics } from '../src/metrics/rollups/index.ts';
import { findOrganizationBySlug } from '../src/orgs/index.ts';

const { values } = parseArgs({
  options: {
    reuse: { type: 'string' },
    only: { type: 'string' },
    'database-url': {
      type: 'string',
      default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
  },
});
if (!values.reuse) throw new Error('--reuse DATABASE names a database kept by bench/metrics.ts --keep.');
const url = new URL(values['database-url']!);
url.pathname = `/${values.reuse}`;
const db = await openDatabase({ dataDir: '', databaseUrl: url.toString(), poolSize: 1 });
const org = await findOrganizationBySlug(db.kysely, 'bench');
if (!org) throw new Error(`Database ${values.reuse} has no organization "bench".`);
console.log(
  `Machine: ${os.cpus().length} cores, load ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);

const rows: Array<{ what: string; ms: number; rows: number }> = [];
const only = values.only;
const time = async (what: string, run: () => Promise<number>) => {
  const started = performance.now();
  const written = await run();
  rows.push({ what, ms: performance.now() - started, rows: written });
  console.log(`  ${what.padEnd(60)} ${((performance.now() - started) / 1000).toFixed(1).padStart(7)} s  ${written}`);
};

class RolledBack extends Error {}
try {
  await db.kysely.transaction().execute(async (trx) => {
    await sql`set local work_mem = '64MB'`.execute(trx);
    const remove = (metrics: string[], grain: 'day' | 'month') =>
      sql`delete from metric_rollup where org_id = ${org.id}::uuid and metric = any(${metrics}::text[])
        and grain = ${grain}`.execute(trx);
    if (!only) await sql`delete from metric_rollup where org_id = ${org.id}::uuid`.execute(trx);
    for (const entity of ROLLUP_ENTITIES) {
      for (const { metrics, statement } of dayStatements(entity, org, null)) {
        const label = `${entity} day rows: ${metrics.join(', ')}`.slice(0, 60);
        if (only && !label.includes(only)) continue;
        // A "(buckets)" statement rewrites the rows of the one before it.
        if (only && !metrics[0]!.endsWith('(buckets)')) await remove(metrics, 'day');
        await time(label, async () => Number((await statement.execute(trx)).numAffectedRows ?? 0));
      }
      const label = `${entity} month rows`;
      if (only && !label.includes(only)) continue;
      if (only)
        await remove(
          rollupMetrics()
            .filter((p) => p.metric.entity === entity)
            .map((p) => p.metric.id),
          'month',
        );
      await time(label, () => buildMonthRows(trx, org, entity, null));
    }
    if (!only || 'customer states and sums'.includes(only))
      await time('customer states and sums', () => buildCustomerRollups(trx, org));
    throw new RolledBack();
  });
} catch (error) {
  if (!(error instanceof RolledBack)) throw error;
}
const total = rows.reduce((sum, r) => sum + r.ms, 0);
console.log(`Total ${(total / 1000).toFixed(1)} s (rolled back; the database keeps its rollups)`);
await db.close();
