import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { createApiKey } from '../src/auth/index.ts';
import { loadConfig } from '../src/config.ts';
import { createApp } from '../src/http/app.ts';
import { createLogger, runWithRequestId } from '../src/http/logger.ts';
import { enqueueJobs } from '../src/jobs/index.ts';
import { createTestOrg, variants } from './helpers/databases.ts';

const TOKEN = 'scrape-token-0123456789abcdef';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * A strict reader of the Prometheus text format (0.0.4): every line is a HELP, a TYPE or a
 * sample; a sample belongs to a family typed before it; no series twice; histogram buckets are
 * cumulative and end with +Inf equal to _count.
 */
function parseExposition(text: string): Sample[] {
  assert.ok(text.endsWith('\n'), 'ends with a newline');
  const types = new Map<string, string>();
  const helps = new Set<string>();
  const seen = new Set<string>();
  const samples: Sample[] = [];
  const name = '[a-zA-Z_:][a-zA-Z0-9_:]*';
  const label = `[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"`;
  const sampleLine = new RegExp(`^(${name})(?:\\{((?:${label})(?:,${label})*)?\\})? (\\S+)$`);
  for (const [i, line] of text.slice(0, -1).split('\n').entries()) {
    const where = `line ${i + 1}: ${line}`;
    let m: RegExpExecArray | null;
    if ((m = new RegExp(`^# HELP (${name}) .+$`).exec(line))) {
      assert.ok(!helps.has(m[1]!), `HELP once: ${where}`);
      helps.add(m[1]!);
    } else if ((m = new RegExp(`^# TYPE (${name}) (counter|gauge|histogram|summary|untyped)$`).exec(line))) {
      assert.ok(!types.has(m[1]!), `TYPE once: ${where}`);
      types.set(m[1]!, m[2]!);
    } else if ((m = sampleLine.exec(line))) {
      const labels: Record<string, string> = {};
      for (const pair of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
        labels[pair[1]!] = pair[2]!.replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1');
      }
      assert.match(m[3]!, /^(?:[+-]?\d+(?:\.\d+)?(?:e[+-]?\d+)?|\+Inf|-Inf|NaN)$/, `value: ${where}`);
      const value = m[3] === '+Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : Number(m[3]);
      const family = types.has(m[1]!) ? m[1]! : m[1]!.replace(/_(bucket|sum|count)$/, '');
      assert.ok(types.has(family), `typed before its samples: ${where}`);
      if (family !== m[1]) assert.equal(types.get(family), 'histogram', where);
      const key = `${m[1]}${JSON.stringify(Object.entries(labels).sort())}`;
      assert.ok(!seen.has(key), `no series twice: ${where}`);
      seen.add(key);
      samples.push({ name: m[1]!, labels, value });
    } else assert.fail(`not Prometheus text: ${where}`);
  }
  for (const [family, type] of types) {
    if (type !== 'histogram') continue;
    const counts = samples.filter((s) => s.name === `${family}_count`);
    for (const count of counts) {
      const same = (s: Sample) =>
        Object.entries(count.labels).every(([k, v]) => s.labels[k] === v) &&
        Object.keys(s.labels).length === Object.keys(count.labels).length + 1;
      const buckets = samples.filter((s) => s.name === `${family}_bucket` && same(s));
      for (let i = 1; i < buckets.length; i++) assert.ok(buckets[i]!.value >= buckets[i - 1]!.value, 'cumulative');
      assert.equal(buckets.at(-1)!.labels.le, '+Inf');
      assert.equal(buckets.at(-1)!.value, count.value, '+Inf bucket equals _count');
    }
  }
  return samples;
}

function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

