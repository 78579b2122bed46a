import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { resetDemoUsers, loadDemo } from '../../src/cli/commands/demo.ts';
import { loadConfig } from '../../src/config.ts';
import { openDatabase, type Db } from '../../src/db/connect.ts';
import { createLogger } from '../../src/http/logger.ts';
import { startServer, type RunningServer } from '../../src/http/server.ts';
import { createOrganization, type Organization } from '../../src/orgs/index.ts';

/**
 * The demo organization (seed 42, twelve months up to 2026-05-01) in an in-memory PGlite, served
 * on a free port with its four logins, for the browser tests. PGlite only: the browser tests test
 * the dashboard, and the database tests run every query on PostgreSQL too.
 *
 * Generating and importing the demo takes most of a browser test's set-up, so it happens once:
 * the first test process to need it loads it and keeps a dump in node_modules/.cache/cxkpi/,
 * named by a hash of the server's sources (any change to the generator, the importer or the
 * schema makes a new one); the others wait for that dump and each open their own copy, so a test
 * that writes never disturbs another.
 */
export interface DemoServer {
  url: string;
  password: string;
  logins: { owner: string; lead: string; agent: string; viewer: string };
  db: Db;
  close(): Promise<void>;
}

const DEMO = { seed: 42, end: '2026-05-01' };
const root = path.resolve(import.meta.dirname, '../..');
const cacheDir = path.join(root, 'node_modules', '.cache', 'cxkpi');
const quiet = { out: () => {}, err: () => {}, stdin: process.stdin };

function sourcesHash(): string {
  const hash = createHash('sha256').update(JSON.stringify(DEMO));
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
        hash.update(full).update(fs.readFileSync(full));
    }
  };
  walk(path.join(root, 'src'));
  return hash.digest('hex').slice(0, 16);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function openDemo(): Promise<{ db: Db; org: Organization }> {
  const memory = { dataDir: '', databaseUrl: undefined, poolSize: 1 };
  const file = path.join(cacheDir, `demo-${sourcesHash()}.tar.gz`);
  const lock = `${file}.lock`;
  fs.mkdirSync(cacheDir, { recursive: true });
  for (;;) {
    if (fs.existsSync(file)) {
      const db = await openDatabase(memory, { inMemory: true, from: new Blob([fs.readFileSync(file)]) });
      const org = await db.kysely
        .selectFrom('organization')
        .select(['id', 'slug', 'name', 'timezone', 'currency', 'language'])
        .where('slug', '=', 'demo')
        .executeTakeFirstOrThrow();
      return { db, org: org as Organization };
    }
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // Another test process is making the dump: wait for it, unless it died on the way.
      const owner = Number(fs.readFileSync(lock, 'utf8'));
      if (owner && !isRunning(owner)) fs.rmSync(lock, { force: true });
      else await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    const db = await openDatabase(memory, { inMemory: true });
    const created = await createOrganization(db.kysely, { slug: 'demo', name: 'Demo' });
    await loadDemo(db, created, DEMO, quiet);
    const partial = `${file}.${process.pid}.partial`;
    fs.writeFileSync(partial, Buffer.from(await (await db.dump!()).arrayBuffer()));
    fs.renameSync(partial, file);
    for (const name of fs.readdirSync(cacheDir)) {
      if (/^demo-[0-9a-f]+\.tar\.gz$/.test(name) && path.join(cacheDir, name) !== file)
        fs.rmSync(path.join(cacheDir, name), { force: true });
    }
    return { db, org: { ...created, timezone: 'Europe/Vilnius', currency: 'EUR' } };
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

export async function startDemoServer(): Promise<DemoServer> {
  const { db, org } = await openDemo();
  const { password, users } = await resetDemoUsers(db, org);
  const email = (role: string) => users.find((u) => u.role === role)!.email;
  let server: RunningServer;
  try {
    server = await startServer({
      db,
      config: { ...loadConfig({}, {}), port: 0, host: '127.0.0.1' },
      logger: createLogger(process.env.DEMO_LOG === '1' ? 'info' : 'silent'),
    });
  } catch (error) {
    await db.close();
    throw error;
  }
  return {
    url: server.url,
    password,
    logins: { owner: email('owner'), lead: email('team_lead'), agent: email('agent'), viewer: email('viewer') },
    db,
    close: async () => {
      await server.close();
      await db.close();
    },
  };
}
