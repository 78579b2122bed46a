import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { importRecords } from '../src/ingest/index.ts';
import { queryMetrics, type MetricRow } from '../src/metrics/index.ts';
import { createTestOrg, variants } from './helpers/databases.ts';

// Customer, revenue and order metrics on small hand-built books whose answers are worked out by
// hand below (the spec's churn example, reactivations, upgrades and downgrades, order activity).
type Rec = Record<string, unknown>;

/**
 * March 2026 (UTC). 1,000 customers at the start with MRR 10: 50 leave; 5 leave and come back
 * within March (not churned); 10 upgrade to 30 and 10 downgrade to 5 (new subscriptions on the
 * same day). 200 new customers join, 10 of them leave again within March.
 */
function subscriptionBook() {
  const customers: Rec[] = [];
  const subscriptions: Rec[] = [];
  const sub = (customer: string, started: string, ended: string | null, mrr: number) =>
    subscriptions.push({
      id: `s-${subscriptions.length + 1}`,
      customer_id: customer,
      started_at: started,
      ended_at: ended,
      mrr,
      currency: 'EUR',
    });
  for (let i = 1; i <= 1000; i++) {
    const id = `c-${i}`;
    customers.push({ id, segment: i <= 500 ? 'smb' : 'enterprise', signed_up_at: '2025-01-01T00:00:00Z' });
    if (i <= 50) sub(id, '2025-01-01T00:00:00Z', '2026-03-15T00:00:00Z', 10);
    else if (i <= 55) {
      sub(id, '2025-01-01T00:00:00Z', '2026-03-10T00:00:00Z', 10);
      sub(id, '2026-03-20T00:00:00Z', null, 10);
    } else if (i <= 65) {
      sub(id, '2025-01-01T00:00:00Z', '2026-03-12T00:00:00Z', 10);
      sub(id, '2026-03-12T00:00:00Z', null, 30);
    } else if (i <= 75) {
      sub(id, '2025-01-01T00:00:00Z', '2026-03-12T00:00:00Z', 10);
      sub(id, '2026-03-12T00:00:00Z', null, 5);
    } else sub(id, '2025-01-01T00:00:00Z', null, 10);
  }
  for (let i = 1; i <= 200; i++) {
    const id = `n-${i}`;
    customers.push({ id, segment: 'smb', signed_up_at: '2026-03-05T00:00:00Z' });
    sub(id, '2026-03-05T00:00:00Z', i <= 10 ? '2026-03-20T00:00:00Z' : null, 10);
  }
  return { customers, subscriptions };
}

/** The row of a metric in a one-period, ungrouped result. */
function one(rows: MetricRow[], metric: string): MetricRow {
  const found = rows.filter((r) => r.metric === metric);
  assert.equal(found.length, 1, metric);
  return found[0]!;
}

