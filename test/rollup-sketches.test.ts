import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { importRecords } from '../src/ingest/index.ts';
import { queryMetrics, type MetricQuery } from '../src/metrics/index.ts';
import { EXACT_VALUES, RELATIVE_ERROR } from '../src/metrics/rollups/histogram.ts';
import { createTestOrg, variants } from './helpers/databases.ts';
import { random } from './helpers/rollup-compare.ts';

/**
 * A month with more distinct durations than a month row keeps one by one is kept in logarithmic
 * buckets: its percentiles are within the declared relative error of the exact ones, the answer
 * says so (meta.percentile_error), days stay exact, and `exact: true` reads raw rows.
 */
// March 2026: more distinct first-response times than EXACT_VALUES (a long tail up to ~3 days,
// milliseconds apart); April: a few hundred, kept exactly. June: one day with more than
// EXACT_VALUES of them (a bucketed day row) and a quiet day, so that the month merged from its
// days has fewer distinct keys than the limit yet is only as exact as its bucketed day.
const next = random(11);
const tickets = [
  ...Array.from({ length: EXACT_VALUES + 1500 }, (_, i) => ({ month: '03', i, seconds: 5 + next() ** 3 * 250_000 })),
  ...Array.from({ length: 300 }, (_, i) => ({ month: '04', i, seconds: 60 + Math.floor(next() * 7200) })),
  // Within the day they were created (first responses place the rows), each a distinct value.
  ...Array.from({ length: EXACT_VALUES + 500 }, (_, i) => ({ month: '06', i, seconds: 5 + next() * 20_000 })),
].map(({ month, i, seconds }) => {
  // June: all but 40 tickets on the 2nd, the rest on the 20th.
  const day = month === '06' ? (i < 40 ? 19 : 1) : i % 26;
  const spread = month === '06' ? 3_000 : 37_000;
  const created = Date.parse(`2026-${month}-01T00:00:00Z`) + day * 86_400_000 + (i % 997) * spread;
  return {
    id: `t-${month}-${i}`,
    created_at: new Date(created).toISOString(),
    first_response_at: new Date(created + Math.round(seconds * 1000)).toISOString(),
    team_id: i % 2 ? 'a' : 'b',
    channel: i % 3 ? 'email' : 'chat',
  };
});

for (const variant of variants) {
  describe(`percentiles of busy months (${variant.name})`, async () => {
    const db = await variant.db();
    const org = { ...(await createTestOrg(db)), timezone: 'UTC' };
    await importRecords(db, org, 'teams', {
      objects: [
        { id: 'a', name: 'A' },
        { id: 'b', name: 'B' },
      ],
    });
    await importRecords(db, org, 'tickets', { objects: tickets });

    const both = async (query: Omit<MetricQuery, 'metrics'>, options = {}) => {
      const q = { ...query, metrics: ['first_response_time'], options: { first_response_time: options } };
      const [rolled, raw] = await Promise.all([queryMetrics(db, org, q), queryMetrics(db, org, { ...q, exact: true })]);
      assert.equal(rolled.meta.source.first_response_time, 'rollup');
      assert.equal(raw.meta.source.first_response_time, 'raw');
      assert.equal(rolled.rows.length, raw.rows.length);
      return { rolled, raw };
    };

    test('a month beyond the exact limit: within the declared error, and the answer says so', async () => {
      for (const aggregate of ['median', 'p90']) {
        const { rolled, raw } = await both({ from: '2026-03-01', to: '2026-05-01', grain: 'month' }, { aggregate });
        assert.equal(rolled.meta.percentile_error.first_response_time, RELATIVE_ERROR);
        assert.equal(raw.meta.percentile_error.first_response_time, undefined);
        const [march, april] = rolled.rows;
        assert.equal(march!.n, raw.rows[0]!.n);
        const exact = raw.rows[0]!.value!;
        const relative = Math.abs(march!.value! - exact) / exact;
        assert.ok(relative <= RELATIVE_ERROR, `${aggregate}: ${march!.value} vs ${exact} (${relative})`);
        // Not rounded to the exact value either: the buckets really answered.
        assert.notEqual(march!.value, exact);
        // April has few values: exact.
        assert.ok(Math.abs(april!.value! - raw.rows[1]!.value!) <= 1e-9 * raw.rows[1]!.value!);
      }
    });

    test('a month with a bucketed day is bucketed too, and says so', async () => {
      const day = await both({ from: '2026-06-02', to: '2026-06-03', grain: 'day' });
      assert.equal(day.rolled.meta.percentile_error.first_response_time, RELATIVE_ERROR);
      const { rolled, raw } = await both({ from: '2026-06-01', to: '2026-07-01', grain: 'month' });
      assert.equal(rolled.meta.percentile_error.first_response_time, RELATIVE_ERROR);
      const exact = raw.rows[0]!.value!;
      assert.ok(
        Math.abs(rolled.rows[0]!.value! - exact) <= RELATIVE_ERROR * exact,
        `${rolled.rows[0]!.value} vs ${exact}`,
      );
      assert.equal(rolled.rows[0]!.n, raw.rows[0]!.n);
    });

    test('a quarter of a bucketed and an exact month, and days, by team', async () => {
      const { rolled, raw } = await both({ from: '2026-01-01', to: '2026-07-01', grain: 'quarter', by: ['team'] });
      for (const [i, row] of rolled.rows.entries()) {
        const exact = raw.rows[i]!;
        assert.equal(row.n, exact.n);
        if (exact.value === null) assert.equal(row.value, null);
        else assert.ok(Math.abs(row.value! - exact.value) <= RELATIVE_ERROR * exact.value + 1e-9);
      }
      // Day rows keep every value: exact, and no error declared.
      const days = await both({ from: '2026-03-02', to: '2026-03-09', grain: 'day' });
      assert.equal(days.rolled.meta.percentile_error.first_response_time, undefined);
      days.rolled.rows.forEach((row, i) => assert.ok(Math.abs(row.value! - days.raw.rows[i]!.value!) <= 1e-6));
      // By team, each team's March has fewer values than the limit: kept exactly, within the error too.
      const teams = await both({ from: '2026-03-01', to: '2026-04-01', grain: 'month', by: ['team'] });
      teams.rolled.rows.forEach((row, i) => {
        const exact = teams.raw.rows[i]!.value!;
        assert.ok(Math.abs(row.value! - exact) <= RELATIVE_ERROR * exact + 1e-9);
      });
    });
  });
}
