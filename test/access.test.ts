import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addMember, createApiKey, createUser, type Role } from '../src/auth/index.ts';
import { loadConfig } from '../src/config.ts';
import type { Db } from '../src/db/connect.ts';
import { createApp } from '../src/http/app.ts';
import { LOGIN_RATE_LIMIT } from '../src/http/routes/auth.ts';
import { createLogger } from '../src/http/logger.ts';
import { importRecords } from '../src/ingest/index.ts';
import type { Organization } from '../src/orgs/index.ts';
import { createTestOrg, variants } from './helpers/databases.ts';

// Who may do what, through every route, for every role, another organization's user, API keys
// and no credentials; and that scoped roles (team lead, agent, viewer) never see more.
const PASSWORD = 'correct horse battery staple';

type Principal = 'none' | Role | 'other_org' | 'key_full' | 'key_read' | 'key_ingest';
const PRINCIPALS: Principal[] = [
  'none',
  'owner',
  'admin',
  'manager',
  'team_lead',
  'agent',
  'viewer',
  'other_org',
  'key_full',
  'key_read',
  'key_ingest',
];

interface Caller {
  headers: (method: string) => Record<string, string>;
  email?: string;
}

async function seed(db: Db, org: Organization, prefix: string) {
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
  const tickets = [];
  for (let i = 0; i < 12; i++) {
    const agent = ['a1', 'a2', 'a3'][i % 3]!;
    tickets.push({
      id: `${prefix}-k${i}`,
      agent_id: agent,
      team_id: agent === 'a3' ? 't2' : 't1',
      customer_id: 'c1',
      created_at: `2026-03-${String(2 + i).padStart(2, '0')}T09:00:00Z`,
      first_response_at: `2026-03-${String(2 + i).padStart(2, '0')}T09:${String(10 + i).padStart(2, '0')}:00Z`,
    });
  }
  await importRecords(db, org, 'tickets', { objects: tickets });
  await importRecords(db, org, 'customers', { objects: [{ id: 'c1', name: 'Client' }] });
  await importRecords(db, org, 'subscriptions', {
    objects: [{ id: 's1', customer_id: 'c1', started_at: '2026-01-01T00:00:00Z', mrr: 10, currency: 'EUR' }],
  });
}