for (const variant of variants) {
  describe(`operations on ${variant.name}`, () => {
    async function setup(config: Record<string, string> = { CXKPI_METRICS_TOKEN: TOKEN }) {
      const db = await variant.db();
      const org = await createTestOrg(db);
      const lines: string[] = [];
      const app = createApp({
        db,
        config: loadConfig({}, config),
        logger: createLogger('info', (line) => void lines.push(line)),
      });
      const key = (await createApiKey(db.kysely, org.id, { name: 'test', scope: 'full' })).key;
      const scrape = async () => {
        const response = await app.request('/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
        assert.equal(response.status, 200);
        assert.match(response.headers.get('content-type')!, /^text\/plain; version=0\.0\.4/);
        return parseExposition(await response.text());
      };
      return { db, org, app, key, lines, scrape };
    }

    test('GET /metrics is off without CXKPI_METRICS_TOKEN and needs the token when on', async () => {
      const off = await setup({});
      assert.equal((await off.app.request('/metrics', { headers: { authorization: `Bearer ${TOKEN}` } })).status, 404);

      const { app } = await setup();
      const none = await app.request('/metrics');
      assert.equal(none.status, 401);
      assert.match(none.headers.get('www-authenticate')!, /^Bearer/);
      for (const wrong of [`${TOKEN}x`, TOKEN.slice(0, -1), 'short']) {
        const response = await app.request('/metrics', { headers: { authorization: `Bearer ${wrong}` } });
        assert.equal(response.status, 401, wrong);
      }
      const ok = await app.request('/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
      assert.equal(ok.status, 200);
      assert.throws(() => loadConfig({}, { CXKPI_METRICS_TOKEN: 'short' }), /metricsToken \(CXKPI_METRICS_TOKEN\)/);
    });

    test('requests are counted by route pattern and status, with latency histograms', async () => {
      const { app, key, scrape } = await setup();
      const auth = { authorization: `Bearer ${key}` };
      const before = await scrape();
      const route = { method: 'GET', route: '/api/v1/surveys/:id', status: '404' };
      const start = value(before, 'cxkpi_http_requests_total', route) ?? 0;
      for (const id of ['one', 'two', 'three']) {
        assert.equal((await app.request(`/api/v1/surveys/${id}`, { headers: auth })).status, 404);
      }
      await app.request('/s/not-a-real-token');
      await app.request('/api/v1/health');
      await app.request('/nowhere', { method: 'POST' });
      const after = await scrape();
      assert.equal(value(after, 'cxkpi_http_requests_total', route), start + 3);
      assert.ok(!after.some((s) => s.labels.route?.includes('three')), 'no raw paths as labels');
      assert.ok(value(after, 'cxkpi_http_requests_total', { route: '/s/:token' })! >= 1);
      assert.ok(value(after, 'cxkpi_http_requests_total', { route: '/api/v1/health', status: '200' })! >= 1);
      assert.ok(value(after, 'cxkpi_http_requests_total', { method: 'POST', route: 'unmatched', status: '404' })! >= 1);
      const latency = { method: 'GET', route: '/api/v1/surveys/:id' };
      assert.ok(value(after, 'cxkpi_http_request_duration_seconds_count', latency)! >= 3);
      assert.ok(value(after, 'cxkpi_http_request_duration_seconds_sum', latency)! > 0);
      // The scrape before this one was counted too.
      assert.ok(value(after, 'cxkpi_http_requests_total', { route: '/metrics', status: '200' })! >= 1);
    });

    test('import rows by entity and outcome; dry runs are not counted', async () => {
      const { app, key, scrape } = await setup();
      const post = (body: string, query = '') =>
        app.request(`/api/v1/import/teams${query}`, {
          method: 'POST',
          body,
          headers: { authorization: `Bearer ${key}`, 'content-type': 'text/csv' },
        });
      assert.equal((await post('id,name\nt1,Billing\nt2,Sales\n')).status, 200);
      assert.equal((await post('id,name\nt1,Billing\nt2,Sales team\nt3,New\n')).status, 200);
      assert.equal((await post('id,name\nt9,Dry\n', '?dry_run=true')).status, 200);
      const rejected = await post('id,name\n,No id\n');
      assert.equal(rejected.status, 400);
      const samples = await scrape();
      const rows = (outcome: string) => value(samples, 'cxkpi_import_rows_total', { entity: 'teams', outcome });
      assert.deepEqual(
        ['inserted', 'updated', 'unchanged', 'rejected'].map(rows),
        [3, 1, 1, 1],
        'per app: t1 t2 inserted, then t3 inserted, t2 updated, t1 unchanged; one rejected',
      );
      assert.equal(value(samples, 'cxkpi_imports_total', { entity: 'teams', status: 'succeeded' }), 2);
      assert.equal(value(samples, 'cxkpi_imports_total', { entity: 'teams', status: 'rejected' }), 1);
    });

    test('database pool and job queue gauges', async () => {
      const { db, org, scrape } = await setup();
      const samples = await scrape();
      const backend = variant.name;
      if (variant.name === 'pglite') {
        assert.equal(value(samples, 'cxkpi_db_pool_connections', { backend, state: 'max' }), 1);
        assert.equal(value(samples, 'cxkpi_db_pool_connections', { backend, state: 'open' }), 1);
      } else {
        assert.equal(value(samples, 'cxkpi_db_pool_connections', { backend, state: 'max' }), 4);
        assert.ok(value(samples, 'cxkpi_db_pool_connections', { backend, state: 'open' })! >= 1);
      }
      assert.equal(value(samples, 'cxkpi_db_pool_waiting', { backend }), 0);
      assert.equal(value(samples, 'cxkpi_database_up'), 1);
      assert.equal(value(samples, 'cxkpi_smtp_configured'), 0);

      // The queue depth counts the job table by kind: waiting and running, and dead apart.
      const kind = `ops.${randomUUID().slice(0, 8)}`;
      await enqueueJobs(
        db,
        ['a', 'b', 'c'].map((key) => ({ orgId: org.id, kind, key })),
      );
      await db.kysely
        .updateTable('job')
        .set({ state: 'dead' })
        .where('org_id', '=', org.id)
        .where('key', '=', 'c')
        .execute();
      const after = await scrape();
      assert.equal(value(after, 'cxkpi_job_queue_depth', { kind }), 2);
      assert.equal(value(after, 'cxkpi_jobs_dead', { kind }), 1);
    });

    test('a request id on every log line of a request and in error answers', async () => {
      const { app, lines } = await setup();
      const mine = 'proxy-7f3a9c.1';
      const response = await app.request('/api/v1/surveys/x', { headers: { 'x-request-id': mine } });
      assert.equal(response.status, 401);
      assert.equal(response.headers.get('x-request-id'), mine);
      const body = (await response.json()) as { error: { code: string; request_id: string } };
      assert.deepEqual([body.error.code, body.error.request_id], ['unauthorized', mine]);
      const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.request_id === mine);
      assert.equal(logged.length, 1);
      assert.equal(logged[0]!.message, 'request');

      // Ids that are not plain tokens are replaced, never echoed or logged.
      for (const bad of ['has space', 'a'.repeat(129), 'x"}{', 'é']) {
        const answer = await app.request('/nowhere', { method: 'POST', headers: { 'x-request-id': bad } });
        const id = answer.headers.get('x-request-id')!;
        assert.match(id, /^[0-9a-f-]{36}$/, bad);
        assert.equal(((await answer.json()) as { error: { request_id: string } }).error.request_id, id);
      }
    });

    test('log lines written inside a request carry its id (AsyncLocalStorage)', async () => {
      const lines: string[] = [];
      const logger = createLogger('info', (line) => void lines.push(line));
      await runWithRequestId('req-1', async () => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        logger.info('deep inside');
      });
      logger.info('outside');
      assert.deepEqual(
        lines.map((l) => JSON.parse(l)).map((l) => [l.message, l.request_id]),
        [
          ['deep inside', 'req-1'],
          ['outside', undefined],
        ],
      );

      // A server error: the error log line and the answer name the same request.
      const db = await variant.db();
      const appLines: string[] = [];
      const broken = { ...db, poolStats: () => assert.fail('pool stats broke') };
      const app = createApp({
        db: broken,
        config: loadConfig({}, { CXKPI_METRICS_TOKEN: TOKEN }),
        logger: createLogger('info', (line) => void appLines.push(line)),
      });
      const response = await app.request('/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
      assert.equal(response.status, 500);
      const id = response.headers.get('x-request-id')!;
      const body = (await response.json()) as { error: { code: string; request_id: string } };
      assert.deepEqual([body.error.code, body.error.request_id], ['internal-error', id]);
      const logged = appLines.map((l) => JSON.parse(l) as Record<string, unknown>);
      const failure = logged.find((l) => l.message === 'request failed')!;
      assert.equal(failure.request_id, id);
      assert.match(String(failure.error), /pool stats broke/);
      assert.equal(logged.find((l) => l.message === 'request')!.request_id, id);
    });
  });
}
