import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { loadDemo, resetDemoUsers } from '../src/cli/commands/demo.ts';
import { loadConfig } from '../src/config.ts';
import { createApp } from '../src/http/app.ts';
import { createLogger } from '../src/http/logger.ts';
import type { Io } from '../src/cli/context.ts';
import { createTestOrg, variants } from './helpers/databases.ts';

const quiet: Io = { out: () => {}, err: () => {}, stdin: process.stdin };

for (const variant of variants) {
  describe(`demo organization on ${variant.name}`, () => {
    test('every generated record passes the importer, and a second load with the same seed does nothing', async () => {
      const db = await variant.db();
      const org = await createTestOrg(db);
      assert.equal(await loadDemo(db, org, { seed: 7, end: '2026-06-01' }, quiet), true);
      const counts = await db.kysely
        .selectFrom('import_run')
        .select(['entity', 'status', 'inserted', 'rejected'])
        .where('org_id', '=', org.id)
        .execute();
      assert.equal(counts.length, 10);
      for (const run of counts) assert.deepEqual([run.entity, run.status, run.rejected], [run.entity, 'succeeded', 0]);
      const tickets = counts.find((c) => c.entity === 'tickets')!;
      assert.ok(tickets.inserted > 40_000 && tickets.inserted < 60_000, `${tickets.inserted} tickets`);

      const stored = await db.kysely
        .selectFrom('organization')
        .select(['timezone', 'currency', 'settings'])
        .where('id', '=', org.id)
        .executeTakeFirstOrThrow();
      assert.deepEqual([stored.timezone, stored.currency], ['Europe/Vilnius', 'EUR']);
      assert.equal(
        await loadDemo(
          db,
          { ...org, timezone: 'Europe/Vilnius', currency: 'EUR' },
          { seed: 7, end: '2026-06-01' },
          quiet,
        ),
        false,
      );

      // The stories survive the import: the slow team's median first response is the highest,
      // and its CSAT (top-2-box) the lowest.
      const teams = await sql<{ team_id: string; median_seconds: number; csat: number }>`
        select t.team_id,
          percentile_cont(0.5) within group (order by extract(epoch from t.first_response_at - t.created_at)) as median_seconds,
          (select avg((r.score >= 4)::int) from survey_response r
            where r.org_id = t.org_id and r.team_id = t.team_id and r.kind = 'csat') as csat
        from ticket t
        where t.org_id = ${org.id}::uuid and t.first_response_at is not null and not t.first_response_by_bot
        group by t.org_id, t.team_id
        order by median_seconds desc`.execute(db.kysely);
      assert.equal(teams.rows[0]!.team_id, 'team-technical');
      assert.ok(teams.rows[0]!.median_seconds > 1.8 * teams.rows[1]!.median_seconds);
      assert.equal([...teams.rows].sort((a, b) => a.csat - b.csat)[0]!.team_id, 'team-technical');

      // Demo logins: one per kind of view; the agent is the agent record ag-01 of team billing.
      const app = createApp({ db, config: loadConfig({}, {}), logger: createLogger('silent') });
      const demoOrg = { ...org, timezone: 'Europe/Vilnius', currency: 'EUR' };
      const first = await resetDemoUsers(db, demoOrg);
      const second = await resetDemoUsers(db, demoOrg);
      assert.notEqual(first.password, second.password, 'the password changes at each start');
      const roles: string[] = [];
      for (const user of second.users) {
        const login = await app.request('/api/v1/auth/login', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: user.email, password: second.password, organization: org.slug }),
        });
        assert.equal(login.status, 200, user.email);
        const me = (await login.json()) as { role: string; teams: string[] | null };
        roles.push(`${me.role}:${(me.teams ?? []).join(',')}`);
      }
      assert.deepEqual(roles, ['owner:', 'team_lead:team-billing', 'agent:team-billing', 'viewer:']);
    });
  });
}
