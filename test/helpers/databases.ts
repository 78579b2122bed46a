import { randomUUID } from 'node:crypto';
import { after } from 'node:test';
import { openDatabase, type Db } from '../../src/db/connect.ts';
import { createOrganization, type NewOrganization, type Organization } from '../../src/orgs/index.ts';

/**
 * The database variants a test file runs on: embedded PGlite (in memory) always, and a PostgreSQL
 * server when TEST_DATABASE_URL is set. TEST_DATABASES=postgresql (or pglite) narrows the list,
 * which is how CI runs the database tests a second time on the server only.
 */
export interface Variant {
  name: 'pglite' | 'postgresql';
  db(): Promise<Db>;
}

const only = (process.env.TEST_DATABASES ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const url = process.env.TEST_DATABASE_URL;

const opened: Array<Promise<Db>> = [];
// Registered when the helper loads, so on the root test: databases close after the whole file.
after(async () => {
  for (const db of opened) await (await db).close();
});

function variant(name: Variant['name'], open: () => Promise<Db>): Variant {
  let db: Promise<Db> | undefined;
  return {
    name,
    db: () => {
      if (!db) opened.push((db = open()));
      return db;
    },
  };
}

export const variants: Variant[] = [
  variant('pglite', () => openDatabase({ dataDir: '', databaseUrl: undefined, poolSize: 1 }, { inMemory: true })),
  ...(url ? [variant('postgresql', () => openDatabase({ dataDir: '', databaseUrl: url, poolSize: 4 }))] : []),
].filter((v) => !only.length || only.includes(v.name));

/** A fresh organization, so that tests sharing a database never see each other's rows. */
export async function createTestOrg(db: Db, input: Partial<NewOrganization> = {}): Promise<Organization> {
  const slug = `test-${randomUUID()}`;
  return createOrganization(db.kysely, { slug, name: slug, ...input });
}