for (const variant of variants) {
  describe(`access control on ${variant.name}`, async () => {
    const db = await variant.db();

    async function setup() {
      const org = await createTestOrg(db, { timezone: 'UTC' });
      const other = await createTestOrg(db, { timezone: 'UTC' });
      await seed(db, org, 'A');
      await seed(db, other, 'B');
      const logs: string[] = [];
      const app = createApp({ db, config: loadConfig({}, {}), logger: createLogger('info', (l) => void logs.push(l)) });
      const tag = org.slug.slice(-8);
      const members: Array<[Role | 'other_org', Organization, Parameters<typeof addMember>[3]]> = [
        ['owner', org, { role: 'owner' }],
        ['admin', org, { role: 'admin' }],
        ['manager', org, { role: 'manager' }],
        ['team_lead', org, { role: 'team_lead', teams: ['t1'] }],
        ['agent', org, { role: 'agent', agent_id: 'a1' }],
        ['viewer', org, { role: 'viewer' }],
        ['other_org', other, { role: 'owner' }],
      ];
      const callers = new Map<Principal, Caller>();
      const ids = new Map<Principal, string>();
      for (const [name, where, membership] of members) {
        const email = `${name}-${tag}@example.com`;
        const user = await createUser(db.kysely, { email, password: PASSWORD });
        await addMember(db.kysely, where.id, user.id, membership);
        ids.set(name, user.id);
        const login = await app.request('/api/v1/auth/login', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password: PASSWORD }),
        });
        assert.equal(login.status, 200, `${name} logs in`);
        const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
        const { csrf_token } = (await login.json()) as { csrf_token: string };
        callers.set(name, {
          email,
          headers: (method) => ({ cookie, ...(method === 'GET' ? {} : { 'x-csrf-token': csrf_token }) }),
        });
      }
      for (const scope of ['full', 'read', 'ingest'] as const) {
        const { key } = await createApiKey(db.kysely, org.id, { name: scope, scope });
        callers.set(`key_${scope}`, { headers: () => ({ authorization: `Bearer ${key}` }) });
      }
      callers.set('none', { headers: () => ({}) });
      const call = async (who: Principal, method: string, path: string, body?: unknown) => {
        const headers: Record<string, string> = { ...callers.get(who)!.headers(method) };
        let payload: string | undefined;
        if (typeof body === 'string') {
          headers['content-type'] = 'text/csv';
          payload = body;
        } else if (body !== undefined) {
          headers['content-type'] = 'application/json';
          payload = JSON.stringify(body);
        }
        return app.request(path, { method, headers, body: payload });
      };
      return { org, other, app, call, callers, ids, logs };
    }

    test('the permission matrix: every route, every role, no credentials', async () => {
      const { call, org, logs } = await setup();
      const all = PRINCIPALS.filter((p) => p !== 'none');
      const except = (...denied: Principal[]) => all.filter((p) => !denied.includes(p));
      const queryRoles = except('key_ingest');
      const rowRoles = except('key_ingest', 'viewer');
      const adminRoles: Principal[] = ['owner', 'admin', 'other_org'];
      const settingRoles: Principal[] = ['owner', 'admin', 'other_org', 'key_full'];
      const importRoles: Principal[] = ['owner', 'admin', 'manager', 'other_org', 'key_full', 'key_ingest'];
      const period = { from: '2026-03-01', to: '2026-04-01', grain: 'all' };
      const routes: Array<{
        method: string;
        path: string;
        body?: (who: Principal) => unknown;
        ok: number;
        allowed: Principal[];
      }> = [
        { method: 'GET', path: '/api/v1/health', ok: 200, allowed: PRINCIPALS },
        { method: 'GET', path: '/api/v1/auth/me', ok: 200, allowed: all },
        {
          method: 'POST',
          path: '/api/v1/import/teams',
          body: () => 'id,name\nt9,Nine\n',
          ok: 200,
          allowed: importRoles,
        },
        { method: 'GET', path: '/api/v1/tickets', ok: 200, allowed: rowRoles },
        {
          method: 'GET',
          path: '/api/v1/customers',
          ok: 200,
          allowed: rowRoles.filter((p) => p !== 'team_lead' && p !== 'agent'),
        },
        { method: 'GET', path: '/api/v1/metrics', ok: 200, allowed: queryRoles },
        { method: 'GET', path: '/api/v1/targets', ok: 200, allowed: queryRoles },
        { method: 'GET', path: '/api/v1/alerts', ok: 200, allowed: queryRoles },
        { method: 'GET', path: '/api/v1/alerts/history', ok: 200, allowed: queryRoles },
        {
          method: 'POST',
          path: '/api/v1/targets',
          body: () => ({ metric: 'csat', value: 0.8 }),
          ok: 201,
          allowed: ['owner', 'admin', 'manager', 'other_org', 'key_full'],
        },
        {
          method: 'POST',
          path: '/api/v1/query',
          body: () => ({ metrics: ['tickets_created', 'first_response_time'], ...period }),
          ok: 200,
          allowed: queryRoles,
        },
        {
          method: 'POST',
          path: '/api/v1/query',
          body: () => ({ metrics: ['mrr'], ...period }),
          ok: 200,
          allowed: queryRoles.filter((p) => p !== 'team_lead' && p !== 'agent'),
        },
        {
          method: 'POST',
          path: '/api/v1/query/rows',
          body: () => ({ metric: 'tickets_created', from: period.from, to: period.to }),
          ok: 200,
          allowed: rowRoles,
        },
        {
          method: 'POST',
          path: '/api/v1/metrics',
          body: (who) => ({ id: `m_${who}`, name: 'Phone share', formula: "count(tickets where channel = 'phone')" }),
          ok: 201,
          allowed: settingRoles,
        },
        { method: 'GET', path: '/api/v1/users', ok: 200, allowed: adminRoles },
        {
          method: 'POST',
          path: '/api/v1/users/invitations',
          body: (who) => ({ email: `invited-${who}@example.com`, role: 'viewer' }),
          ok: 201,
          allowed: adminRoles,
        },
        { method: 'GET', path: '/api/v1/keys', ok: 200, allowed: adminRoles },
        {
          method: 'POST',
          path: '/api/v1/keys',
          body: () => ({ name: 'ci', scope: 'read' }),
          ok: 201,
          allowed: adminRoles,
        },
        { method: 'GET', path: '/api/v1/organization', ok: 200, allowed: queryRoles },
        {
          method: 'PATCH',
          path: '/api/v1/organization',
          body: () => ({ language: 'lt' }),
          ok: 204,
          allowed: settingRoles,
        },
        {
          method: 'PUT',
          path: '/api/v1/organization/business-hours',
          body: () => ({ timezone: 'UTC', week: { mon: [['08:00', '16:00']] } }),
          ok: 204,
          allowed: settingRoles,
        },
        { method: 'GET', path: '/api/v1/audit', ok: 200, allowed: adminRoles },
        { method: 'GET', path: '/api/v1/jobs', ok: 200, allowed: adminRoles },
        {
          method: 'GET',
          path: '/api/v1/surveys',
          ok: 200,
          allowed: [...importRoles.filter((p) => p !== 'key_ingest')],
        },
        {
          method: 'POST',
          path: '/api/v1/surveys',
          body: (who) => ({ id: `s-${who.replace('_', '-')}`, name: 'Pulse', kind: 'nps' }),
          ok: 201,
          allowed: [...importRoles.filter((p) => p !== 'key_ingest')],
        },
        { method: 'GET', path: '/api/v1/organization/service-attributes', ok: 200, allowed: queryRoles },
      ];
      const failures: string[] = [];
      for (const route of routes) {
        for (const who of PRINCIPALS) {
          const response = await call(who, route.method, route.path, route.body?.(who));
          const expected = route.allowed.includes(who) ? route.ok : who === 'none' ? 401 : 403;
          if (response.status !== expected) {
            failures.push(`${route.method} ${route.path} as ${who}: ${response.status}, expected ${expected}`);
          }
        }
      }
      assert.deepEqual(failures, []);
      // Nothing leaked: the other organization's import and settings landed in its own organization.
      const teams = await db.kysely.selectFrom('team').select('id').where('org_id', '=', org.id).execute();
      assert.ok(teams.some((t) => t.id === 't9'));
      const otherRows = (await (await call('other_org', 'GET', '/api/v1/tickets')).json()) as any;
      assert.ok(otherRows.rows.length > 0 && otherRows.rows.every((r: any) => r.id.startsWith('B-')));
      // No password, key or session token is ever written to the log.
      assert.ok(logs.length > 100);
      assert.ok(
        logs.every((line) => !line.includes(PASSWORD) && !line.includes('cxk_') && !/cxkpi_session/.test(line)),
      );
    });

    test('agents see their own numbers and their team, team leads their teams, viewers no single agents', async () => {
      const { call } = await setup();
      const query = async (who: Principal, body: Record<string, unknown>) => {
        const response = await call(who, 'POST', '/api/v1/query', {
          from: '2026-03-01',
          to: '2026-04-01',
          grain: 'all',
          ...body,
        });
        return { status: response.status, body: (await response.json()) as any };
      };
      // What each caller's numbers cover, as the dashboard reads it.
      for (const [who, scope] of [
        ['manager', 'organization'],
        ['viewer', 'organization'],
        ['team_lead', 'teams'],
        ['agent', 'agent'],
      ] as const) {
        const me = (await (await call(who, 'GET', '/api/v1/auth/me')).json()) as { data_scope: string };
        assert.equal(me.data_scope, scope, who);
      }
      // 12 tickets: a1, a2 (team t1) and a3 (team t2), four each.
      const byAgent = await query('agent', { metrics: ['tickets_created'], by: ['agent'] });
      assert.deepEqual(
        byAgent.body.rows.map((r: any) => [r.group.agent, r.value]),
        [['a1', 4]],
      );
      const team = await query('agent', { metrics: ['tickets_created'] });
      assert.equal(team.body.rows[0].value, 8, "the agent's team");
      const colleague = await query('agent', { metrics: ['tickets_created'], where: { agent: 'a2' } });
      assert.equal(colleague.body.rows[0].value, null, "a colleague's numbers are not shown");
      const otherTeam = await query('agent', { metrics: ['tickets_created'], where: { team: 't2' } });
      assert.equal(otherTeam.body.rows[0].value, null);
      assert.equal((await query('agent', { metrics: ['customer_churn_rate'] })).status, 403);
      const rows = (await (await call('agent', 'GET', '/api/v1/tickets')).json()) as any;
      assert.deepEqual(new Set(rows.rows.map((r: any) => r.agent_id)), new Set(['a1']));
      const drill = (await (
        await call('agent', 'POST', '/api/v1/query/rows', {
          metric: 'tickets_created',
          from: '2026-03-01',
          to: '2026-04-01',
        })
      ).json()) as any;
      assert.deepEqual(new Set(drill.rows.map((r: any) => r.agent_id)), new Set(['a1']));

      const lead = await query('team_lead', { metrics: ['tickets_created'], by: ['agent'] });
      assert.deepEqual(
        lead.body.rows.map((r: any) => [r.group.agent, r.value]),
        [
          ['a1', 4],
          ['a2', 4],
        ],
      );
      const outside = await query('team_lead', { metrics: ['tickets_created'], where: { team: 't2' } });
      assert.equal(outside.body.rows[0].value, null, "a team lead's query outside their teams returns nothing");
      const leadRows = (await (await call('team_lead', 'GET', '/api/v1/tickets?team=t2')).json()) as any;
      assert.deepEqual(leadRows.rows, []);

      assert.equal((await query('viewer', { metrics: ['tickets_created'], by: ['agent'] })).status, 403);
      assert.equal((await query('viewer', { metrics: ['tickets_created'], by: ['team'] })).status, 200);
      assert.equal((await query('manager', { metrics: ['tickets_created'] })).body.rows[0].value, 12);
    });

    test('cross-organization ids: nothing found, nothing changed', async () => {
      const { call, ids } = await setup();
      // The other organization's owner addresses this organization's member and key ids.
      assert.equal(
        (await call('other_org', 'PATCH', `/api/v1/users/${ids.get('agent')}`, { role: 'viewer' })).status,
        404,
      );
      assert.equal((await call('other_org', 'DELETE', `/api/v1/users/${ids.get('agent')}`)).status, 404);
      const keys = (await (await call('owner', 'GET', '/api/v1/keys')).json()) as any;
      const read = keys.keys.find((k: any) => k.name === 'read');
      assert.equal((await call('other_org', 'DELETE', `/api/v1/keys/${read.id}`)).status, 404);
      assert.equal((await call('key_read', 'GET', '/api/v1/tickets')).status, 200, 'the key still works');
      const foreign = (await (await call('other_org', 'GET', '/api/v1/tickets?id=A-k1')).json()) as any;
      assert.deepEqual(foreign.rows, []);
      // A key revoked through the API stops at once.
      assert.equal((await call('admin', 'DELETE', `/api/v1/keys/${read.id}`)).status, 204);
      assert.equal((await call('key_read', 'GET', '/api/v1/tickets')).status, 401);
    });

    test('roles: only an owner makes owners, the last owner stays, a changed role ends sessions', async () => {
      const { call, ids } = await setup();
      assert.equal(
        (await call('admin', 'PATCH', `/api/v1/users/${ids.get('manager')}`, { role: 'owner' })).status,
        403,
      );
      assert.equal((await call('owner', 'PATCH', `/api/v1/users/${ids.get('owner')}`, { role: 'admin' })).status, 409);
      const bad = await call('owner', 'PATCH', `/api/v1/users/${ids.get('viewer')}`, {
        role: 'team_lead',
        teams: ['t7'],
      });
      assert.equal(bad.status, 400);
      assert.match(((await bad.json()) as any).error.message, /Unknown teams: t7/);
      assert.equal(
        (await call('owner', 'PATCH', `/api/v1/users/${ids.get('viewer')}`, { role: 'manager' })).status,
        204,
      );
      assert.equal((await call('viewer', 'GET', '/api/v1/auth/me')).status, 401, 'the old session ended');
      const audit = (await (await call('owner', 'GET', '/api/v1/audit')).json()) as any;
      const entry = audit.entries.find((e: any) => e.action === 'user.role_changed');
      assert.equal(entry.actor.startsWith('owner-'), true);
      assert.deepEqual(entry.details, { role: 'manager' });
    });

    test('CSRF: a cookie session changes nothing without its token or from another origin', async () => {
      const { app, callers } = await setup();
      const { cookie } = callers.get('owner')!.headers('GET');
      const { 'x-csrf-token': token } = callers.get('owner')!.headers('POST');
      const patch = (headers: Record<string, string>) =>
        app.request('/api/v1/organization', {
          method: 'PATCH',
          headers: { cookie: cookie!, 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ language: 'ru' }),
        });
      const missing = await patch({});
      assert.equal(missing.status, 403);
      assert.equal(((await missing.json()) as any).error.code, 'csrf');
      assert.equal((await patch({ 'x-csrf-token': 'x'.repeat(32) })).status, 403);
      assert.equal((await patch({ 'x-csrf-token': token!, origin: 'https://evil.example' })).status, 403);
      assert.equal((await patch({ 'x-csrf-token': token!, origin: 'http://localhost' })).status, 204);
      // Amounts are stored in the reporting currency: it cannot change under them.
      const currency = await app.request('/api/v1/organization', {
        method: 'PATCH',
        headers: { cookie: cookie!, 'content-type': 'application/json', 'x-csrf-token': token! },
        body: JSON.stringify({ currency: 'USD' }),
      });
      assert.equal(currency.status, 409);
      assert.equal(((await currency.json()) as any).error.code, 'currency-in-use');
    });

    test('login: wrong passwords lock the account, a burst from one address is refused, cookies are safe', async () => {
      const { app, callers } = await setup();
      const email = callers.get('manager')!.email!;
      const login = (password: string, url = 'http://localhost/api/v1/auth/login') =>
        app.request(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password }),
        });
      for (let i = 0; i < 5; i++) assert.equal((await login('wrong password!')).status, 401);
      const locked = await login(PASSWORD);
      assert.equal(locked.status, 429);
      assert.equal(((await locked.json()) as any).error.code, 'account-locked');
      // Setup logged in 7 people, then 6 attempts above: the limit refuses the next request past it.
      let sent = 7 + 6;
      let burst: Response;
      do {
        burst = await login(PASSWORD);
        sent++;
      } while (burst.status !== 429 || ((await burst.clone().json()) as any).error.code !== 'rate-limited');
      assert.equal(sent, LOGIN_RATE_LIMIT.max + 1);
      assert.ok(Number(burst.headers.get('retry-after')) > 0);

      const fresh = await setup();
      const https = await fresh.app.request('https://cx.example.com/api/v1/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: fresh.callers.get('viewer')!.email, password: PASSWORD }),
      });
      const cookie = https.headers.get('set-cookie')!;
      assert.match(cookie, /HttpOnly/);
      assert.match(cookie, /SameSite=Lax/);
      assert.match(cookie, /Secure/);
      assert.match(https.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
      assert.equal(https.headers.get('x-content-type-options'), 'nosniff');
      // Logout ends the session.
      const session = cookie.split(';')[0]!;
      const { csrf_token } = (await https.json()) as any;
      const logout = await fresh.app.request('/api/v1/auth/logout', {
        method: 'POST',
        headers: { cookie: session, 'x-csrf-token': csrf_token },
      });
      assert.equal(logout.status, 204);
      assert.equal((await fresh.app.request('/api/v1/auth/me', { headers: { cookie: session } })).status, 401);
    });

    test('invitations: a link joins once with the role; expired or reused links are refused', async () => {
      const { app, call, org } = await setup();
      const created = await call('admin', 'POST', '/api/v1/users/invitations', {
        email: 'New.Lead@Example.com',
        role: 'team_lead',
        teams: ['t2'],
      });
      assert.equal(created.status, 201);
      const invitation = (await created.json()) as any;
      assert.match(invitation.url, /\/invite\/[A-Za-z0-9_-]{43}$/);
      const accept = (password: string) =>
        app.request('/api/v1/auth/invitations/accept', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ token: invitation.token, password, name: 'New Lead' }),
        });
      const weak = await accept('short');
      assert.equal(weak.status, 400);
      assert.equal(((await weak.json()) as any).error.code, 'weak-password');
      const joined = await accept('a much longer passphrase');
      assert.equal(joined.status, 201);
      const me = (await joined.json()) as any;
      assert.deepEqual(
        [me.user.email, me.role, me.teams, me.organization.slug],
        ['new.lead@example.com', 'team_lead', ['t2'], org.slug],
      );
      assert.equal((await accept('a much longer passphrase')).status, 410);
      assert.equal(
        (await call('admin', 'POST', '/api/v1/users/invitations', { email: 'x@example.com', role: 'owner' })).status,
        403,
      );
      await db.kysely
        .updateTable('invitation')
        .set({ expires_at: new Date(Date.now() - 1000) })
        .execute();
      const late = await call('owner', 'POST', '/api/v1/users/invitations', {
        email: 'late@example.com',
        role: 'viewer',
      });
      const lateToken = ((await late.json()) as any).token;
      await db.kysely
        .updateTable('invitation')
        .set({ expires_at: new Date(Date.now() - 1000) })
        .where('email', '=', 'late@example.com')
        .execute();
      const expired = await app.request('/api/v1/auth/invitations/accept', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: lateToken, password: 'a much longer passphrase' }),
      });
      assert.equal(expired.status, 410);
    });
  });
}
