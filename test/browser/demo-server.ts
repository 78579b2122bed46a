import { resetDemoUsers, loadDemo } from '../../src/cli/commands/demo.ts';
import { loadConfig } from '../../src/config.ts';
import { openDatabase, type Db } from '../../src/db/connect.ts';
import { createLogger } from '../../src/http/logger.ts';
import { startServer, type RunningServer } from '../../src/http/server.ts';
import { createOrganization } from '../../src/orgs/index.ts';

/**
 * The demo organization (seed 42, twelve months up to 2026-05-01) in an in-memory PGlite, served
 * on a free port with its four logins, for the browser tests. PGlite only: the browser tests test
 * the dashboard, and the database tests run every query on PostgreSQL too.
 */
export interface DemoServer {
  url: string;
  password: string;
  logins: { owner: string; lead: string; agent: string; viewer: string };
  db: Db;
  close(): Promise<void>;
}

export async function startDemoServer(): Promise<DemoServer> {
  const db = await openDatabase({ dataDir: '', databaseUrl: undefined, poolSize: 1 }, { inMemory: true });
  const created = await createOrganization(db.kysely, { slug: 'demo', name: 'Demo' });
  await loadDemo(db, created, { seed: 42, end: '2026-05-01' }, { out: () => {}, err: () => {}, stdin: process.stdin });
  const org = { ...created, timezone: 'Europe/Vilnius', currency: 'EUR' };
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
