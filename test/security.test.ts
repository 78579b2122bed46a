import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { addMember, createUser } from '../src/auth/index.ts';
import { loadConfig } from '../src/config.ts';
import { toAppError } from '../src/errors.ts';
import { createApp } from '../src/http/app.ts';
import { LOGIN_RATE_LIMIT } from '../src/http/routes/auth.ts';
import { createLogger } from '../src/http/logger.ts';
import { importRecords } from '../src/ingest/index.ts';
import { createTestOrg, variants } from './helpers/databases.ts';

// Issue 11, items 5, 6, 7 and 12: passwords are guessed nowhere without the lockout, sign-in
// cannot be forged from another site, and malformed input gets a 400 with a code, never a 500.
const PASSWORD = 'correct horse battery staple';
const WRONG = 'not the right passphrase';
const JSON_TYPE = { 'content-type': 'application/json' };

for (const variant of variants) {
  describe(`sign-in hardening and input checks on ${variant.name}`, async () => {
    const db = await variant.db();

    async function setup() {
      const org = await createTestOrg(db, { timezone: 'UTC' });
      const other = await createTestOrg(db, { timezone: 'UTC' });
      const app = createApp({ db, config: loadConfig({}, {}), logger: createLogger('error', () => {}) });
      const tag = org.slug.slice(-12);
      const user = async (name: string, where = org.id) => {
        const email = `${name}-${tag}@example.com`;
        const created = await createUser(db.kysely, { email, password: PASSWORD });
        await addMember(db.kysely, where, created.id, { role: 'owner' });
        return { email, id: created.id };
      };
      const login = (email: string, password: string, headers: Record<string, string> = JSON_TYPE) =>
        app.request('/api/v1/auth/login', { method: 'POST', headers, body: JSON.stringify({ email, password }) });
      const session = async (email: string) => {
        const response = await login(email, PASSWORD);
        assert.equal(response.status, 200);
        const cookie = response.headers.get('set-cookie')!.split(';')[0]!;
        const { csrf_token } = (await response.json()) as { csrf_token: string };
        return { cookie, csrf: csrf_token };
      };
      return { org, other, app, user, login, session };
    }

    // The error without its request id, which differs for every request by design.
    const errorOf = async (response: Response) => {
      const { request_id: _id, ...error } = ((await response.json()) as any).error;
      return error;
    };

    test('invitation accept: wrong passwords of an existing account count toward the login lockout', async () => {
      const { app, other, user, login, session } = await setup();
      // An owner of another organization invites someone who already has an account elsewhere.
      const victim = await user('victim');
      const attacker = await user('attacker', other.id);
      const owner = await session(attacker.email);
      const invite = async (email: string) => {
        const response = await app.request('/api/v1/users/invitations', {
          method: 'POST',
          headers: { ...JSON_TYPE, cookie: owner.cookie, 'x-csrf-token': owner.csrf },
          body: JSON.stringify({ email, role: 'viewer' }),
        });
        assert.equal(response.status, 201);
        return ((await response.json()) as any).token as string;
      };
      const token = await invite(victim.email);
      const accept = (password: string, t = token) =>
        app.request('/api/v1/auth/invitations/accept', {
          method: 'POST',
          headers: JSON_TYPE,
          body: JSON.stringify({ token: t, password, name: 'Someone' }),
        });

      // A weak password gets the answer a new user gets: it says nothing about an account.
      const newcomerToken = await invite(`nobody-${victim.email}`);
      const weakExisting = await accept('short');
      const weakNew = await accept('short', newcomerToken);
      assert.equal(weakExisting.status, weakNew.status);
      assert.deepEqual(await errorOf(weakExisting), await errorOf(weakNew));

      const answers: Array<{ status: number; code: string; message: string }> = [];
      for (let i = 0; i < 5; i++) {
        const response = await accept(WRONG);
        answers.push({ status: response.status, ...(await errorOf(response)) });
      }
      for (const answer of answers) {
        assert.equal(answer.status, 401);
        assert.equal(answer.code, 'invalid-credentials');
        assert.doesNotMatch(answer.message, /has an account|victim/);
      }
      // Five wrong answers through the invitation locked the account: for the link and for login.
      const locked = await accept(PASSWORD);
      assert.equal(locked.status, 429);
      assert.equal((await errorOf(locked)).code, 'account-locked');
      assert.equal((await login(victim.email, PASSWORD)).status, 429);
      const membership = await db.kysely
        .selectFrom('membership')
        .select('user_id')
        .where('org_id', '=', other.id)
        .where('user_id', '=', victim.id)
        .execute();
      assert.deepEqual(membership, [], 'nothing joined');

      // Once the lock is over, the owner of the account joins with its password...
      await db.kysely
        .updateTable('app_user')
        .set({ locked_until: new Date(Date.now() - 1000) })
        .execute();
      const joined = await accept(PASSWORD);
      assert.equal(joined.status, 201);
      assert.equal(((await joined.json()) as any).user.email, victim.email);
      // ... and a new user joins with a password of their choice.
      const created = await accept('a much longer passphrase', newcomerToken);
      assert.equal(created.status, 201);
    });

    test('invitation accept and login share the per-address limit', async () => {
      const { app } = await setup();
      let sent = 0;
      let response: Response;
      do {
        const path = sent % 2 ? '/api/v1/auth/login' : '/api/v1/auth/invitations/accept';
        response = await app.request(path, {
          method: 'POST',
          headers: JSON_TYPE,
          body: JSON.stringify({ token: 'x'.repeat(43), email: 'x@example.com', password: WRONG }),
        });
        sent++;
      } while (response.status !== 429 && sent < 100);
      assert.equal(sent, LOGIN_RATE_LIMIT.max + 1);
      assert.equal((await errorOf(response)).code, 'rate-limited');
    });

    test('password change: twelve wrong current passwords in a row are locked out after five', async () => {
      const { app, user, login, session } = await setup();
      const person = await user('changer');
      const { cookie, csrf } = await session(person.email);
      const change = (current: string) =>
        app.request('/api/v1/auth/password', {
          method: 'POST',
          headers: { ...JSON_TYPE, cookie, 'x-csrf-token': csrf },
          body: JSON.stringify({ current_password: current, new_password: 'a brand new passphrase' }),
        });
      const before = await db.kysely
        .selectFrom('app_user')
        .select('password_changed_at')
        .where('id', '=', person.id)
        .executeTakeFirstOrThrow();
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await change(WRONG)).status);
      assert.deepEqual(statuses, [...Array(5).fill(400), ...Array(7).fill(429)]);
      // While locked even the right password changes nothing, and login is refused too.
      const right = await change(PASSWORD);
      assert.equal(right.status, 429);
      assert.equal((await errorOf(right)).code, 'account-locked');
      assert.equal((await login(person.email, PASSWORD)).status, 429);
      const stored = await db.kysely
        .selectFrom('app_user')
        .select('password_changed_at')
        .where('id', '=', person.id)
        .executeTakeFirstOrThrow();
      assert.deepEqual(stored.password_changed_at, before.password_changed_at, 'the password did not change');
    });

    test('parallel wrong passwords get no more than five tries', async () => {
      const { user, login } = await setup();
      const person = await user('parallel');
      const statuses = await Promise.all(Array.from({ length: 12 }, () => login(person.email, WRONG)));
      const counts = statuses.reduce<Record<number, number>>(
        (n, r) => ({ ...n, [r.status]: (n[r.status] ?? 0) + 1 }),
        {},
      );
      assert.deepEqual(counts, { 401: 5, 429: 7 });
    });

    test('login CSRF: a JSON content type is required, and another origin is refused', async () => {
      const { user, login } = await setup();
      const person = await user('signer');
      const forged = await login(person.email, PASSWORD, {
        'content-type': 'text/plain',
        origin: 'https://evil.example',
      });
      assert.equal(forged.status, 415);
      assert.equal((await errorOf(forged)).code, 'unsupported-media-type');
      assert.equal(forged.headers.get('set-cookie'), null);
      const plain = await login(person.email, PASSWORD, { 'content-type': 'text/plain' });
      assert.equal(plain.status, 415);
      assert.equal((await login(person.email, PASSWORD, {})).status, 415, 'no content type');
      const crossJson = await login(person.email, PASSWORD, { ...JSON_TYPE, origin: 'https://evil.example' });
      assert.equal(crossJson.status, 403);
      assert.equal((await errorOf(crossJson)).code, 'csrf');
      assert.equal(crossJson.headers.get('set-cookie'), null);
      const fetchSite = await login(person.email, PASSWORD, { ...JSON_TYPE, 'sec-fetch-site': 'cross-site' });
      assert.equal(fetchSite.status, 403);
      // The dashboard's own sign-in, and a script without an Origin, work.
      const same = await login(person.email, PASSWORD, {
        'content-type': 'application/json; charset=utf-8',
        origin: 'http://localhost',
        'sec-fetch-site': 'same-origin',
      });
      assert.equal(same.status, 200);
      assert.match(same.headers.get('set-cookie') ?? '', /cxkpi_session=/);
      assert.equal((await login(person.email, PASSWORD)).status, 200);
      // Behind a trusted proxy the browser's host arrives as X-Forwarded-Host; untrusted, it is ignored.
      const proxied = { ...JSON_TYPE, origin: 'https://cx.example.com', 'x-forwarded-host': 'cx.example.com' };
      const behind = createApp({
        db,
        config: loadConfig({}, { CXKPI_TRUST_PROXY: 'true' }),
        logger: createLogger('error', () => {}),
      });
      const body = JSON.stringify({ email: person.email, password: PASSWORD });
      assert.equal(
        (await behind.request('/api/v1/auth/login', { method: 'POST', headers: proxied, body })).status,
        200,
      );
      assert.equal((await login(person.email, PASSWORD, proxied)).status, 403);
    });

    test('a non-ASCII or malformed CSRF header and a malformed Origin are a 403 csrf, not a 500', async () => {
      const { app, user, session } = await setup();
      const person = await user('csrf');
      const { cookie, csrf } = await session(person.email);
      const patch = (headers: Record<string, string>) =>
        app.request('/api/v1/organization', {
          method: 'PATCH',
          headers: { ...JSON_TYPE, cookie, ...headers },
          body: JSON.stringify({ language: 'lt' }),
        });
      for (const headers of <Array<Record<string, string>>>[
        { 'x-csrf-token': `é${csrf.slice(1)}` },
        { 'x-csrf-token': 'ü'.repeat(csrf.length) },
        { 'x-csrf-token': csrf, origin: 'not a url' },
      ]) {
        const response = await patch(headers);
        assert.equal(response.status, 403, JSON.stringify(headers));
        assert.equal((await errorOf(response)).code, 'csrf');
      }
      assert.equal((await patch({ 'x-csrf-token': csrf })).status, 204);
    });

    test('malformed cursors and NUL bytes in filters are a 400 with a code', async () => {
      const { org, user, session, app } = await setup();
      await importRecords(db, org, 'teams', { objects: [{ id: 't1', name: 'One' }] });
      await importRecords(db, org, 'tickets', {
        objects: [0, 1, 2].map((i) => ({
          id: `k${i}`,
          team_id: 't1',
          created_at: `2026-03-0${i + 1}T09:00:00Z`,
          attributes: { region: 'north' },
        })),
      });
      const person = await user('rows');
      const { cookie, csrf } = await session(person.email);
      const get = (path: string) => app.request(path, { headers: { cookie } });
      const post = (path: string, body: unknown) =>
        app.request(path, {
          method: 'POST',
          headers: { ...JSON_TYPE, cookie, 'x-csrf-token': csrf },
          body: JSON.stringify(body),
        });
      const expectCode = async (response: Response, code: string, what: string) => {
        assert.equal(response.status, 400, `${what}: ${response.status}`);
        assert.equal((await errorOf(response)).code, code, what);
      };

      const page = (await (await get('/api/v1/tickets?limit=1')).json()) as any;
      assert.ok(page.next_cursor);
      assert.equal((await get(`/api/v1/tickets?limit=1&cursor=${page.next_cursor}`)).status, 200);
      // The cursors this API writes pass the check for every kind of sort key (dates, currencies).
      await importRecords(db, org, 'fx_rates', {
        objects: [
          { currency: 'USD', date: '2026-03-01', rate: 0.9 },
          { currency: 'USD', date: '2026-03-02', rate: 0.91 },
        ],
      });
      await importRecords(db, org, 'customers', { objects: [{ id: 'c1' }, { id: 'c2' }] });
      for (const entity of ['fx_rates', 'customers']) {
        const first = (await (await get(`/api/v1/${entity}?limit=1`)).json()) as any;
        const second = await get(`/api/v1/${entity}?limit=1&cursor=${first.next_cursor}`);
        assert.equal(second.status, 200, entity);
        assert.equal(((await second.json()) as any).rows.length, 1, entity);
      }
      const encode = (value: string) => Buffer.from(value).toString('base64url');
      for (const cursor of [
        'not-base64-at-all!',
        encode('not json'),
        encode('{"a":1}'),
        encode('["yesterday","k1"]'),
        encode('["2026-03-01T09:00:00Z"]'),

        encode('[{"a":1},"k1"]'),
        encode('[["x"],"k1"]'),
        encode('["2026-03-01T09:00:00Z",null]'),
        encode('["2026-03-01T09:00:00Z","k\\u0000"]'),
        encode('[1e400,"k1"]'),
        encode('["99999-01-01T00:00:00Z","k1"]'),
      ]) {
        await expectCode(await get(`/api/v1/tickets?cursor=${cursor}`), 'invalid-cursor', `cursor ${cursor}`);
      }

      for (const cursor of [
        encode('["x","surveys","r1"]'),
        encode('["2026-02-30T00:00:00.000Z","surveys","r1"]'),
        encode('["2026-03-01T00:00:00.000Z","surveys","r\\u0000"]'),
        encode('[1,2,3]'),
      ]) {
        await expectCode(await get(`/api/v1/feedback?cursor=${cursor}`), 'invalid-cursor', `feedback cursor ${cursor}`);
      }
      for (const filter of ['team=%00', 'agent=a,%00', 'q=%00', 'language=%00']) {
        await expectCode(await get(`/api/v1/feedback?${filter}`), 'invalid-filter', `feedback ${filter}`);
      }

      for (const filter of ['team=%00', 'team=t1,%00', 'id=k%001', 'channel=%00', 'attributes.region=%00']) {
        await expectCode(await get(`/api/v1/tickets?${filter}`), 'invalid-filter', filter);
      }
      await expectCode(await get('/api/v1/tickets?attributes.%00=x'), 'invalid-filter', 'attribute name');
      const period = { from: '2026-03-01', to: '2026-04-01', grain: 'all' };
      for (const where of [{ team: '\u0000' }, { team: ['t1', 'a\u0000'] }, { 'attributes.region': '\u0000' }]) {
        await expectCode(
          await post('/api/v1/query', { metrics: ['tickets_created'], ...period, where }),
          'invalid-filter',
          `query where ${JSON.stringify(where)}`,
        );
        await expectCode(
          await post('/api/v1/query/rows', { metric: 'tickets_created', from: period.from, to: period.to, where }),
          'invalid-filter',
          `rows where ${JSON.stringify(where)}`,
        );
      }
    });

    test('values the database refuses map to a 400 centrally (22021, 22P05, 22007, 22008)', async () => {
      for (const [query, sqlstate, code] of [
        [sql`select ${'a\u0000b'}::text as t`, '22021', 'invalid-text'],
        [sql`select ${'"\\u0000"'}::jsonb ->> 0 as t`, '22P05', 'invalid-text'],
        [sql`select ${'not a time'}::timestamptz as t`, '22007', 'invalid-value'],
        [sql`select ${'2026-02-30'}::date as t`, '22008', 'value-out-of-range'],
      ] as const) {
        const error = await query.execute(db.kysely).then(
          () => assert.fail('the database accepted it'),
          (e: unknown) => e,
        );
        assert.equal((error as { code?: string }).code, sqlstate);
        const mapped = toAppError(error);
        assert.deepEqual([mapped.status, mapped.code], [400, code], sqlstate);
      }
    });

    test('exports: formula-like subjects are neutralized in CSV and stay text in XLSX', async () => {
      const { org, user, session, app } = await setup();
      const subjects = [' =HYPERLINK("http://evil.example","x")', 'Ivanov;=1+1', '@SUM(A1)'];
      await importRecords(db, org, 'tickets', {
        objects: subjects.map((subject, i) => ({ id: `x${i}`, subject, created_at: `2026-03-0${i + 1}T09:00:00Z` })),
      });
      const person = await user('export');
      const { cookie, csrf } = await session(person.email);
      const csv = await (await app.request('/api/v1/tickets?format=csv', { headers: { cookie } })).text();
      for (const subject of subjects) assert.ok(csv.includes(`"'${subject.replace(/"/g, '""')}"`), subject);
      const rows = await app.request('/api/v1/query/rows?format=csv', {
        method: 'POST',
        headers: { ...JSON_TYPE, cookie, 'x-csrf-token': csrf },
        body: JSON.stringify({ metric: 'tickets_created', from: '2026-03-01', to: '2026-04-01' }),
      });
      const drill = await rows.text();
      assert.equal(rows.status, 200);
      for (const subject of subjects) assert.ok(drill.includes(`"'${subject.replace(/"/g, '""')}"`), subject);
      const xlsx = await app.request('/api/v1/query/rows?format=xlsx', {
        method: 'POST',
        headers: { ...JSON_TYPE, cookie, 'x-csrf-token': csrf },
        body: JSON.stringify({ metric: 'tickets_created', from: '2026-03-01', to: '2026-04-01' }),
      });
      const book = new ExcelJS.Workbook();
      await book.xlsx.load((await xlsx.arrayBuffer()) as never);
      const cells: ExcelJS.Cell[] = [];
      book.worksheets[0]!.eachRow((row) => row.eachCell((cell) => void cells.push(cell)));
      const texts = cells.filter((cell) => subjects.includes(String(cell.value)));
      assert.equal(texts.length, subjects.length, 'the subjects are there, unchanged');
      assert.ok(texts.every((cell) => cell.type === ExcelJS.ValueType.String));
      assert.ok(cells.every((cell) => cell.formula === undefined));
    });
  });
}
