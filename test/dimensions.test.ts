import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createApiKey } from '../src/auth/index.ts';
import { loadConfig } from '../src/config.ts';
import { createApp } from '../src/http/app.ts';
import { createLogger } from '../src/http/logger.ts';
import { importRecords } from '../src/ingest/index.ts';
import { describeMetric, getMetric, listMetricRows, queryMetrics } from '../src/metrics/index.ts';
import { saveCustomMetric } from '../src/metrics/custom/store.ts';
import { createTestOrg, variants } from './helpers/databases.ts';

// One name per dimension: a field of the customer is `customer.<field>` on every metric, the bare
// field name is an alias, and metrics combined from others accept what all their parts accept.
for (const variant of variants) {
  describe(`dimensions (${variant.name})`, async () => {
    const db = await variant.db();
    const org = { ...(await createTestOrg(db)), timezone: 'UTC' };
    // March 2026: smb has two customers (one leaves on the 16th), enterprise one; orders in both.
    await importRecords(db, org, 'customers', {
      objects: [
        { id: 'c1', segment: 'smb', signed_up_at: '2025-01-01T00:00:00Z' },
        { id: 'c2', segment: 'smb', signed_up_at: '2025-01-01T00:00:00Z' },
        { id: 'c3', segment: 'enterprise', signed_up_at: '2025-01-01T00:00:00Z' },
      ],
    });
    await importRecords(db, org, 'subscriptions', {
      objects: [
        { id: 's1', customer_id: 'c1', started_at: '2025-01-01T00:00:00Z', mrr: 31, currency: 'EUR' },
        {
          id: 's2',
          customer_id: 'c2',
          started_at: '2025-01-01T00:00:00Z',
          ended_at: '2026-03-16T00:00:00Z',
          mrr: 62,
          currency: 'EUR',
        },
        { id: 's3', customer_id: 'c3', started_at: '2026-03-01T00:00:00Z', mrr: 100, currency: 'EUR' },
      ],
    });
    await importRecords(db, org, 'orders', {
      objects: [
        { id: 'o1', customer_id: 'c1', ordered_at: '2026-03-05T10:00:00Z', amount: 10, currency: 'EUR' },
        { id: 'o2', customer_id: 'c3', ordered_at: '2026-03-06T10:00:00Z', amount: 7, currency: 'EUR' },
      ],
    });
    await importRecords(db, org, 'costs', {
      objects: [
        {
          id: 'k1',
          category: 'acquisition',
          amount: 310,
          currency: 'EUR',
          period_start: '2026-03-01',
          period_end: '2026-03-31',
        },
      ],
    });
    const march = { from: '2026-03-01', to: '2026-04-01', grain: 'month' as const };

    test('revenue, ARPU and CLV group by the customer segment under both names', async () => {
      // smb: 10 + 31 + 62 x 15/31 = 71; active at start 2, at end 1 -> ARPU 71 / 1.5.
      // enterprise: 7 + 100 = 107; active at start 1 (starts at the first instant), at end 1.
      for (const name of ['segment', 'customer.segment']) {
        const result = await queryMetrics(db, org, {
          ...march,
          metrics: ['revenue', 'arpu', 'active_customers', 'customer_churn_rate', 'order_revenue', 'clv'],
          by: [name],
        });
        const value = (metric: string, segment: string) =>
          result.rows.find((r) => r.metric === metric && r.group[name] === segment)?.value;
        assert.ok(Math.abs(value('revenue', 'smb')! - 71) < 1e-9, name);
        assert.ok(Math.abs(value('arpu', 'smb')! - 71 / 1.5) < 1e-9, name);
        assert.ok(Math.abs(value('revenue', 'enterprise')! - 107) < 1e-9, name);
        assert.equal(value('active_customers', 'smb'), 1);
        assert.equal(value('customer_churn_rate', 'smb'), 0.5);
        assert.equal(value('order_revenue', 'enterprise'), 7);
        // CLV: ARPU / churn pooled over six months (smb: 1 of 2 start-months churned in March,
        // and 2 active at the start of each of the five months before).
        assert.ok(Math.abs(value('clv', 'smb')! - 71 / 1.5 / (1 / 12)) < 1e-9, name);
        const filtered = await queryMetrics(db, org, { ...march, metrics: ['arpu'], where: { [name]: 'smb' } });
        assert.ok(Math.abs(filtered.rows[0]!.value! - 71 / 1.5) < 1e-9);
      }
    });

    test('a combined metric lists and accepts what all its parts accept; the error names both spellings', async () => {
      assert.deepEqual(describeMetric(getMetric('revenue')!).dimensions, [
        'customer',
        'customer.segment',
        'customer.plan',
        'customer.country',
        'customer.language',
        'customer.acquisition_channel',
        'customer.support_experience',
        'customer.attributes.<name>',
      ]);
      assert.deepEqual(describeMetric(getMetric('cost_per_ticket')!).dimensions, ['team']);
      // CAC: acquisition costs carry no customer, so no customer field groups it.
      await assert.rejects(
        queryMetrics(db, org, { ...march, metrics: ['cac'], by: ['segment'] }),
        (e: Error) =>
          /cac cannot be grouped or filtered by "segment"; use no dimension/.test(e.message) &&
          /segment = customer\.segment/.test(e.message),
      );
      await assert.rejects(
        queryMetrics(db, org, { ...march, metrics: ['arpu'], by: ['channel'] }),
        /arpu cannot be grouped or filtered by "channel"; use customer, customer.segment/,
      );
      // Order attributes and customer attributes are different dimensions.
      await assert.rejects(
        queryMetrics(db, org, { ...march, metrics: ['revenue'], by: ['attributes.region'] }),
        /revenue cannot be grouped or filtered by "attributes.region"/,
      );
      await assert.rejects(
        queryMetrics(db, org, { ...march, metrics: ['revenue'], by: ['segment', 'customer.segment'] }),
        /the same dimension \(customer.segment\)/,
      );
      const cac = await queryMetrics(db, org, { ...march, metrics: ['cac'] });
      assert.equal(cac.rows[0]!.value, 310);
    });

    test('drill-down rows and listings take both spellings too', async () => {
      for (const name of ['segment', 'customer.segment']) {
        const rows = await listMetricRows(db, org, { ...march, metric: 'order_revenue', where: { [name]: 'smb' } });
        assert.deepEqual(
          rows.rows.map((r) => r.id),
          ['o1'],
          name,
        );
      }
      const app = createApp({ db, config: loadConfig({}, {}), logger: createLogger('error', () => {}) });
      const { key } = await createApiKey(db.kysely, org.id, { name: 'reader', scope: 'read' });
      for (const name of ['segment', 'customer.segment']) {
        const listed = (await (
          await app.request(`/api/v1/orders?${name}=enterprise`, { headers: { authorization: `Bearer ${key}` } })
        ).json()) as { rows: Array<{ id: string }> };
        assert.deepEqual(
          listed.rows.map((r) => r.id),
          ['o2'],
          name,
        );
      }
    });

    test('a custom formula names the customer field either way', async () => {
      await saveCustomMetric(
        db,
        org,
        { id: 'smb_order_share', name: 'SMB orders', formula: "count(orders where segment = 'smb') / count(orders)" },
        'create',
      );
      const result = await queryMetrics(db, org, { ...march, metrics: ['smb_order_share'], by: ['customer.segment'] });
      assert.deepEqual(
        result.rows.map((r) => [r.group['customer.segment'], r.value]),
        [
          ['enterprise', 0],
          ['smb', 1],
        ],
      );
    });
  });
}
