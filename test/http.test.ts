import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createApiKey, revokeApiKey } from '../src/auth/index.ts';
import { loadConfig } from '../src/config.ts';
import { createApp } from '../src/http/app.ts';
import { createLogger } from '../src/http/logger.ts';
import { queryMetrics } from '../src/metrics/index.ts';
import { createTestOrg, variants } from './helpers/databases.ts';

for (const variant of variants) {
  describe(`HTTP API on ${variant.name}`, () => {
    async function setup() {
      const db = await variant.db();
      const org = await createTestOrg(db, { timezone: 'Europe/Vilnius' });
      const lines: string[] = [];
      const app = createApp({
        db,
        config: loadConfig({}, {}),
        logger: createLogger('info', (line) => void lines.push(line)),
      });
      const full = (await createApiKey(db.kysely, org.id, { name: 'test', scope: 'full' })).key;
      const read = (await createApiKey(db.kysely, org.id, { name: 'reader', scope: 'read' })).key;
      const ingest = (await createApiKey(db.kysely, org.id, { name: 'ingest', scope: 'ingest' })).key;
      const auth = (key: string, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${key}`, ...extra });
      return { db, org, app, full, read, ingest, auth, lines };
    }

    test('health answers without a key and names the backend', async () => {
      const { app } = await setup();
      const response = await app.request('/api/v1/health');
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json().then((b: any) => [b.status, b.database.backend]), ['ok', variant.name]);
    });

    test('import needs a valid key of the right scope; a revoked key stops at once', async () => {
      const { app, db, org, read, auth, lines } = await setup();
      const body = 'id,name\nt1,Billing\n';
      const none = await app.request('/api/v1/import/teams', {
        method: 'POST',
        body,
        headers: { 'content-type': 'text/csv' },
      });
      assert.equal(none.status, 401);
      assert.equal(((await none.json()) as any).error.code, 'unauthorized');
      const wrongScope = await app.request('/api/v1/import/teams', {
        method: 'POST',
        body,
        headers: auth(read, { 'content-type': 'text/csv' }),
      });
      assert.equal(wrongScope.status, 403);
      const { key, info } = await createApiKey(db.kysely, org.id, { name: 'short-lived', scope: 'ingest' });
      const ok = await app.request('/api/v1/import/teams', {
        method: 'POST',
        body,
        headers: auth(key, { 'content-type': 'text/csv' }),
      });
      assert.equal(ok.status, 200);
      await revokeApiKey(db.kysely, org.id, info.id);
      const revoked = await app.request('/api/v1/import/teams', {
        method: 'POST',
        body,
        headers: auth(key, { 'content-type': 'text/csv' }),
      });
      assert.equal(revoked.status, 401);
      assert.ok(!lines.join('').includes(key), 'keys never reach the log');
    });

    test('CSV, JSON Lines and JSON bodies import through the same code as the CLI', async () => {
      const { app, ingest, auth } = await setup();
      const csv = await app.request('/api/v1/import/tickets?map=Opened=created_at&set=channel=email', {
        method: 'POST',
        headers: auth(ingest, { 'content-type': 'text/csv' }),
        body: 'id,Opened\nh1,2026-04-01 09:00\nh2,2026-04-02 09:00\n',
      });
      assert.equal(csv.status, 200);
      assert.deepEqual(await csv.json().then((b: any) => [b.status, b.inserted]), ['succeeded', 2]);
      const ndjson = await app.request('/api/v1/import/tickets', {
        method: 'POST',
        headers: auth(ingest, { 'content-type': 'application/x-ndjson' }),
        body: '{"id":"h2","created_at":"2026-04-02T06:00:00Z","channel":"email"}\n{"id":"h3","created_at":"2026-04-03T06:00:00Z"}\n',
      });
      assert.deepEqual(await ndjson.json().then((b: any) => [b.inserted, b.unchanged]), [1, 1]);
      const json = await app.request('/api/v1/import/tickets', {
        method: 'POST',
        headers: auth(ingest, { 'content-type': 'application/json' }),
        body: JSON.stringify([{ id: 'h4', created_at: 'soon' }]),
      });
      assert.equal(json.status, 400);
      const rejected = (await json.json()) as any;
      assert.equal(rejected.error.code, 'records-rejected');
      assert.deepEqual(rejected.error.details, [
        {
          line: 1,
          id: 'h4',
          field: 'created_at',
          reason: '"soon" is not an ISO 8601 timestamp such as 2026-03-01T09:30:00Z',
        },
      ]);
      const unknown = await app.request('/api/v1/import/widgets', {
        method: 'POST',
        headers: auth(ingest),
        body: '[]',
      });
      assert.equal(unknown.status, 400);
      assert.equal(((await unknown.json()) as any).error.code, 'unknown-entity');
    });

    test('rows: filters, time range, keyset paging and CSV', async () => {
      const { app, full, read, auth } = await setup();
      const records = Array.from({ length: 25 }, (_, i) => ({
        id: `p${String(i).padStart(2, '0')}`,
        created_at: new Date(Date.UTC(2026, 4, 1 + i, 8)).toISOString(),
        channel: i % 2 ? 'chat' : 'email',
        attributes: { region: i % 3 ? 'north' : 'south' },
      }));
      await app.request('/api/v1/import/tickets', {
        method: 'POST',
        headers: auth(full, { 'content-type': 'application/json' }),
        body: JSON.stringify(records),
      });

      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: any = await (
          await app.request(`/api/v1/tickets?limit=10${cursor ? `&cursor=${cursor}` : ''}`, { headers: auth(read) })
        ).json();
        seen.push(...page.rows.map((r: any) => r.id));
        cursor = page.next_cursor;
      } while (cursor);
      assert.deepEqual(seen, records.map((r) => r.id).reverse(), 'newest first, every row once');

      const filtered: any = await (
        await app.request('/api/v1/tickets?channel=chat&attributes.region=north&from=2026-05-05&to=2026-05-15', {
          headers: auth(read),
        })
      ).json();
      const expected = records.filter(
        (r, i) =>
          i % 2 === 1 &&
          i % 3 !== 0 &&
          r.created_at >= '2026-05-04T21:00:00.000Z' &&
          r.created_at < '2026-05-14T21:00:00.000Z',
      );
      assert.deepEqual(filtered.rows.map((r: any) => r.id).sort(), expected.map((r) => r.id).sort());
      assert.ok(expected.length > 0);

      const csv = await app.request('/api/v1/tickets?format=csv&limit=2', { headers: auth(read) });
      assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
      const lines = (await csv.text())
        .replace(/^\ufeff/, '')
        .trim()
        .split('\r\n');
      assert.equal(lines.length, 3);
      assert.ok(lines[0]!.startsWith('id,customer_id,agent_id,team_id,channel'));
      assert.ok(csv.headers.get('x-next-cursor'));

      // The dimensions of a metric query filter rows too: a reference and a related entity's field.
      await app.request('/api/v1/import/customers', {
        method: 'POST',
        headers: auth(full, { 'content-type': 'text/csv' }),
        body: 'id,segment\nc1,smb\nc2,enterprise\n',
      });
      await app.request('/api/v1/import/tickets', {
        method: 'POST',
        headers: auth(full, { 'content-type': 'text/csv' }),
        body:
          'id,created_at,customer_id,team_id\nd1,2026-06-01T08:00:00Z,c1,t1\nd2,2026-06-01T09:00:00Z,c2,t1\n' +
          'd3,2026-06-01T10:00:00Z,c1,t2\n',
      });
      const bySegment: any = await (
        await app.request('/api/v1/tickets?customer.segment=smb&team=t1,t3', { headers: auth(read) })
      ).json();
      assert.deepEqual(
        bySegment.rows.map((r: any) => r.id),
        ['d1'],
      );
      const injected = await app.request(`/api/v1/tickets?customer.segment=${encodeURIComponent("x') or true --")}`, {
        headers: auth(read),
      });
      assert.deepEqual(((await injected.json()) as any).rows, []);

      const badFilter = await app.request('/api/v1/tickets?colour=red', { headers: auth(read) });
      assert.equal(badFilter.status, 400);
      assert.match(((await badFilter.json()) as any).error.message, /Cannot filter tickets by "colour"/);
    });

    test('another organization never sees the rows', async () => {
      const first = await setup();
      const second = await setup();
      await first.app.request('/api/v1/import/teams', {
        method: 'POST',
        headers: first.auth(first.full, { 'content-type': 'text/csv' }),
        body: 'id,name\nsecret,Secret team\n',
      });
      const page: any = await (
        await second.app.request('/api/v1/teams?id=secret', { headers: second.auth(second.read) })
      ).json();
      assert.deepEqual(page.rows, []);
    });

    test('the catalog and the query answer the same JSON as the function the CLI calls', async () => {
      const { app, db, org, full, read, auth } = await setup();
      const records = Array.from({ length: 40 }, (_, i) => ({
        id: `q${i}`,
        kind: 'csat',
        score: 1 + (i % 5),
        submitted_at: new Date(Date.UTC(2026, 0, 1 + i)).toISOString(),
      }));
      await app.request('/api/v1/import/survey_responses', {
        method: 'POST',
        headers: auth(full, { 'content-type': 'application/json' }),
        body: JSON.stringify(records),
      });
      const catalog: any = await (await app.request('/api/v1/metrics', { headers: auth(read) })).json();
      assert.ok(catalog.metrics.some((m: any) => m.id === 'csat' && m.names.lt && m.unit === 'ratio'));
      const body = { metrics: ['csat'], from: '2026-01-01', to: '2026-03-01', grain: 'month' as const };
      const response = await app.request('/api/v1/query', {
        method: 'POST',
        headers: auth(read, { 'content-type': 'application/json' }),
        body: JSON.stringify(body),
      });
      assert.equal(response.status, 200);
      const viaHttp: any = await response.json();
      const direct = await queryMetrics(db, org, body);
      assert.deepEqual(viaHttp.rows, JSON.parse(JSON.stringify(direct.rows)));
      assert.deepEqual(
        viaHttp.rows.map((r: any) => [r.period, r.n, r.value]),
        [
          ['2026-01-01', 31, 12 / 31],
          ['2026-02-01', 9, 4 / 9],
        ],
      );
      const bad = await app.request('/api/v1/query', {
        method: 'POST',
        headers: auth(read, { 'content-type': 'application/json' }),
        body: JSON.stringify({ metrics: ['csat'], from: '2026-02-01', to: '2026-01-01' }),
      });
      assert.equal(bad.status, 400);
      assert.equal(((await bad.json()) as any).error.code, 'invalid-query');
    });

    test('custom KPIs: defined with a full key, listed, queried, replaced and deleted', async () => {
      const { app, full, read, auth } = await setup();
      await app.request('/api/v1/import/tickets', {
        method: 'POST',
        headers: auth(full, { 'content-type': 'text/csv' }),
        body:
          'id,created_at,first_response_at,priority\n' +
          'u1,2026-03-02T09:00:00Z,2026-03-02T09:10:00Z,urgent\n' +
          'u2,2026-03-02T09:00:00Z,2026-03-02T10:00:00Z,urgent\n' +
          'u3,2026-03-03T09:00:00Z,,urgent\n' +
          'n1,2026-03-03T09:00:00Z,2026-03-03T09:01:00Z,normal\n',
      });
      const definition = {
        id: 'urgent_fast',
        name: 'Urgent answered within 15 minutes',
        formula: "share(tickets where priority = 'urgent', first_response_minutes <= 15)",
        unit: 'ratio',
      };
      const post = (key: string, body: unknown) =>
        app.request('/api/v1/metrics', {
          method: 'POST',
          headers: auth(key, { 'content-type': 'application/json' }),
          body: JSON.stringify(body),
        });
      assert.equal((await post(read, definition)).status, 403);
      const created = await post(full, definition);
      assert.equal(created.status, 201);
      assert.equal(((await created.json()) as any).names.lt, definition.name);
      const invalid = await post(full, { ...definition, id: 'broken', formula: 'share(tickets, priority = )' });
      assert.equal(invalid.status, 400);
      const error = ((await invalid.json()) as any).error;
      assert.equal(error.code, 'invalid-formula');
      assert.deepEqual(error.details, [
        {
          field: 'formula',
          position: 27,
          reason: 'expected a value (\'text\', a number, true or false) but found ")"',
        },
      ]);
      const catalog = (await (await app.request('/api/v1/metrics', { headers: auth(read) })).json()) as any;
      const listed = catalog.metrics.find((m: any) => m.id === 'urgent_fast');
      assert.deepEqual([listed.custom, listed.formula, listed.uncertainty], [true, definition.formula, 'wilson']);
      assert.equal(catalog.metrics.find((m: any) => m.id === 'csat').custom, false);
      const query = async () => {
        const response = await app.request('/api/v1/query', {
          method: 'POST',
          headers: auth(read, { 'content-type': 'application/json' }),
          body: JSON.stringify({ metrics: ['urgent_fast'], from: '2026-03-01', to: '2026-04-01', grain: 'all' }),
        });
        return ((await response.json()) as any).rows[0];
      };
      assert.deepEqual([(await query()).value, (await query()).n], [1 / 3, 3]);
      const put = await app.request('/api/v1/metrics/urgent_fast', {
        method: 'PUT',
        headers: auth(full, { 'content-type': 'application/json' }),
        body: JSON.stringify({ ...definition, formula: "count(tickets where priority = 'urgent')", unit: 'count' }),
      });
      assert.equal(put.status, 200);
      assert.equal((await query()).value, 3);
      const remove = () => app.request('/api/v1/metrics/urgent_fast', { method: 'DELETE', headers: auth(full) });
      assert.equal((await remove()).status, 204);
      assert.equal((await remove()).status, 404);
    });

    test('OpenAPI document and docs page', async () => {
      const { app } = await setup();
      const doc: any = await (await app.request('/api/openapi.json')).json();
      assert.equal(doc.openapi, '3.1.0');
      assert.ok(doc.paths['/api/v1/import/tickets'].post);
      assert.deepEqual(doc.components.schemas.tickets.required, ['id', 'created_at']);
      const page = await app.request('/api/docs');
      assert.match(await page.text(), /swagger-ui-bundle\.js/);
      const asset = await app.request('/api/docs/swagger-ui-bundle.js');
      assert.equal(asset.status, 200);
      const missing = await app.request('/api/v2/nothing');
      assert.equal(missing.status, 404);
      assert.equal(((await missing.json()) as any).error.code, 'not-found');
    });
  });
}
