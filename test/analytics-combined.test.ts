import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { importRecords } from '../src/ingest/index.ts';
import { computeCohorts } from '../src/analytics/index.ts';
import { queryMetrics, type MetricRow } from '../src/metrics/index.ts';
import { createTestOrg, variants } from './helpers/databases.ts';

/**
 * The seed questions of issue 18 as one query each, on four customers: a waited 2 h for a first
 * response (an SLA miss) and then rated CSAT 5, b was answered in 10 min and rated 2, c was
 * answered in 10 min and rated 5, d never contacted support. Each bought once in February; a and
 * b left in February, a in March.
 */
for (const variant of variants) {
  describe(`combined analysis on ${variant.name}`, () => {
    async function setup() {
      const db = await variant.db();
      const org = await createTestOrg(db, { timezone: 'UTC' });
      await importRecords(db, org, 'customers', {
        objects: ['a', 'b', 'c', 'd'].map((id) => ({ id, segment: id === 'd' ? 'smb' : 'enterprise' })),
      });
      await importRecords(db, org, 'subscriptions', {
        objects: ['a', 'b', 'c', 'd'].map((id) => ({
          id: `s-${id}`,
          customer_id: id,
          mrr: 50,
          started_at: '2025-12-01T00:00:00Z',
          ended_at: id === 'a' ? '2026-03-15T00:00:00Z' : id === 'b' ? '2026-02-10T00:00:00Z' : undefined,
        })),
      });
      const ticket = (id: string, customer: string, minutes: number) => ({
        id,
        customer_id: customer,
        channel: 'email',
        created_at: '2026-01-05T10:00:00Z',
        first_response_at: new Date(Date.parse('2026-01-05T10:00:00Z') + minutes * 60_000).toISOString(),
      });
      await importRecords(db, org, 'tickets', {
        objects: [ticket('ta', 'a', 120), ticket('tb', 'b', 10), ticket('tc', 'c', 10)],
      });
      await importRecords(db, org, 'survey_responses', {
        objects: [
          ['ra', 'a', 'ta', 5],
          ['rb', 'b', 'tb', 2],
          ['rc', 'c', 'tc', 5],
        ].map(([id, customer, ticketId, score]) => ({
          id,
          kind: 'csat',
          customer_id: customer,
          ticket_id: ticketId,
          score,
          submitted_at: '2026-01-07T10:00:00Z',
        })),
      });
      await importRecords(db, org, 'orders', {
        objects: [
          ['oa', 'a', 100],
          ['ob', 'b', 200],
          ['oc', 'c', 300],
          ['od', 'd', 400],
        ].map(([id, customer, amount]) => ({ id, customer_id: customer, amount, ordered_at: '2026-02-03T10:00:00Z' })),
      });
      return { db, org };
    }
    const byGroup = (rows: MetricRow[], dim: string) =>
      Object.fromEntries(rows.map((r) => [r.group[dim] ?? 'none', r.value]));

    test('CSAT by first-response bucket', async () => {
      const { db, org } = await setup();
      const r = await queryMetrics(db, org, {
        metrics: ['csat'],
        from: '2026-01-01',
        to: '2026-02-01',
        grain: 'all',
        by: ['ticket.first_response_bucket'],
      });
      assert.deepEqual(byGroup(r.rows, 'ticket.first_response_bucket'), { '< 1 h': 0.5, '1-4 h': 1 });
    });

    test('churn by NPS group works, churn by CSAT group is new', async () => {
      const { db, org } = await setup();
      const r = await queryMetrics(db, org, {
        metrics: ['customer_churn_rate'],
        from: '2026-02-01',
        to: '2026-03-01',
        grain: 'month',
        by: ['csat_group'],
      });
      assert.deepEqual(byGroup(r.rows, 'csat_group'), { satisfied: 0, not_satisfied: 1, none: 0 });
      const nps = await queryMetrics(db, org, {
        metrics: ['customer_churn_rate'],
        from: '2026-02-01',
        to: '2026-03-01',
        by: ['nps_group'],
      });
      assert.deepEqual(byGroup(nps.rows, 'nps_group'), { none: 0.25 });
    });

    test('revenue and ARPU by support experience', async () => {
      const { db, org } = await setup();
      const q = (metric: string) =>
        queryMetrics(db, org, {
          metrics: [metric],
          from: '2026-02-01',
          to: '2026-03-01',
          grain: 'month',
          by: ['customer.support_experience'],
        });
      const orders = await q('order_revenue');
      assert.deepEqual(byGroup(orders.rows, 'customer.support_experience'), {
        sla_missed_or_low_csat: 300,
        good: 300,
        no_contact: 400,
      });
      const [revenue, active, arpu] = await Promise.all([q('revenue'), q('average_active_customers'), q('arpu')]);
      const dim = 'customer.support_experience';
      for (const row of arpu.rows) {
        const g = row.group[dim];
        const rev = revenue.rows.find((r) => r.group[dim] === g)!.value!;
        const avg = active.rows.find((r) => r.group[dim] === g)!.value!;
        assert.ok(Math.abs(row.value! - rev / avg) < 1e-9, `ARPU of ${g}: ${row.value} vs ${rev} / ${avg}`);
      }
      assert.deepEqual(arpu.rows.map((r) => r.group[dim]).sort(), ['good', 'no_contact', 'sla_missed_or_low_csat']);
    });

    test('cohorts split by the CSAT of the first ticket', async () => {
      const { db, org } = await setup();
      const result = await computeCohorts(
        db,
        org,
        { metric: 'customer_retention', from: '2025-12-01', to: '2026-03-01', by: 'first_ticket_csat_group' },
        new Date('2026-06-01T00:00:00Z'),
      );
      assert.equal(result.meta.basis, 'subscriptions');
      const cells = Object.fromEntries(
        result.cohorts.map((c) => [c.group, c.cells.map((cell) => `${cell.retained}/${cell.n}`)]),
      );
      // December cohort; months 0, 1, 2 end on Jan 1, Feb 1, Mar 1: b left on Feb 10, a only in March.
      assert.deepEqual(cells, {
        satisfied: ['2/2', '2/2', '2/2'],
        not_satisfied: ['1/1', '1/1', '0/1'],
        no_ticket: ['1/1', '1/1', '1/1'],
      });
      const revenue = await computeCohorts(
        db,
        org,
        { metric: 'revenue_retention', from: '2025-12-01', to: '2026-03-01' },
        new Date('2026-06-01T00:00:00Z'),
      );
      assert.deepEqual(
        revenue.cohorts[0]!.cells.map((c) => c.value),
        [1, 1, 0.75],
      );
      assert.ok(revenue.cohorts[0]!.cells.every((c) => !c.partial));
      // Only whole months of the range count: mid-month ends give the same matrix.
      const cut = await computeCohorts(
        db,
        org,
        { metric: 'revenue_retention', from: '2025-11-15', to: '2026-03-20' },
        new Date('2026-06-01T00:00:00Z'),
      );
      assert.deepEqual(cut.cohorts, revenue.cohorts);
      await assert.rejects(
        computeCohorts(db, org, { metric: 'customer_retention', from: '2026-01-05', to: '2026-01-25' }),
        /no whole month/,
      );
    });
  });
}
