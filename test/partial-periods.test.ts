import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { importRecords } from '../src/ingest/index.ts';
import { queryMetrics } from '../src/metrics/index.ts';
import { createTestOrg, variants } from './helpers/databases.ts';

// A row says when its period is not complete: cut by the range, ending after now, or not inside
// the span of the data it is computed from; with compare, whether the period compared with is.
const day = (date: string, hour = 10) => `${date}T${String(hour).padStart(2, '0')}:00:00Z`;
const localDay = (d: Date) => d.toISOString().slice(0, 10);

for (const variant of variants) {
  describe(`partial periods (${variant.name})`, async () => {
    const db = await variant.db();
    const org = { ...(await createTestOrg(db)), timezone: 'UTC' };
    // Tickets from 5 January to 9 March 2026, one every day.
    const tickets = [];
    for (let t = Date.parse('2026-01-05T00:00:00Z'); t <= Date.parse('2026-03-09T00:00:00Z'); t += 86_400_000) {
      tickets.push({ id: `t-${t}`, created_at: day(localDay(new Date(t))), channel: 'email' });
    }
    await importRecords(db, org, 'tickets', { objects: tickets });

    test('months before, after and at the edges of the data are partial; whole ones are not', async () => {
      const result = await queryMetrics(db, org, {
        metrics: ['tickets_created'],
        from: '2025-12-01',
        to: '2026-05-01',
        compare: 'previous',
      });
      const rows = new Map(result.rows.map((r) => [r.period, r]));
      assert.deepEqual(
        result.rows.map((r) => [r.period, r.value, r.partial, r.previous_partial]),
        [
          ['2025-12-01', null, true, true],
          ['2026-01-01', 27, true, true],
          ['2026-02-01', 28, false, true],
          ['2026-03-01', 9, true, false],
          ['2026-04-01', null, true, true],
        ],
      );
      assert.equal(rows.get('2026-03-01')!.previous, 28);
      assert.deepEqual(result.meta.data_span, { tickets_created: { first: '2026-01-05', last: '2026-03-09' } });
    });

    test('a period cut by the range is partial; grain all is the range', async () => {
      const cut = await queryMetrics(db, org, { metrics: ['tickets_created'], from: '2026-02-10', to: '2026-03-01' });
      assert.deepEqual(
        cut.rows.map((r) => [r.period, r.value, r.partial]),
        [['2026-02-01', 19, true]],
      );
      const all = await queryMetrics(db, org, {
        metrics: ['tickets_created'],
        from: '2026-02-01',
        to: '2026-03-01',
        grain: 'all',
        compare: 'previous',
      });
      // February is whole; the 31 days before it start before the data (5 January).
      assert.deepEqual(
        all.rows.map((r) => [r.value, r.partial, r.previous, r.previous_partial]),
        [[28, false, 27, true]],
      );
    });

    test('a period that ends after now is partial even where the data covers it', async () => {
      const costs = { ...(await createTestOrg(db)), timezone: 'UTC' };
      const now = new Date();
      const month = `${localDay(now).slice(0, 7)}-01`;
      const next = localDay(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)));
      const after = localDay(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 2, 0)));
      const before = localDay(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)));
      await importRecords(db, costs, 'costs', {
        objects: [
          { id: 'k1', category: 'support', amount: 90, currency: 'EUR', period_start: before, period_end: after },
        ],
      });
      const result = await queryMetrics(db, costs, {
        metrics: ['support_cost'],
        from: before,
        to: localDay(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 2, 1))),
      });
      assert.deepEqual(
        result.rows.map((r) => [r.period, r.partial]),
        [
          [before, false],
          [month, true],
          [next, true],
        ],
      );
      assert.deepEqual(result.meta.data_span.support_cost, { first: before, last: after });
    });

    test('a combined metric is whole only where all its parts have data', async () => {
      const book = { ...(await createTestOrg(db)), timezone: 'UTC' };
      await importRecords(db, book, 'customers', { objects: [{ id: 'c1' }] });
      await importRecords(db, book, 'subscriptions', {
        objects: [
          {
            id: 's1',
            customer_id: 'c1',
            started_at: '2025-01-01T00:00:00Z',
            ended_at: '2026-06-30T00:00:00Z',
            mrr: 10,
            currency: 'EUR',
          },
        ],
      });
      await importRecords(db, book, 'orders', {
        objects: [
          { id: 'o1', customer_id: 'c1', ordered_at: day('2026-02-01'), amount: 5, currency: 'EUR' },
          { id: 'o2', customer_id: 'c1', ordered_at: day('2026-04-20'), amount: 5, currency: 'EUR' },
        ],
      });
      const result = await queryMetrics(db, book, {
        metrics: ['revenue', 'mrr'],
        from: '2026-01-01',
        to: '2026-05-01',
      });
      const flags = (metric: string) => result.rows.filter((r) => r.metric === metric).map((r) => r.partial);
      assert.deepEqual(flags('revenue'), [true, false, false, true]);
      assert.deepEqual(flags('mrr'), [false, false, false, false]);
      assert.deepEqual(result.meta.data_span.revenue, { first: '2026-02-01', last: '2026-04-20' });
    });
  });
}
