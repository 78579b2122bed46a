import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import type { Db } from '../src/db/connect.ts';
import { generateDemo } from '../src/demo/generate-demo.ts';
import { importRecords } from '../src/ingest/index.ts';
import { listMetrics, queryMetrics, type MetricQuery, type MetricRow } from '../src/metrics/index.ts';
import { kindOf } from '../src/metrics/kinds/index.ts';
import { checkRollups } from '../src/metrics/rollups/check.ts';
import { rebuildRollups, refreshOutdatedRollups } from '../src/metrics/rollups/index.ts';
import { updateOrganization, type Organization } from '../src/orgs/index.ts';
import { createTestOrg, variants } from './helpers/databases.ts';
import { assertSameRow, random } from './helpers/rollup-compare.ts';

/**
 * Customer rollups (src/metrics/rollups/customers.ts) answer exactly what raw rows answer: every
 * customer-state metric by month, quarter, year and one whole period, overall, by and filtered
 * by a customer field, compared with the period before; after one import, after the same data
 * in random chunks with re-imports and updates that move subscriptions to other customers, end
 * them, change their MRR and the customers' segments; and for an organization whose activity
 * is its orders until it imports its first subscription. The maintained sums equal a rebuild.
 */
const demo = generateDemo({ seed: 11, end: '2026-07-01', months: 12, customers: 300, ticketsPerMonth: 20 });
/** The customer-state metrics, subscription revenue among them. */
const CUSTOMER_METRICS = listMetrics()
  .filter((m) => kindOf(m.formula).rollup.form === 'customer-state')
  .map((m) => m.id);

const QUERIES: Array<Omit<MetricQuery, 'metrics'>> = [
  { from: '2025-07-01', to: '2026-07-01', grain: 'month' },
  { from: '2025-07-01', to: '2026-07-01', grain: 'quarter', by: ['segment'] },
  { from: '2025-01-01', to: '2027-01-01', grain: 'year', by: ['customer.plan'] },
  { from: '2026-03-01', to: '2026-04-01', grain: 'all', by: ['country'] },
  { from: '2026-01-01', to: '2026-04-01', grain: 'all' },
  { from: '2026-01-01', to: '2026-07-01', grain: 'month', compare: 'previous', where: { segment: ['smb', 'mid'] } },
  { from: '2025-10-01', to: '2026-07-01', grain: 'month', by: ['acquisition_channel'], compare: 'year' },
];
/** The churn metrics once more with new customers in the denominator. */
const WITH_NEW = listMetrics()
  .filter((m) => m.options?.some((o) => o.id === 'churn_denominator'))
  .map((m) => m.id);

async function importCustomers(db: Db, org: Organization, entities: string[], chunks = 1, seed = 1) {
  const next = random(seed);
  await importRecords(db, org, 'fx_rates', { objects: demo.fx_rates as Array<Record<string, unknown>> });
  for (const entity of entities) {
    const rows = (demo as unknown as Record<string, Array<Record<string, unknown>>>)[entity]!;
    const shuffled = chunks === 1 ? rows : [...rows].sort(() => next() - 0.5);
    const size = Math.ceil(shuffled.length / chunks);
    for (let at = 0; at < shuffled.length; at += size) {
      await importRecords(db, org, entity, { objects: shuffled.slice(at, at + size) });
      if (chunks > 1)
        await importRecords(db, org, entity, { objects: shuffled.slice(at, at + size).filter(() => next() < 0.1) });
    }
  }
}

