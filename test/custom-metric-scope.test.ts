import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addMember, createUser } from '../src/auth/index.ts';
import { loadConfig } from '../src/config.ts';
import { createApp } from '../src/http/app.ts';
import { createLogger } from '../src/http/logger.ts';
import { importRecords } from '../src/ingest/index.ts';
import { createTestOrg, variants } from './helpers/databases.ts';

// A custom KPI is held to the caller's data scope like a catalog metric: inside the formula's SQL,
// and by refusing (403) a formula that names an agent or a team outside the scope.
const PASSWORD = 'correct horse battery staple';

for (const variant of variants) {
  describe(`custom KPIs and data scopes (${variant.name})`, async () => {
    const db = await variant.db();
    const org = await createTestOrg(db, { timezone: 'UTC' });
    await importRecords(db, org, 'teams', {
      objects: [
        { id: 't1', name: 'One' },
        { id: 't2', name: 'Two' },
      ],
    });
    await importRecords(db, org, 'agents', {
      objects: [
        { id: 'a1', name: 'Ann', team_id: 't1' },
        { id: 'a2', name: 'Bob', team_id: 't1' },
        { id: 'a3', name: 'Cid', team_id: 't2' },
      ],
    });
    // CSAT answers: a1 four of 4 good, a2 one of 4, a3 two of 4.
    const good = { a1: 4, a2: 1, a3: 2 } as const;
    const answers = (['a1', 'a2', 'a3'] as const).flatMap((agent) =>
      [0, 1, 2, 3].map((i) => ({
        id: `r-${agent}-${i}`,
        kind: 'csat',
        score: i < good[agent] ? 5 : 2,
        submitted_at: `2026-03-0${i + 2}T10:00:00Z`,
        agent_id: agent,
        team_id: agent === 'a3' ? 't2' : 't1',
      })),
    );
    await importRecords(db, org, 'survey_responses', { objects: answers });

    const app = createApp({ db, config: loadConfig({}, {}), logger: createLogger('error', () => {}) });
    const members = {
      owner: { role: 'owner' },
      agent: { role: 'agent', agent_id: 'a1' },
      colleague: { role: 'agent', agent_id: 'a2' },
      lead: { role: 'team_lead', teams: ['t1'] },
      other_lead: { role: 'team_lead', teams: ['t2'] },
      viewer: { role: 'viewer' },
    } as const;
    type Who = keyof typeof members;
    const sessions = new Map<Who, Record<string, string>>();
    for (const [who, membership] of Object.entries(members) as Array<[Who, (typeof members)[Who]]>) {
      const email = `${who}-${org.slug.slice(-8)}@example.com`;
      const user = await createUser(db.kysely, { email, password: PASSWORD });
      await addMember(db.kysely, org.id, user.id, membership as Parameters<typeof addMember>[3]);
      const login = await app.request('/api/v1/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: PASSWORD }),
      });
      assert.equal(login.status, 200);
      const { csrf_token } = (await login.json()) as { csrf_token: string };
      sessions.set(who, { cookie: login.headers.get('set-cookie')!.split(';')[0]!, 'x-csrf-token': csrf_token });
    }
    const post = (who: Who, path: string, body: unknown) =>
      app.request(path, {
        method: 'POST',
        headers: { ...sessions.get(who)!, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const define = async (id: string, formula: string) =>
      assert.equal((await post('owner', '/api/v1/metrics', { id, name: id, unit: 'ratio', formula })).status, 201);
    await define('bob_csat', "share(survey_responses where kind = 'csat' and agent = 'a2', score >= 4)");
    await define('team_two_csat', "share(survey_responses where kind = 'csat' and team in ('t2'), score >= 4)");
    await define('agents_csat', "share(survey_responses where kind = 'csat' and agent is not null, score >= 4)");
    const query = async (who: Who, metric: string) => {
      const response = await post(who, '/api/v1/query', {
        metrics: [metric],
        from: '2026-03-01',
        to: '2026-04-01',
        grain: 'all',
      });
      const body = (await response.json()) as any;
      return { status: response.status, value: body.rows?.[0]?.value as number | null, body };
    };

    test("a formula naming a colleague is refused to an agent, another team's lead and a viewer", async () => {
      for (const who of ['agent', 'other_lead', 'viewer'] as const) {
        const answer = await query(who, 'bob_csat');
        assert.equal(answer.status, 403, who);
        assert.equal(answer.body.error.code, 'forbidden');
        assert.match(answer.body.error.message, /bob_csat names agent a2/);
      }
      // Bob himself, his team lead and the owner see it.
      assert.equal((await query('colleague', 'bob_csat')).value, 0.25);
      assert.equal((await query('lead', 'bob_csat')).value, 0.25);
      assert.equal((await query('owner', 'bob_csat')).value, 0.25);
    });

    test('a formula naming a team outside the scope is refused; inside it answers', async () => {
      assert.equal((await query('agent', 'team_two_csat')).status, 403);
      assert.equal((await query('lead', 'team_two_csat')).status, 403);
      assert.equal((await query('other_lead', 'team_two_csat')).value, 0.5);
      // A viewer sees teams, not single agents.
      assert.equal((await query('viewer', 'team_two_csat')).value, 0.5);
    });

    test("the scope applies inside the formula's SQL: an agent's formula on agents covers only their rows", async () => {
      assert.equal((await query('agent', 'agents_csat')).value, 1);
      assert.equal((await query('colleague', 'agents_csat')).value, 0.25);
      assert.equal((await query('lead', 'agents_csat')).value, 5 / 8);
      assert.equal((await query('owner', 'agents_csat')).value, 7 / 12);
    });
  });
}
