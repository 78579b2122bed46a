import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createApiKey } from '../src/auth/index.ts';
import { addBenchmark, deleteBenchmark, INDUSTRY_BENCHMARKS, listBenchmarks } from '../src/analytics/index.ts';
import { loadConfig } from '../src/config.ts';
import { createApp } from '../src/http/app.ts';
import { createLogger } from '../src/http/logger.ts';
import { getMetric } from '../src/metrics/index.ts';
import { createTestOrg, variants } from './helpers/databases.ts';

test('every shipped benchmark names a catalog metric, a range in its unit and a source', () => {
  for (const b of INDUSTRY_BENCHMARKS) {
    const metric = getMetric(b.metric);
    assert.ok(metric, b.id);
    assert.ok(b.low !== null || b.high !== null, b.id);
    assert.ok(b.low === null || b.high === null || b.low <= b.high, b.id);
    if (metric.unit === 'ratio')
      assert.ok(
        [b.low, b.high].every((v) => v === null || (v >= 0 && v <= 2)),
        b.id,
      );
    assert.ok(b.source.title.length > 0, b.id);
  }
});

for (const variant of variants) {
  describe(`benchmarks on ${variant.name}`, () => {
    test("an organization's own beside the shipped set, separate from targets", async () => {
      const db = await variant.db();
      const org = await createTestOrg(db);
      const other = await createTestOrg(db);
      const own = await addBenchmark(db, org.id, 'test', {
        metric: 'csat',
        low: 0.8,
        high: 0.9,
        source: 'Retail association 2026',
        segment: 'retail',
      });
      const csat = await listBenchmarks(db, org.id, 'csat');
      assert.deepEqual(
        csat.map((b) => [b.origin, b.segment]),
        [
          ['industry', 'all industries'],
          ['organization', 'retail'],
        ],
      );
      assert.equal((await listBenchmarks(db, other.id, 'csat')).length, 1);
      await assert.rejects(
        addBenchmark(db, org.id, 'test', { metric: 'csat', low: 0.9, high: 0.8, source: 'x' }),
        /high: low must not exceed high/,
      );
      await assert.rejects(addBenchmark(db, org.id, 'test', { metric: 'csat', source: 'x' }), /give low, high or both/);
      await assert.rejects(
        addBenchmark(db, org.id, 'test', { metric: 'csat', low: 0.1, source: ' ' }),
        /say where the range comes from/,
      );
      await assert.rejects(
        addBenchmark(db, org.id, 'test', { metric: 'csat', low: 0.8, high: 0.9, source: 'y', segment: 'retail' }),
        (e: Error & { status?: number }) => e.status === 409,
      );
      await assert.rejects(deleteBenchmark(db, other.id, own.id), (e: Error & { status?: number }) => e.status === 404);
      await deleteBenchmark(db, org.id, own.id);
      assert.equal((await listBenchmarks(db, org.id, 'csat')).length, 1);

      const app = createApp({ db, config: loadConfig({}, {}), logger: createLogger('silent') });
      const read = (await createApiKey(db.kysely, org.id, { name: 'read', scope: 'read' })).key;
      const full = (await createApiKey(db.kysely, org.id, { name: 'full', scope: 'full' })).key;
      const call = (key: string, method: string, url: string, body?: unknown) =>
        app.request(url, {
          method,
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      const listed = (await (await call(read, 'GET', '/api/v1/benchmarks?metric=support_cost_to_revenue')).json()) as {
        version: string;
        benchmarks: Array<{ high: number }>;
      };
      assert.equal(listed.version, '2026-12');
      assert.deepEqual(
        listed.benchmarks.map((b) => b.high),
        [0.1],
      );
      assert.equal(
        (await call(read, 'POST', '/api/v1/benchmarks', { metric: 'csat', low: 0.8, source: 'x' })).status,
        403,
      );
      assert.equal(
        (await call(full, 'POST', '/api/v1/benchmarks', { metric: 'csat', low: 0.8, source: 'x' })).status,
        201,
      );
      assert.equal(
        (await call(full, 'POST', '/api/v1/benchmarks', { metric: 'nope', low: 0.8, source: 'x' })).status,
        400,
      );
    });
  });
}
