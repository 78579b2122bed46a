import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addMember, createUser } from '../src/auth/index.ts';
import { loadConfig } from '../src/config.ts';
import { createApp } from '../src/http/app.ts';
import { LOGIN_RATE_LIMIT } from '../src/http/routes/auth.ts';
import { createLogger } from '../src/http/logger.ts';
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

    const errorOf = async (response: Response) => ((await response.json()) as any).error;

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
    });
  });
}