async function compareAll(db: Db, org: Organization) {
  let compared = 0;
  for (const query of QUERIES) {
    for (const metric of CUSTOMER_METRICS) {
      const q = { ...query, metrics: [metric] };
      const [rolled, raw] = await Promise.all([queryMetrics(db, org, q), queryMetrics(db, org, { ...q, exact: true })]);
      const label = `${metric} ${JSON.stringify(query)}`;
      assert.equal(rolled.meta.source[metric], 'rollup', `${label} from rollups`);
      assert.equal(raw.meta.source[metric], 'raw');
      assert.equal(rolled.rows.length, raw.rows.length, `rows of ${label}`);
      rolled.rows.forEach((row, i) =>
        assertSameRow(`${label} ${row.period} ${JSON.stringify(row.group)}`, row, raw.rows[i]!),
      );
      compared += raw.rows.length;
    }
  }
  for (const metric of WITH_NEW) {
    const q: MetricQuery = {
      metrics: [metric],
      from: '2026-01-01',
      to: '2026-07-01',
      grain: 'month',
      options: { [metric]: { churn_denominator: 'start_plus_new' } },
    };
    const [rolled, raw] = await Promise.all([queryMetrics(db, org, q), queryMetrics(db, org, { ...q, exact: true })]);
    assert.equal(rolled.meta.source[metric], 'rollup');
    assert.equal(rolled.rows.length, raw.rows.length);
    rolled.rows.forEach((row, i) => assertSameRow(`${metric} start_plus_new ${row.period}`, row, raw.rows[i]!));
  }
  return compared;
}

const sums = async (db: Db, org: Organization) =>
  (
    await sql<Record<string, unknown>>`select * from customer_rollup where org_id = ${org.id}::uuid
      order by grain, period, level, d1, d2, d3, d4, d5`.execute(db.kysely)
  ).rows;

