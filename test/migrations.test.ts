import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { Migrator, sql, type KyselyPlugin } from 'kysely';
import { MIGRATIONS, migrateIfPending, openDatabase } from '../src/db/connect.ts';
import { templateFile } from '../src/db/pglite-template.ts';
import { variants } from './helpers/databases.ts';

/** Counts the statements a Kysely instance runs (raw `sql` and introspection included). */
function counting(): KyselyPlugin & { statements: number } {
  const plugin = {
    statements: 0,
    transformQuery: <T>(args: { node: T }) => (plugin.statements++, args.node),
    transformResult: async <R>(args: { result: R }) => args.result,
  };
  return plugin;
}

for (const variant of variants) {
  describe(`migration check on ${variant.name}`, () => {
    test('an up-to-date database costs one statement and runs no migration', async () => {
      const db = await variant.db();
      const plugin = counting();
      assert.deepEqual(await migrateIfPending(db.kysely.withPlugin(plugin)), []);
      assert.equal(plugin.statements, 1, 'only the read of kysely_migration');
    });
  });
}

// Embedded-only tests: the PostgreSQL pass of CI (TEST_DATABASES=postgresql) leaves them out.
const embedded = variants.some((v) => v.name === 'pglite') ? {} : { skip: 'embedded PGlite only' };

test('a new database gets every migration; a pending one is applied by the Migrator', embedded, async () => {
  const db = await openDatabase(
    { dataDir: '', databaseUrl: undefined, poolSize: 1 },
    { inMemory: true, migrate: false },
  );
  try {
    const names = Object.keys(MIGRATIONS);
    const last = names.at(-1)!;
    // Everything but the last migration, as a database of the previous version would have.
    const provider = { getMigrations: async () => MIGRATIONS };
    const upTo = await new Migrator({ db: db.kysely, provider }).migrateTo(names.at(-2)!);
    assert.equal(upTo.error, undefined);
    assert.deepEqual(await migrateIfPending(db.kysely), [last]);
    assert.deepEqual(await migrateIfPending(db.kysely), []);
  } finally {
    await db.close();
  }
  const fresh = await openDatabase(
    { dataDir: '', databaseUrl: undefined, poolSize: 1 },
    { inMemory: true, migrate: false },
  );
  try {
    assert.deepEqual(await migrateIfPending(fresh.kysely), Object.keys(MIGRATIONS));
  } finally {
    await fresh.close();
  }
});

test('a database with a migration this version does not know is refused, not migrated', embedded, async () => {
  const db = await openDatabase({ dataDir: '', databaseUrl: undefined, poolSize: 1 }, { inMemory: true });
  try {
    await db.kysely
      .insertInto('kysely_migration' as never)
      .values({ name: '9999-from-the-future', timestamp: new Date().toISOString() } as never)
      .execute();
    await assert.rejects(migrateIfPending(db.kysely), /9999-from-the-future|missing/);
  } finally {
    await db.close();
  }
});

const serverVariant = variants.find((v) => v.name === 'postgresql');
test(
  'servers starting at once on a new PostgreSQL database apply each migration once',
  { skip: serverVariant ? false : 'needs TEST_DATABASE_URL' },
  async () => {
    const admin = await serverVariant!.db();
    const name = `cxkpi_migrate_${process.pid}_${Date.now()}`;
    await sql.raw(`create database ${name}`).execute(admin.kysely);
    try {
      const url = new URL(process.env.TEST_DATABASE_URL!);
      url.pathname = `/${name}`;
      const config = { dataDir: '', databaseUrl: url.toString(), poolSize: 2 };
      const servers = await Promise.all(Array.from({ length: 4 }, () => openDatabase(config)));
      try {
        const rows = await servers[0]!.kysely
          .selectFrom('kysely_migration' as never)
          .select('name' as never)
          .execute();
        assert.deepEqual(rows.map((r) => (r as { name: string }).name).sort(), Object.keys(MIGRATIONS));
        for (const db of servers) assert.deepEqual(await migrateIfPending(db.kysely), []);
      } finally {
        await Promise.all(servers.map((db) => db.close()));
      }
    } finally {
      await sql.raw(`drop database if exists ${name}`).execute(admin.kysely);
    }
  },
);

test('a new embedded database starts from the template of these migrations', embedded, async () => {
  const file = templateFile(MIGRATIONS);
  const first = await openDatabase({ dataDir: '', databaseUrl: undefined, poolSize: 1 }, { inMemory: true });
  await first.close();
  assert.ok(fs.existsSync(file), 'the first new database leaves the template');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxkpi-template-'));
  try {
    const db = await openDatabase({ dataDir: dir, databaseUrl: undefined, poolSize: 1 });
    try {
      const plugin = counting();
      assert.deepEqual(await migrateIfPending(db.kysely.withPlugin(plugin)), []);
      assert.equal(plugin.statements, 1);
      // The schema is there, and the template carries no rows.
      assert.deepEqual(await db.kysely.selectFrom('organization').select('id').execute(), []);
    } finally {
      await db.close();
    }
    assert.ok(fs.existsSync(path.join(dir, 'PG_VERSION')), 'the cluster is in the directory');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  // Another migration list (or a changed migration source) names another template.
  const more = { ...MIGRATIONS, '9999-next': { up: async () => {} } };
  assert.notEqual(templateFile(more), file);
});
