import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { createApiKey } from '../src/auth/index.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase, type Db } from '../src/db/connect.ts';
import { createApp } from '../src/http/app.ts';
import { createLogger } from '../src/http/logger.ts';
import { startServer } from '../src/http/server.ts';
import { failAbandonedImports, holdRunLock, releaseRunLock } from '../src/ingest/fail-abandoned-imports.ts';
import { importRecords, type ImportOptions } from '../src/ingest/index.ts';
import type { Organization } from '../src/orgs/index.ts';
import { createTestOrg, variants } from './helpers/databases.ts';

/** Bad bytes and overlong records: rejected with line, field and reason, never stored damaged. */
const chunks = (...parts: Buffer[]) => ({
  bytes: (async function* () {
    yield* parts;
  })(),
});

async function runs(db: Db, org: Organization) {
  return db.kysely
    .selectFrom('import_run')
    .select(['status', 'message'])
    .where('org_id', '=', org.id)
    .orderBy('started_at')
    .execute();
}

async function customers(db: Db, org: Organization) {
  return db.kysely.selectFrom('customer').select(['id', 'name']).where('org_id', '=', org.id).orderBy('id').execute();
}

for (const variant of variants) {
  describe(`bad input on ${variant.name}`, () => {
    async function setup(config: Record<string, string> = {}) {
      const db = await variant.db();
      const org = await createTestOrg(db);
      const app = createApp({ db, config: loadConfig({}, config), logger: createLogger('silent', () => {}) });
      const key = (await createApiKey(db.kysely, org.id, { name: 'test', scope: 'full' })).key;
      const post = (path: string, body: string | Buffer, type = 'text/csv') =>
        app.request(path, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': type },
          body: body as BodyInit,
        });
      return { db, org, post };
    }
    const load = (db: Db, org: Organization, body: Buffer, options: ImportOptions = {}) =>
      importRecords(db, org, 'customers', chunks(body), options);

    test('a Windows-1251 file is read as such when not told, reported; told UTF-8 it is refused naming line and field', async () => {
      const { db, org } = await setup();
      const file = Buffer.concat([
        Buffer.from('id,name\nc1,Plain\nc2,'),
        Buffer.from([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2]), // "Привет" in Windows-1251
        Buffer.from('\n'),
      ]);
      const told = await load(db, org, file, { encoding: 'utf-8' });
      assert.equal(told.status, 'rejected');
      assert.deepEqual(told.errors, [
        { line: 3, field: 'name', reason: 'is not valid UTF-8 (try --encoding windows-1251)' },
      ]);
      assert.deepEqual(await customers(db, org), []);
      const guessed = await load(db, org, file);
      assert.equal(guessed.inserted, 2);
      assert.equal(guessed.encoding, 'windows-1251 (guessed: the file is not valid UTF-8)');
      assert.match(
        guessed.message,
        /Read as windows-1251 \(guessed: the file is not valid UTF-8\); --encoding overrides\./,
      );
      assert.deepEqual(
        (await customers(db, org)).map((c) => c.name),
        ['Plain', 'Привет'],
      );
    });

    test('invalid UTF-8 split across chunks, in JSON Lines and in a header is reported, never stored', async () => {
      const { db, org } = await setup();
      // A valid "П" split over two chunks is fine; a lone continuation byte is not.
      const ok = await importRecords(
        db,
        org,
        'customers',
        chunks(
          Buffer.from('id,name\nc1,\xd0'.replace('\xd0', ''), 'latin1'),
          Buffer.from([0xd0]),
          Buffer.from([0x9f, 0x0a]),
        ),
      );
      assert.equal(ok.inserted, 1);
      assert.equal((await customers(db, org))[0]!.name, 'П');
      const jsonl = await load(
        db,
        org,
        Buffer.concat([Buffer.from('{"id":"c2","name":"a'), Buffer.from([0x80]), Buffer.from('"}\n')]),
        {
          format: 'jsonl',
        },
      );
      assert.deepEqual(
        jsonl.errors.map((e) => [e.line, e.field, e.reason]),
        [[1, 'name', 'is not valid UTF-8 (try --encoding windows-1251)']],
      );
      await assert.rejects(
        load(db, org, Buffer.concat([Buffer.from('id,n'), Buffer.from([0xff]), Buffer.from('me\nc3,x\n')])),
        {
          status: 400,
          message: /Line 1: column 2 of the header is not valid UTF-8/,
        },
      );
      // A U+FFFD the file really holds is refused too, but not blamed on the encoding.
      const replacement = await load(db, org, Buffer.from('id,name\nc4,bad \ufffd\n'));
      assert.match(replacement.errors[0]!.reason, /replacement character/);
      assert.deepEqual(
        (await customers(db, org)).map((c) => c.id),
        ['c1'],
      );
      assert.ok((await runs(db, org)).every((r) => r.status !== 'running'));
    });

    test('UTF-16 and NUL bytes give a 400 naming line and field, and the history row is finished', async () => {
      const { db, org, post } = await setup();
      const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('id,name\r\nc1,Ona\r\n', 'utf16le')]);
      // A byte order mark says UTF-16; told UTF-8, the mark is an error that says so.
      const toldUtf8 = await post('/api/v1/import/customers?encoding=utf-8', utf16);
      assert.equal(toldUtf8.status, 400);
      assert.match((await toldUtf8.json()).error.message, /Line 1: the file is UTF-16.*--encoding utf-16le/);
      const withBom = await post('/api/v1/import/customers?dry_run=true', utf16);
      assert.equal(withBom.status, 200);
      assert.equal((await withBom.json()).encoding, 'utf-16le');
      const noBom = await post('/api/v1/import/customers', Buffer.from('id,name\nc1,Ona\n', 'utf16le'));
      assert.equal(noBom.status, 400);
      assert.match((await noBom.json()).error.message, /NUL character/);
      const decoded = await post('/api/v1/import/customers?encoding=utf-16le', utf16);
      assert.equal(decoded.status, 200);

      for (const [body, field, type] of [
        ['id,name\nc\u00002,Ona\n', 'id', 'text/csv'],
        ['id,name,attributes.tier\nc3,Ona,go\u0000ld\n', 'attributes.tier', 'text/csv'],
        ['{"id":"c4","attributes":{"tier":"a\\u0000b"}}\n', 'attributes.tier', 'application/x-ndjson'],
        ['{"id":"c5","name":"x\\u0000"}\n', 'name', 'application/x-ndjson'],
      ] as const) {
        const response = await post('/api/v1/import/customers', body, type);
        assert.equal(response.status, 400, body);
        const answer = await response.json();
        assert.deepEqual(
          answer.error.details.map((d: { line: number; field: string }) => [d.line, d.field]),
          [[body.startsWith('{') ? 1 : 2, field]],
          body,
        );
        assert.match(answer.error.details[0].reason, /NUL/);
      }
      const tags = await post('/api/v1/import/tickets', 'id,created_at,tags\nt1,2026-01-01T00:00:00Z,a|b\u0000c\n');
      assert.equal(tags.status, 400);
      assert.deepEqual((await tags.json()).error.details[0].field, 'tags');
      assert.ok((await runs(db, org)).every((r) => r.status !== 'running'));
    });

    test('a repeated key in one JSON object and a number beyond the double range are named', async () => {
      const { db, org } = await setup();
      const text =
        '{"id":"c1","name":"a","name":"b"}\n{"id":"c2","attributes":{"x":1,"x":2}}\n{"id":"c3","acquisition_cost":1e309}\n';
      const summary = await load(db, org, Buffer.from(text), { format: 'jsonl' });
      assert.deepEqual(
        summary.errors.map((e) => [e.line, e.field, e.reason]),
        [
          [1, 'name', 'the key "name" appears twice in one object'],
          [2, 'attributes.x', 'the key "x" appears twice in one object'],
          [3, 'acquisition_cost', '1e309 is not a finite number'],
        ],
      );
      const array = await importRecords(db, org, 'customers', chunks(Buffer.from('[{"id":"c1","id":"c2"}]')), {
        format: 'json',
      });
      assert.deepEqual(
        array.errors.map((e) => [e.line, e.field]),
        [[1, 'id']],
      );
    });

    test('a record over the limit stops the import at once with a 400 naming its line', async () => {
      const { db, org, post } = await setup();
      const long = `id,name\nc1,Ona\nc2,${'x'.repeat(5 * 1024 * 1024)}\nc3,Pavel\n`;
      const started = performance.now();
      const response = await post('/api/v1/import/customers', long);
      assert.equal(response.status, 400);
      const answer = await response.json();
      assert.equal(answer.error.code, 'record-too-long');
      assert.match(answer.error.message, /^Line 3: the record is longer than 1 MiB \(CXKPI_MAX_RECORD_BYTES\)/);
      for (const format of ['jsonl', 'json'] as const) {
        const json = `${format === 'json' ? '[' : ''}{"id":"c1"}${format === 'json' ? ',' : ''}\n{"id":"${'x'.repeat(2 << 20)}"}${format === 'json' ? ']' : ''}`;
        await assert.rejects(load(db, org, Buffer.from(json), { format }), {
          code: 'record-too-long',
          message: /^Line 2:/,
        });
      }
      // Well under the timeout of any test: the record is refused, not parsed.
      assert.ok(performance.now() - started < 20_000);
      assert.deepEqual(await customers(db, org), []);
      const statuses = (await runs(db, org)).map((r) => r.status);
      assert.deepEqual(statuses, ['rejected', 'rejected', 'rejected']);

      const { post: roomy } = await setup({ CXKPI_MAX_RECORD_BYTES: String(8 * 1024 * 1024) });
      assert.equal((await roomy('/api/v1/import/customers', long)).status, 400, 'a name is at most 500 characters');
    });

    test('a run left running by a stopped process is marked failed; a live one is left alone', async () => {
      const { db, org } = await setup();
      const dead = await db.kysely
        .insertInto('import_run')
        .values({ org_id: org.id, entity: 'customers', format: 'csv', status: 'running', errors: '[]' })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (variant.name === 'postgresql') {
        // Another process's import in progress: its session holds the run's lock.
        const live = await db.kysely
          .insertInto('import_run')
          .values({ org_id: org.id, entity: 'orders', format: 'csv', status: 'running', errors: '[]' })
          .returning('id')
          .executeTakeFirstOrThrow();
        await db.session(async (session) => {
          await holdRunLock(session, live.id);
          try {
            await failAbandonedImports(db.kysely);
          } finally {
            await releaseRunLock(session, live.id);
          }
        });
        const rows = await db.kysely
          .selectFrom('import_run')
          .select(['id', 'status'])
          .where('org_id', '=', org.id)
          .execute();
        assert.equal(rows.find((r) => r.id === live.id)!.status, 'running');
        assert.equal(rows.find((r) => r.id === dead.id)!.status, 'failed');
      }
      await failAbandonedImports(db.kysely);
      const after = await runs(db, org);
      assert.ok(after.every((r) => r.status === 'failed'));
      assert.match(after[0]!.message!, /interrupted/);
      await sql`select 1`.execute(db.kysely);
    });
  });
}

