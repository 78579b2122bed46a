import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CompiledQuery, sql } from 'kysely';
import type { Session } from '../src/db/connect.ts';
import { getEntity } from '../src/ingest/index.ts';
import { createStage, upsertRows } from '../src/ingest/upsert-rows.ts';
import { createTestOrg, variants } from './helpers/databases.ts';

/**
 * The work of a re-import must grow with the batch, not with the rows already stored: the UPDATE
 * of known rows reaches each stored twin by its ctid. Measured by the plan's own counts (EXPLAIN
 * ANALYZE of the statement the importer sends), not by time.
 */
interface PlanNode {
  'Node Type': string;
  'Actual Rows': number;
  'Rows Removed by Join Filter'?: number;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

/** A session whose UPDATE statements of `table` run under EXPLAIN ANALYZE, their plans kept. */
function explaining(session: Session, table: string, plans: PlanNode[]): Session {
  const kysely = new Proxy(session.kysely, {
    get(target, name, receiver) {
      if (name !== 'executeQuery') return Reflect.get(target, name, receiver);
      return async (query: CompiledQuery) => {
        if (!query.sql.startsWith(`update ${table} `)) return target.executeQuery(query);
        const result = await target.executeQuery<{ 'QUERY PLAN': unknown }>(
          CompiledQuery.raw(`explain (analyze, format json) ${query.sql}`, [...query.parameters]),
        );
        const cell = result.rows[0]!['QUERY PLAN'];
        plans.push((typeof cell === 'string' ? JSON.parse(cell) : cell)[0].Plan);
        return { rows: [] };
      };
    },
  });
  return { ...session, kysely };
}

for (const variant of variants) {
  describe(`upsert plans on ${variant.name}`, () => {
    for (const entityName of ['customers', 'orders'] as const) {
      test(`updating 2,000 of 5,000 ${entityName} stored in the same import visits each row once`, async () => {
        const db = await variant.db();
        const org = await createTestOrg(db);
        const entity = getEntity(entityName)!;
        const row = (i: number, amount: string) =>
          entityName === 'customers'
            ? {
                id: `c${i}`,
                name: `Customer ${i}`,
                acquisition_cost: amount,
                currency: 'EUR',
                acquisition_cost_reporting: amount,
              }
            : {
                id: `o${i}`,
                customer_id: `c${i % 100}`,
                amount,
                currency: 'EUR',
                amount_reporting: amount,
                ordered_at: '2026-01-01T00:00:00.000Z',
                status: 'completed',
              };
        const plans: PlanNode[] = [];
        await db.session(async (session) => {
          await sql`begin`.execute(session.kysely);
          try {
            await createStage(session, entity);
            // Stored in this transaction: the planner's statistics know nothing of these rows.
            const stored = Array.from({ length: 5000 }, (_, i) => row(i, '10'));
            const first = await upsertRows(session, entity, org.id, stored);
            assert.equal(first.inserted, 5000);
            const changed = Array.from({ length: 2000 }, (_, i) => row(i * 2, '12'));
            await upsertRows(explaining(session, entity.table, plans), entity, org.id, changed);
          } finally {
            await sql`rollback`.execute(session.kysely);
          }
        });
        assert.equal(plans.length, 1, 'one UPDATE for the batch');
        const all = nodes(plans[0]!);
        const removed = all.reduce(
          (sum, node) => sum + (node['Rows Removed by Join Filter'] ?? 0) + (node['Rows Removed by Filter'] ?? 0),
          0,
        );
        assert.equal(removed, 0, `no stored row is looked at and thrown away:\n${JSON.stringify(plans[0], null, 1)}`);
        const scan = all.find((node) => node['Node Type'] === 'Tid Scan');
        assert.ok(scan, 'each staged row reaches its stored twin by ctid');
        assert.ok(scan['Actual Rows'] <= 1, 'one stored row per staged row (per loop)');
      });
    }

    test('a batch of new rows sends no UPDATE', async () => {
      const db = await variant.db();
      const org = await createTestOrg(db);
      const entity = getEntity('customers')!;
      const plans: PlanNode[] = [];
      await db.session(async (session) => {
        await sql`begin`.execute(session.kysely);
        try {
          await createStage(session, entity);
          const rows = Array.from({ length: 100 }, (_, i) => ({ id: `c${i}`, name: `C ${i}` }));
          const counts = await upsertRows(explaining(session, entity.table, plans), entity, org.id, rows);
          assert.deepEqual(counts, { inserted: 100, updated: 0 });
        } finally {
          await sql`rollback`.execute(session.kysely);
        }
      });
      assert.equal(plans.length, 0);
    });
  });
}