for (const variant of variants) {
  describe(`customer and revenue metrics (${variant.name})`, async () => {
    const db = await variant.db();

    test('churn follows the population rules of the spec example, with reactivations and the start+new option', async () => {
      const org = { ...(await createTestOrg(db)), timezone: 'UTC' };
      const book = subscriptionBook();
      await importRecords(db, org, 'customers', { objects: book.customers });
      await importRecords(db, org, 'subscriptions', { objects: book.subscriptions });
      const march = { from: '2026-03-01', to: '2026-04-01', grain: 'month' as const };
      const result = await queryMetrics(db, org, {
        ...march,
        metrics: [
          'customer_churn_rate',
          'retention_rate',
          'churned_customers',
          'active_customers',
          'new_customers',
          'mrr',
          'net_revenue_retention',
          'gross_revenue_retention',
        ],
      });
      const rows = result.rows;
      assert.equal(one(rows, 'customer_churn_rate').n, 1000);
      assert.equal(one(rows, 'customer_churn_rate').value, 0.05);
      assert.equal(one(rows, 'retention_rate').value, 0.95);
      assert.equal(one(rows, 'churned_customers').value, 50);
      assert.equal(one(rows, 'active_customers').value, 1140);
      assert.equal(one(rows, 'new_customers').value, 200);
      // 925 x 10 kept + 5 x 10 back + 10 x 30 upgraded + 10 x 5 downgraded + 190 x 10 new.
      assert.equal(one(rows, 'mrr').value, 9250 + 50 + 300 + 50 + 1900);
      // Of the start cohort (MRR 10,000): 9,650 at the end; capped at 10 each: 9,450.
      assert.equal(one(rows, 'net_revenue_retention').n, 1000);
      assert.ok(Math.abs(one(rows, 'net_revenue_retention').value! - 0.965) < 1e-12);
      assert.ok(Math.abs(one(rows, 'gross_revenue_retention').value! - 0.945) < 1e-12);
      // (start - end) / start would say -14 %: new customers hide the losses.
      const stripe = await queryMetrics(db, org, {
        ...march,
        metrics: ['customer_churn_rate', 'churned_customers'],
        options: {
          customer_churn_rate: { churn_denominator: 'start_plus_new' },
          churned_customers: { churn_denominator: 'start_plus_new' },
        },
      });
      assert.equal(one(stripe.rows, 'customer_churn_rate').n, 1200);
      assert.equal(one(stripe.rows, 'customer_churn_rate').value, 60 / 1200);
      assert.equal(one(stripe.rows, 'churned_customers').value, 60);
      // By segment: the 50 who left were all smb (customers 1-50), out of 500 smb at the start.
      const bySegment = await queryMetrics(db, org, { ...march, metrics: ['customer_churn_rate'], by: ['segment'] });
      const smb = bySegment.rows.find((r) => r.group.segment === 'smb')!;
      assert.equal(smb.n, 500);
      assert.equal(smb.value, 0.1);
      assert.equal(bySegment.rows.find((r) => r.group.segment === 'enterprise')!.value, 0);
      await assert.rejects(
        queryMetrics(db, org, {
          ...march,
          metrics: ['customer_churn_rate'],
          options: { customer_churn_rate: { activity: 'weekly' } },
        }),
        /activity is auto, subscriptions, orders or either/,
      );
    });

    test('CLV divides ARPU by the churn pooled over six periods; LTV/CAC divides by CAC', async () => {
      // 100 customers from January, MRR 20; two leave at the start of each month from February on.
      const org = { ...(await createTestOrg(db)), timezone: 'UTC' };
      const subscriptions: Rec[] = [];
      for (let i = 1; i <= 100; i++) {
        const leaves = i <= 12 ? `2026-${String(2 + Math.floor((i - 1) / 2)).padStart(2, '0')}-01T12:00:00Z` : null;
        subscriptions.push({
          id: `s${i}`,
          customer_id: `c${i}`,
          started_at: '2026-01-01T00:00:00Z',
          ended_at: leaves,
          mrr: 20,
          currency: 'EUR',
        });
      }
      await importRecords(db, org, 'subscriptions', { objects: subscriptions });
      await importRecords(db, org, 'costs', {
        objects: [
          {
            id: 'ads-jul',
            category: 'acquisition',
            period_start: '2026-07-01',
            period_end: '2026-07-31',
            amount: 3100,
            currency: 'EUR',
          },
        ],
      });
      await importRecords(db, org, 'subscriptions', {
        objects: [
          { id: 'new1', customer_id: 'x1', started_at: '2026-07-10T00:00:00Z', mrr: 20, currency: 'EUR' },
          { id: 'new2', customer_id: 'x2', started_at: '2026-07-20T00:00:00Z', mrr: 20, currency: 'EUR' },
        ],
      });
      const result = await queryMetrics(db, org, {
        from: '2026-07-01',
        to: '2026-08-01',
        grain: 'month',
        metrics: ['clv', 'arpu', 'customer_churn_rate', 'cac', 'ltv_cac_ratio'],
        options: { clv: { gross_margin: 0.8 }, ltv_cac_ratio: { gross_margin: 0.8 } },
      });
      // Churn Feb..Jul: 2 of 100, 2 of 98, 2 of 96, 2 of 94, 2 of 92, 2 of 90 -> 12 / 570.
      const pooled = 12 / (100 + 98 + 96 + 94 + 92 + 90);
      const arpu = one(result.rows, 'arpu').value!;
      const clv = one(result.rows, 'clv');
      assert.equal(clv.n, 570);
      assert.ok(Math.abs(clv.value! - (arpu * 0.8) / pooled) < 1e-9, `${clv.value} vs ${(arpu * 0.8) / pooled}`);
      assert.equal(one(result.rows, 'cac').value, 3100 / 2);
      assert.ok(Math.abs(one(result.rows, 'ltv_cac_ratio').value! - clv.value! / 1550) < 1e-12);
      // Nobody left in January (before the first departure): no churn, no CLV.
      const january = await queryMetrics(db, org, { from: '2026-01-01', to: '2026-02-01', metrics: ['clv'] });
      assert.equal(january.rows[0]!.value, null);
    });

    test('order businesses: activity window, repeat purchase rate and purchase frequency', async () => {
      const org = { ...(await createTestOrg(db)), timezone: 'UTC' };
      const orders: Rec[] = [];
      const order = (customer: string, at: string, status = 'completed') =>
        orders.push({
          id: `o${orders.length + 1}`,
          customer_id: customer,
          ordered_at: at,
          amount: 50,
          currency: 'EUR',
          status,
        });
      order('a', '2025-06-10T10:00:00Z'); // active until 2026-06-10
      order('a', '2026-02-03T10:00:00Z'); // renews to 2027-02-03
      order('a', '2026-02-20T10:00:00Z');
      order('b', '2025-02-15T10:00:00Z'); // window ends 2026-02-15: churns in February
      order('c', '2026-02-05T10:00:00Z'); // new in February, one order
      order('d', '2026-02-06T10:00:00Z', 'cancelled'); // not an order that counts
      order('e', '2026-02-07T10:00:00Z');
      order('e', '2026-02-08T10:00:00Z');
      order('e', '2026-02-09T10:00:00Z');
      await importRecords(db, org, 'orders', { objects: orders });
      const february = { from: '2026-02-01', to: '2026-03-01', grain: 'month' as const };
      const result = await queryMetrics(db, org, {
        ...february,
        metrics: [
          'active_customers',
          'new_customers',
          'churned_customers',
          'customer_churn_rate',
          'repeat_purchase_rate',
          'purchase_frequency',
        ],
      });
      assert.equal(one(result.rows, 'active_customers').value, 3); // a, c, e
      assert.equal(one(result.rows, 'new_customers').value, 2); // c, e
      assert.equal(one(result.rows, 'churned_customers').value, 1); // b
      assert.equal(one(result.rows, 'customer_churn_rate').value, 1 / 2); // of a and b
      // Ordering customers in February: a (2), c (1), e (3).
      const repeat = one(result.rows, 'repeat_purchase_rate');
      assert.equal(repeat.n, 3);
      assert.equal(repeat.value, 2 / 3);
      assert.ok(repeat.ci_low! < 2 / 3 && repeat.ci_high! > 2 / 3);
      assert.equal(one(result.rows, 'purchase_frequency').value, 6 / 3);
      // A 30-day window: b lapsed long ago and a's June order too; a is new again in February.
      const short = await queryMetrics(db, org, {
        ...february,
        metrics: ['active_customers', 'customer_churn_rate', 'new_customers'],
        options: {
          active_customers: { activity_window_days: 30 },
          customer_churn_rate: { activity_window_days: 30 },
          new_customers: { activity: 'orders', activity_window_days: 30 },
        },
      });
      assert.equal(one(short.rows, 'active_customers').value, 3); // a (to 2026-03-22), c (03-07), e (03-11)
      assert.equal(one(short.rows, 'customer_churn_rate').value, null); // nobody active on 1 February
      assert.equal(one(short.rows, 'new_customers').value, 2); // first activity ever: a in 2025, so c and e
    });
  });
}
