import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql, type KyselyPlugin, type RootOperationNode } from 'kysely';
import type { Db } from '../src/db/connect.ts';
import { importRecords } from '../src/ingest/index.ts';
import { listMetrics, queryMetrics } from '../src/metrics/index.ts';
import { createTestOrg, variants } from './helpers/databases.ts';

/**
 * The schema can be distributed by organization (docs/scaling.md, Citus): every table but the
 * few global (reference) ones has org_id first in its primary key and in every unique index, and
 * every statement the engine sends names the organization for each data table it reads.
 */
const REFERENCE_TABLES = new Set([
  'organization',
  'app_user',
  'user_session',
  'invitation',
  'api_key',
  'kysely_migration',
  'kysely_migration_lock',
]);

const DATA_TABLES = [
  'ticket',
  'survey_response',
  'survey_invitation',
  'customer',
  'subscription',
  'customer_order',
  'cost',
  'team',
  'agent',
  'review',
  'fx_rate',
  'metric_rollup',
  'customer_state',
  'customer_rollup',
  'rollup_state',
  'kpi_target',
];
const KEYWORDS = new Set(['where', 'on', 'join', 'left', 'inner', 'cross', 'group', 'order', 'limit', 'union', 'as']);

/** Tables read without an org_id condition on their alias, in one statement. */
export function tablesWithoutOrg(text: string): string[] {
  const sqlText = text.toLowerCase();
  const missing: string[] = [];
  const pattern = new RegExp(
    `\\b(?:from|join)\\s+"?(${DATA_TABLES.join('|')})"?(?:\\s+(?:as\\s+)?"?([a-z_][a-z0-9_]*)"?)?`,
    'g',
  );
  for (const match of sqlText.matchAll(pattern)) {
    const [, table, alias] = match;
    const name = alias && !KEYWORDS.has(alias) ? alias : undefined;
    const condition = name ? new RegExp(`"?\\b${name}"?\\."?org_id"?\\s*=`) : /\borg_id"?\s*=/;
    if (!condition.test(sqlText)) missing.push(`${table}${name ? ` ${name}` : ''}`);
  }
  return missing;
}

for (const variant of variants) {
  describe(`distribution by organization (${variant.name})`, async () => {
    const db = await variant.db();

    test('org_id leads every primary key and unique index of a distributed table', async () => {
      const result = await sql<{ table: string; index: string; first: string }>`
        select t.relname as table, i.relname as index, a.attname as first
        from pg_index x
        join pg_class i on i.oid = x.indexrelid
        join pg_class t on t.oid = x.indrelid
        join pg_namespace s on s.oid = t.relnamespace and s.nspname = current_schema()
        left join pg_attribute a on a.attrelid = t.oid and a.attnum = x.indkey[0]
        where x.indisunique and t.relkind = 'r'`.execute(db.kysely);
      assert.ok(result.rows.length > 20);
      const wrong = result.rows
        .filter((r) => !REFERENCE_TABLES.has(r.table) && r.first !== 'org_id')
        .map((r) => `${r.table}.${r.index} starts with ${r.first ?? 'an expression'}`);
      assert.deepEqual(wrong, []);
    });

    test('the checker finds a data table read without its organization', () => {
      assert.deepEqual(tablesWithoutOrg('select * from ticket e where e.id = 1'), ['ticket e']);
      assert.deepEqual(
        tablesWithoutOrg('select * from ticket e join team tm on tm.id = e.team_id where e.org_id = $1'),
        ['team tm'],
      );
      assert.deepEqual(tablesWithoutOrg('select 1 from survey_response where org_id = $1'), []);
    });

    test('every statement of every catalog metric names the organization', async () => {
      const org = await createTestOrg(db);
      await importRecords(db, org, 'tickets', {
        objects: [
          { id: 't1', customer_id: 'c1', created_at: '2026-03-02T09:00:00Z', resolved_at: '2026-03-02T10:00:00Z' },
        ],
      });
      const statements: string[] = [];
      const plugin: KyselyPlugin = {
        transformQuery(args) {
          statements.push(db.kysely.getExecutor().compileQuery(args.node as RootOperationNode, args.queryId).sql);
          return args.node;
        },
        transformResult: async (args) => args.result,
      };
      const recording: Db = { ...db, kysely: db.kysely.withPlugin(plugin) };
      for (const metric of listMetrics()) {
        for (const exact of [false, true]) {
          await queryMetrics(recording, org, {
            metrics: [metric.id],
            from: '2026-01-01',
            to: '2026-07-01',
            by: metric.entity === 'tickets' && !metric.custom ? ['team'] : [],
            exact,
          });
        }
      }
      assert.ok(statements.length > listMetrics().length);
      const missing = statements.flatMap((s) => tablesWithoutOrg(s).map((t) => `${t} in: ${s.slice(0, 300)}`));
      assert.deepEqual(missing, []);
    });
  });
}