for (const variant of variants) {
  describe(`customer rollups equal raw answers (${variant.name})`, async () => {
    const db = await variant.db();

    test('after one import', async () => {
      const org = { ...(await createTestOrg(db)), timezone: 'Europe/Vilnius' };
      await importCustomers(db, org, ['customers', 'subscriptions', 'orders']);
      assert.ok((await compareAll(db, org)) > 500);
    });

    test('after random chunks, re-imports and updates that move, end and reprice subscriptions', async () => {
      const org = { ...(await createTestOrg(db)), timezone: 'America/New_York' };
      // Subscriptions first: their customers arrive later and bring their fields then.
      await importCustomers(db, org, ['subscriptions', 'customers', 'orders'], 4, 5);
      const customers = demo.customers as Array<Record<string, any>>;
      const subscriptions = demo.subscriptions as Array<Record<string, any>>;
      await importRecords(db, org, 'subscriptions', {
        objects: subscriptions
          .filter((_, i) => i % 6 === 0)
          .map((s, i) => ({
            ...s,
            customer_id: customers[(i * 7) % customers.length]!.id,
            mrr: Number(s.mrr) * 2 + 0.01,
            ...(i % 2 === 0 && !s.ended_at ? { ended_at: '2026-02-14T10:00:00Z' } : {}),
          })),
      });
      await importRecords(db, org, 'customers', {
        objects: customers.filter((_, i) => i % 5 === 0).map((c) => ({ ...c, segment: 'enterprise', plan: null })),
      });
      assert.ok((await compareAll(db, org)) > 500);
      const maintained = await sums(db, org);
      await rebuildRollups(db, org);
      assert.deepEqual(await sums(db, org), maintained);
    });

    test('an organization of orders, until its first subscription', async () => {
      const org = { ...(await createTestOrg(db)), timezone: 'Europe/Vilnius' };
      await importCustomers(db, org, ['customers', 'orders']);
      const state = await sql<{ basis: string }>`select basis from rollup_state
        where org_id = ${org.id}::uuid and entity = 'customers'`.execute(db.kysely);
      assert.equal(state.rows[0]?.basis, 'orders');
      assert.ok((await compareAll(db, org)) > 100);
      await importRecords(db, org, 'subscriptions', {
        objects: (demo.subscriptions as Array<Record<string, unknown>>).slice(0, 40),
      });
      assert.ok((await compareAll(db, org)) > 100);
    });

    test('cxkpi rollups check compares customer metrics too, and names a sum that is wrong', async () => {
      const org = { ...(await createTestOrg(db)), timezone: 'Europe/Vilnius' };
      await importCustomers(db, org, ['customers', 'subscriptions']);
      await importRecords(db, org, 'tickets', {
        objects: (demo.tickets as Array<Record<string, unknown>>).slice(0, 200),
      });
      const range = { from: '2026-01-01', to: '2026-07-01' };
      const clean = await checkRollups(db, org, range);
      assert.deepEqual(clean.differences, []);
      assert.ok(clean.compared > 200);
      // One stored sum off by one: every customer metric of that month that reads it differs.
      await sql`update customer_rollup set n_start = n_start + 1
        where org_id = ${org.id}::uuid and grain = 'month' and period = '2026-03-01' and level = 0`.execute(db.kysely);
      const broken = await checkRollups(db, org, range);
      const named = new Set(broken.differences.map((d) => `${d.metric} ${d.query} ${d.period}`));
      assert.ok(named.has('customer_churn_rate month 2026-03-01'), [...named].join('; '));
      assert.ok(named.has('retention_rate month 2026-03-01'));
      assert.ok(broken.differences.every((d) => d.period === '2026-03-01' && d.query === 'month'));
      // A range that cuts months leaves customer metrics out rather than calling them different.
      assert.deepEqual((await checkRollups(db, org, { from: '2026-01-15', to: '2026-03-10' })).differences, []);
    });

    test('a new time zone: raw rows answer until the rebuild job has run, then rollups in the new zone', async () => {
      const created = { ...(await createTestOrg(db)), timezone: 'Europe/Vilnius' };
      await importCustomers(db, created, ['customers', 'subscriptions']);
      const org = await updateOrganization(db.kysely, created, { timezone: 'Pacific/Auckland' });
      const query: MetricQuery = {
        metrics: ['customer_churn_rate'],
        from: '2026-01-01',
        to: '2026-07-01',
        grain: 'month',
      };
      const before = await queryMetrics(db, org, query);
      assert.equal(before.meta.source.customer_churn_rate, 'raw');
      await refreshOutdatedRollups(db, org);
      const after = await queryMetrics(db, org, query);
      assert.equal(after.meta.source.customer_churn_rate, 'rollup');
      assert.deepEqual(after.rows, before.rows);
    });

    test('what customer rollups do not cover reads raw rows, and says so', async () => {
      const org = { ...(await createTestOrg(db)), timezone: 'Europe/Vilnius' };
      await importCustomers(db, org, ['customers', 'subscriptions']);
      const source = async (query: Omit<MetricQuery, 'metrics'>) =>
        (await queryMetrics(db, org, { ...query, metrics: ['customer_churn_rate'] })).meta.source.customer_churn_rate;
      assert.equal(await source({ from: '2026-01-01', to: '2026-04-01', grain: 'month' }), 'rollup');
      assert.equal(await source({ from: '2026-01-15', to: '2026-04-01', grain: 'month' }), 'raw');
      assert.equal(await source({ from: '2026-01-01', to: '2026-03-01', grain: 'all' }), 'raw');
      assert.equal(await source({ from: '2026-01-01', to: '2026-04-01', grain: 'week' }), 'raw');
      assert.equal(
        await source({ from: '2026-01-01', to: '2026-04-01', grain: 'month', by: ['segment', 'plan'] }),
        'raw',
      );
      assert.equal(await source({ from: '2026-01-01', to: '2026-04-01', grain: 'month', by: ['nps_group'] }), 'raw');
      assert.equal(
        await source({
          from: '2026-01-01',
          to: '2026-04-01',
          grain: 'month',
          options: { customer_churn_rate: { activity: 'either' } },
        }),
        'raw',
      );
      assert.equal(await source({ from: '2026-01-01', to: '2026-04-01', grain: 'month', tz: 'Asia/Tokyo' }), 'raw');
      // Beyond the months kept (the one after the current month), raw rows answer.
      assert.equal(await source({ from: '2030-01-01', to: '2030-04-01', grain: 'month' }), 'raw');
    });
  });
}