describe('an import killed with its process', () => {
  const targets = [
    { name: 'pglite', open: () => fs.mkdtempSync(path.join(os.tmpdir(), 'cxkpi-killed-')) },
    ...(process.env.TEST_DATABASE_URL ? [{ name: 'postgresql', open: () => process.env.TEST_DATABASE_URL! }] : []),
  ];
  for (const target of targets) {
    test(`on ${target.name} is marked failed when the server starts again`, async () => {
      const where = target.open();
      const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/import-forever.ts', where], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const orgId = await new Promise<string>((resolve, reject) => {
        child.stdout.once('data', (data: Buffer) => resolve(data.toString().trim()));
        child.once('exit', (code) => reject(new Error(`the importing process ended (${code})`)));
      });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      const url = where.startsWith('postgres') ? where : undefined;
      const db = await openDatabase({ dataDir: url ? '' : where, databaseUrl: url, poolSize: 2 });
      try {
        const server = await startServer({
          db,
          config: { ...loadConfig({}, {}), port: 0 },
          logger: createLogger('silent'),
          jobs: false,
        });
        await server.close();
        const run = await db.kysely
          .selectFrom('import_run')
          .select(['status', 'message'])
          .where('org_id', '=', orgId)
          .executeTakeFirstOrThrow();
        assert.equal(run.status, 'failed');
        assert.match(run.message!, /interrupted/);
        assert.equal(
          (await db.kysely.selectFrom('team').select('id').where('org_id', '=', orgId).execute()).length,
          0,
          'nothing of the killed import was stored',
        );
      } finally {
        await db.close();
        if (!url) fs.rmSync(where, { recursive: true, force: true });
      }
    });
  }
});
