import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { generateDemo } from '../src/demo/generate-demo.ts';
import { importRecords } from '../src/ingest/index.ts';
import { listMetrics } from '../src/metrics/catalog/index.ts';
import { queryMetrics, type MetricQuery, type MetricRow } from '../src/metrics/index.ts';
import { rebuildRollups } from '../src/metrics/rollups/index.ts';
import type { Organization } from '../src/orgs/index.ts';
import type { Db } from '../src/db/connect.ts';
import { createTestOrg, variants } from './helpers/databases.ts';

/**
 * Customer-state rollups answer exactly what raw rows answer: every customer_state metric, each
 * grain on month starts, grouped and filtered by the customer fields kept, after a full import,
 * random chunks with re-imports, and updates that move subscription dates, cancel
 * subscriptions and move customers to another segment; queries the rollups do not cover say raw.
 */
const demo = generateDemo({ seed: 11, end: '2026-07-01', months: 12, customers: 800, ticketsPerMonth: 10 });
const METRICS = listMetrics()
  .filter((m) => m.formula.kind === 'customer_state')
  .map((m) => m.id);

function random(seed: number) {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

async function importAll(db: Db, org: Organization, entities: string[], chunks = 1, seed = 1) {
  const next = random(seed);
  for (const entity of entities) {
    const rows = (demo as unknown as Record<string, Array<Record<string, unknown>>>)[entity]!;
    if (chunks === 1) {
      await importRecords(db, org, entity, { objects: rows });
      continue;
    }
    const shuffled = [...rows].sort(() => next() - 0.5);
    const size = Math.ceil(shuffled.length / chunks);
    for (let at = 0; at < shuffled.length; at += size) {
      await importRecords(db, org, entity, { objects: shuffled.slice(at, at + size) });
      await importRecords(db, org, entity, { objects: shuffled.slice(at, at + size).filter(() => next() < 0.1) });
    }
  }
}

const COVERED: Array<Omit<MetricQuery, 'metrics'>> = [
  { from: '2025-07-01', to: '2026-07-01', grain: 'month' },
  { from: '2025-07-01', to: '2026-07-01', grain: 'quarter', by: ['segment'] },
  { from: '2025-08-01', to: '2026-07-01', grain: 'year', by: ['plan'] },
  { from: '2025-07-01', to: '2026-07-01', grain: 'all', by: ['country'] },
  { from: '2026-01-01', to: '2026-07-01', grain: 'month', by: ['customer.acquisition_channel', 'language'] },
  { from: '2025-07-01', to: '2026-07-01', grain: 'month', where: { segment: ['smb', 'enterprise', 'mid'] } },
  { from: '2026-01-01', to: '2026-04-01', grain: 'all', by: ['customer'] },
];
const UNCOVERED: Array<Omit<MetricQuery, 'metrics'>> = [
  { from: '2026-01-01', to: '2026-03-01', grain: 'week' },
  { from: '2026-01-15', to: '2026-06-01', grain: 'month' },
  { from: '2026-01-01', to: '2026-07-01', grain: 'month', options: { customer_churn_rate: { activity: 'either' } } },
  { from: '2026-01-01', to: '2026-07-01', grain: 'month', by: ['nps_group'] },
  { from: '2026-01-01', to: '2026-07-01', grain: 'month', tz: 'UTC' },
];

function same(metric: string, query: object, rolled: MetricRow, raw: MetricRow) {
  const where = `${metric} ${JSON.stringify(query)} ${raw.period} ${JSON.stringify(raw.group)}`;
  assert.equal(rolled.period, raw.period, `period of ${where}`);
  assert.deepEqual(rolled.group, raw.group, `group of ${where}`);
  assert.equal(rolled.n, raw.n, `n of ${where}`);
  for (const field of ['value', 'ci_low', 'ci_high'] as const) {
    const a = rolled[field];
    const b = raw[field];
    if (a === null || b === null || a === undefined || b === undefined) {
      assert.equal(a ?? null, b ?? null, `${field} of ${where}`);
      continue;
    }
    assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${field} of ${where}: rollup ${a}, raw ${b}`);
  }
}

async function compareAll(db: Db, org: Organization) {
  let compared = 0;
  let valued = 0;
  for (const query of COVERED) {
    for (const metric of METRICS) {
      const q = { ...query, metrics: [metric] };
      const [rolled, raw] = await Promise.all([queryMetrics(db, org, q), queryMetrics(db, org, { ...q, exact: true })]);
      assert.equal(rolled.meta.source[metric], 'rollup', `${metric} ${JSON.stringify(q)} from rollups`);
      assert.equal(raw.meta.source[metric], 'raw');
      assert.equal(rolled.rows.length, raw.rows.length, `rows of ${metric} ${JSON.stringify(q)}`);
      rolled.rows.forEach((row, i) => same(metric, q, row, raw.rows[i]!));
      compared += raw.rows.length;
      valued += raw.rows.filter((r) => r.value !== null && r.value !== 0).length;
    }
  }
  assert.ok(valued > compared / 4, `most answers have a value (${valued} of ${compared})`);
  return compared;
}

async function uncoveredSayRaw(db: Db, org: Organization) {
  for (const query of UNCOVERED) {
    const result = await queryMetrics(db, org, { ...query, metrics: ['customer_churn_rate'] });
    assert.equal(result.meta.source.customer_churn_rate, 'raw', JSON.stringify(query));
  }
}

for (const variant of variants) {
  describe(`customer rollups equal raw answers (${variant.name})`, async () => {
    const db = await variant.db();

    test('after one import', async () => {
      const org = { ...(await createTestOrg(db)), timezone: 'Europe/Vilnius' };
      await importAll(db, org, ['fx_rates', 'customers', 'subscriptions', 'orders']);
      assert.ok((await compareAll(db, org)) > 500);
      await uncoveredSayRaw(db, org);
      // Parts of CLV and ARPU come from the rollups too.
      const clv = await queryMetrics(db, org, {
        metrics: ['clv', 'arpu'],
        from: '2025-07-01',
        to: '2026-07-01',
        grain: 'quarter',
      });
      const exact = await queryMetrics(db, org, {
        metrics: ['clv', 'arpu'],
        from: '2025-07-01',
        to: '2026-07-01',
        grain: 'quarter',
        exact: true,
      });
      assert.deepEqual(
        clv.rows.map((r) => [r.metric, r.period, r.n, r.value]),
        exact.rows.map((r) => [r.metric, r.period, r.n, r.value]),
      );
      assert.notEqual(clv.meta.source.clv, 'raw');
    });

    test('after random chunks, re-imports and updates', async () => {
      const org = { ...(await createTestOrg(db)), timezone: 'Europe/Vilnius' };
      await importAll(db, org, ['fx_rates', 'customers', 'orders', 'subscriptions'], 3, 5);
      await compareAll(db, org);
      const subs = demo.subscriptions as Array<Record<string, any>>;
      // Move a tenth of the subscriptions two months earlier, cancel another tenth in March.
      await importRecords(db, org, 'subscriptions', {
        objects: subs
          .filter((_, i) => i % 10 === 0)
          .map((s) => ({ ...s, started_at: new Date(Date.parse(s.started_at) - 61 * 86_400_000).toISOString() })),
      });
      await importRecords(db, org, 'subscriptions', {
        objects: subs
          .filter((s, i) => i % 10 === 5 && s.started_at < '2026-03-01')
          .map((s) => ({ ...s, ended_at: '2026-03-14T12:00:00Z' })),
      });
      // Move a fifth of the customers to another segment.
      await importRecords(db, org, 'customers', {
        objects: (demo.customers as Array<Record<string, any>>)
          .filter((_, i) => i % 5 === 0)
          .map((c) => ({ ...c, segment: c.segment === 'smb' ? 'enterprise' : 'smb' })),
      });
      await compareAll(db, org);
      const query = { metrics: METRICS, from: '2025-07-01', to: '2026-07-01', by: ['segment'] };
      const before = await queryMetrics(db, org, query);
      await rebuildRollups(db, org);
      assert.deepEqual((await queryMetrics(db, org, query)).rows, before.rows);
    });

    test('an organization with orders only, and its first subscription', async () => {
      const org = { ...(await createTestOrg(db)), timezone: 'America/New_York' };
      await importAll(db, org, ['fx_rates', 'customers', 'orders']);
      await compareAll(db, org);
      // The basis turns to subscriptions: the rows are built again, in the same transaction.
      await importRecords(db, org, 'subscriptions', {
        objects: (demo.subscriptions as Array<Record<string, unknown>>).slice(0, 300),
      });
      await compareAll(db, org);
    });
  });
}
