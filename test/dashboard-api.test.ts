import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addMember, createUser } from '../src/auth/index.ts';
import { loadConfig } from '../src/config.ts';
import type { Db } from '../src/db/connect.ts';
import { createApp } from '../src/http/app.ts';
import { createLogger } from '../src/http/logger.ts';
import { importRecords } from '../src/ingest/index.ts';
import type { Organization } from '../src/orgs/index.ts';
import { createTestOrg, variants } from './helpers/databases.ts';

// What the dashboard asks besides metrics: the feedback stream, the teams and agents a caller may
// see, and past imports with their rejected records, each within the caller's part of the data.
const PASSWORD = 'correct horse battery staple';
type Who = 'owner' | 'lead' | 'agent' | 'viewer';

async function seed(db: Db, org: Organization) {
  const load = async (entity: string, objects: Array<Record<string, unknown>>) => {
    const summary = await importRecords(db, org, entity, { objects });
    assert.equal(summary.status, 'succeeded', `${entity}: ${summary.message}`);
  };
  await load('teams', [
    { id: 't1', name: 'One' },
    { id: 't2', name: 'Two' },
  ]);
  await load('agents', [
    { id: 'a1', name: 'Ann', team_id: 't1' },
    { id: 'a2', name: 'Bob', team_id: 't1' },
    { id: 'a3', name: 'Cid', team_id: 't2' },
  ]);
  await load('customers', [
    { id: 'c1', name: 'Acme' },
    { id: 'c2', name: 'Globex' },
  ]);
  await load('tickets', [
    { id: 'k1', customer_id: 'c1', created_at: '2026-03-01T08:00:00Z', subject: 'Refund please' },
  ]);
  const answers = [
    ['r1', 'a1', 't1', 'csat', 5, 'Quick refund, thanks', '2026-03-02T10:00:00Z', 'c1'],
    ['r2', 'a2', 't1', 'csat', 1, 'Nobody answered for 100% of a week', '2026-03-03T10:00:00Z', 'c2'],
    ['r3', 'a3', 't2', 'nps', 9, 'Great product', '2026-03-04T10:00:00Z', 'c1'],
    ['r4', 'a3', 't2', 'nps', 3, 'Too expensive', '2026-03-05T10:00:00Z', 'c2'],
    ['r5', 'a1', 't1', 'csat', 4, null, '2026-03-06T10:00:00Z', 'c1'],
  ] as const;
  await load(
    'survey_responses',
    answers.map(([id, agent, team, kind, score, comment, at, customer]) => ({
      id,
      agent_id: agent,
      team_id: team,
      kind,
      score,
      comment,
      submitted_at: at,
      customer_id: customer,
      ticket_id: id === 'r1' ? 'k1' : null,
      language: 'en',
    })),
  );
  await load('reviews', [
    {
      id: 'v1',
      source: 'g2',
      published_at: '2026-03-07T10:00:00Z',
      rating: 2,
      text: 'Refund took a month',
      customer_id: 'c2',
    },
    { id: 'v2', source: 'g2', published_at: '2026-03-01T09:00:00Z', rating: 5, title: 'Love it' },
  ]);
  // An import that stores nothing: one record lacks its time.
  const rejected = await importRecords(db, org, 'tickets', {
    objects: [{ id: 'k2', created_at: '2026-03-01T08:00:00Z' }, { id: 'k3' }],
  });
  assert.equal(rejected.status, 'rejected');
}

for (const variant of variants) {
  describe(`dashboard API on ${variant.name}`, async () => {
    const db = await variant.db();
    const org = await createTestOrg(db, { timezone: 'UTC' });
    await seed(db, org);
    const app = createApp({ db, config: loadConfig({}, {}), logger: createLogger('silent') });
    const cookies = new Map<Who, string>();
    const memberships: Array<[Who, Parameters<typeof addMember>[3]]> = [
      ['owner', { role: 'owner' }],
      ['lead', { role: 'team_lead', teams: ['t2'] }],
      ['agent', { role: 'agent', agent_id: 'a1' }],
      ['viewer', { role: 'viewer' }],
    ];
    for (const [who, membership] of memberships) {
      const email = `${who}-${org.slug.slice(-8)}@example.com`;
      const user = await createUser(db.kysely, { email, password: PASSWORD });
      await addMember(db.kysely, org.id, user.id, membership);
      const login = await app.request('/api/v1/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: PASSWORD }),
      });
      assert.equal(login.status, 200);
      cookies.set(who, login.headers.get('set-cookie')!.split(';')[0]!);
    }
    const get = async (who: Who, path: string) => {
      const response = await app.request(path, { headers: { cookie: cookies.get(who)! } });
      return { status: response.status, body: (await response.json()) as Record<string, any> };
    };
    const ids = (body: Record<string, any>) => (body.items as Array<{ id: string }>).map((i) => i.id);

    test('feedback: comments and reviews newest first, searched and filtered', async () => {
      const all = await get('owner', '/api/v1/feedback');
      assert.equal(all.status, 200);
      assert.deepEqual(ids(all.body), ['v1', 'r4', 'r3', 'r2', 'r1', 'v2'], 'only items with text, newest first');
      assert.equal(all.body.total, 6);
      const first = all.body.items.find((i: { id: string }) => i.id === 'r1');
      assert.deepEqual(
        [first.customer, first.ticket, first.agent, first.team, first.sentiment, first.scale_max],
        [
          { id: 'c1', name: 'Acme' },
          { id: 'k1', subject: 'Refund please' },
          { id: 'a1', name: 'Ann' },
          { id: 't1', name: 'One' },
          'positive',
          5,
        ],
      );
      assert.deepEqual(ids((await get('owner', '/api/v1/feedback?q=REFUND')).body), ['v1', 'r1']);
      assert.deepEqual(ids((await get('owner', '/api/v1/feedback?q=100%25')).body), ['r2'], '% is a character');
      assert.deepEqual(ids((await get('owner', '/api/v1/feedback?q=_')).body), [], '_ is a character');
      assert.deepEqual(
        ids((await get('owner', '/api/v1/feedback?q=globex')).body),
        ['v1', 'r4', 'r2'],
        'customer names',
      );
      assert.deepEqual(ids((await get('owner', '/api/v1/feedback?sentiment=negative')).body), ['v1', 'r4', 'r2']);
      assert.deepEqual(ids((await get('owner', '/api/v1/feedback?source=reviews')).body), ['v1', 'v2']);
      assert.deepEqual(ids((await get('owner', '/api/v1/feedback?kind=nps')).body), ['r4', 'r3']);
      assert.deepEqual(ids((await get('owner', '/api/v1/feedback?team=t1&with_text=false')).body), ['r5', 'r2', 'r1']);
      assert.deepEqual(ids((await get('owner', '/api/v1/feedback?from=2026-03-03&to=2026-03-05')).body), ['r3', 'r2']);
      assert.equal((await get('owner', '/api/v1/feedback?sentiment=angry')).status, 400);

      const pages: string[] = [];
      let cursor = '';
      for (let i = 0; i < 5; i++) {
        const page = await get('owner', `/api/v1/feedback?limit=4${cursor ? `&cursor=${cursor}` : ''}`);
        pages.push(...ids(page.body));
        if (!page.body.next_cursor) break;
        cursor = page.body.next_cursor;
      }
      assert.deepEqual(pages, ids(all.body), 'pages join into the whole stream');
      assert.equal((await get('owner', '/api/v1/feedback?cursor=nonsense')).status, 400);
    });

    test('feedback follows the role: team lead their teams, agent themself, viewer nothing', async () => {
      assert.deepEqual(
        ids((await get('lead', '/api/v1/feedback')).body),
        ['r4', 'r3'],
        'no reviews: they have no team',
      );
      assert.deepEqual(ids((await get('agent', '/api/v1/feedback?with_text=false')).body), ['r5', 'r1']);
      assert.deepEqual(ids((await get('agent', '/api/v1/feedback?agent=a2')).body), [], 'not a colleague');
      assert.equal((await get('viewer', '/api/v1/feedback')).status, 403);
    });

    test('directory: the teams and agents each role may see, and the span of the data', async () => {
      const owner = (await get('owner', '/api/v1/directory')).body;
      assert.deepEqual(
        owner.teams.map((t: { id: string }) => t.id),
        ['t1', 't2'],
      );
      assert.deepEqual(
        owner.agents.map((a: { id: string }) => a.id),
        ['a1', 'a2', 'a3'],
      );
      assert.deepEqual(owner.data, { first: '2026-03-01T08:00:00.000Z', last: '2026-03-06T10:00:00.000Z' });
      const lead = (await get('lead', '/api/v1/directory')).body;
      assert.deepEqual([lead.teams.map((t: any) => t.id), lead.agents.map((a: any) => a.id)], [['t2'], ['a3']]);
      const agent = (await get('agent', '/api/v1/directory')).body;
      assert.deepEqual([agent.teams.map((t: any) => t.id), agent.agents.map((a: any) => a.id)], [['t1'], ['a1']]);
      const viewer = (await get('viewer', '/api/v1/directory')).body;
      assert.deepEqual([viewer.teams.length, viewer.agents.length], [2, 0], 'no single agents for viewers');
    });

    test('the catalog says per caller what may be grouped by, so the dashboard need not know roles', async () => {
      const dimensionsOf = async (who: Who) => {
        const list = (await get(who, '/api/v1/metrics')).body.metrics as Array<{ id: string; dimensions: string[] }>;
        return list.find((m) => m.id === 'first_response_time')!.dimensions;
      };
      for (const who of ['owner', 'lead', 'agent'] as const)
        assert.ok((await dimensionsOf(who)).includes('agent'), `${who} may group by agent`);
      const viewer = await dimensionsOf('viewer');
      assert.ok(viewer.includes('team') && !viewer.includes('agent'), 'a viewer sees teams, never one agent');
      const query = await app.request('/api/v1/query', {
        method: 'POST',
        headers: { cookie: cookies.get('viewer')!, 'content-type': 'application/json' },
        body: JSON.stringify({ metrics: ['first_response_time'], from: '2026-03-01', to: '2026-03-07', by: ['agent'] }),
      });
      assert.equal(query.status, 403, 'and the query refuses what the catalog does not offer');
    });

    test('imports: the history with rejected records, and the entities for a column mapping', async () => {
      const list = await get('owner', '/api/v1/imports?limit=3');
      assert.equal(list.status, 200);
      const [latest] = list.body.imports;
      assert.deepEqual([latest.entity, latest.status, latest.records, latest.rejected], ['tickets', 'rejected', 2, 1]);
      assert.ok(latest.error_count >= 1);
      assert.ok(list.body.next_before, 'more pages');
      const next = await get('owner', `/api/v1/imports?limit=3&before=${list.body.next_before}`);
      const seen = new Set([...list.body.imports, ...next.body.imports].map((i: { id: string }) => i.id));
      assert.equal(seen.size, 6, 'pages do not overlap');
      const detail = await get('owner', `/api/v1/imports/${latest.id}`);
      assert.deepEqual(detail.body.errors[0], { line: 2, id: 'k3', field: 'created_at', reason: 'is required' });
      assert.equal((await get('owner', '/api/v1/imports/00000000-0000-0000-0000-000000000000')).status, 404);
      assert.equal((await get('owner', '/api/v1/imports?before=x')).status, 400);
      assert.equal((await get('lead', '/api/v1/imports')).status, 403);

      const entities = await get('owner', '/api/v1/entities');
      const tickets = entities.body.entities.find((e: { name: string }) => e.name === 'tickets');
      assert.deepEqual(
        tickets.fields.filter((f: { required: boolean }) => f.required).map((f: { name: string }) => f.name),
        ['id', 'created_at'],
      );
      assert.equal((await get('agent', '/api/v1/entities')).status, 403);
    });
  });
}
