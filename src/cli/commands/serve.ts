import { createApiKey, listApiKeys } from '../../auth/index.ts';
import type { Config } from '../../config.ts';
import { openDatabase, redactUrl, type Db } from '../../db/connect.ts';
import { createLogger } from '../../http/logger.ts';
import { closeOnSignals, startServer } from '../../http/server.ts';
import { ensureDefaultOrganization, type Organization } from '../../orgs/index.ts';
import { configFrom, databaseOptions, parseCommand, type Io } from '../context.ts';

const help = `Usage: cxkpi serve [--port 3000] [--host 127.0.0.1] [--data-dir DIR | --database-url URL]

Starts the HTTP API (docs at /api/docs). On the first start it creates the default organization
and prints an admin API key; only its hash is stored.`;

export const serveOptions = {
  ...databaseOptions,
  port: { type: 'string', short: 'p' },
  host: { type: 'string' },
} as const;

export async function run(args: string[], io: Io): Promise<number> {
  const { values } = parseCommand(args, serveOptions);
  if (values.help) return (io.out(help), 0);
  const config = configFrom(values, { port: values.port, host: values.host });
  const db = await openDatabase(config);
  const { org } = await ensureDefaultOrganization(db.kysely, config);
  await printFirstKey(db, org, io);
  await serveUntilStopped(db, config, io, config.databaseUrl ? redactUrl(config.databaseUrl) : config.dataDir);
  return 0;
}

/** The first start of an installation has no key yet: make one admin key and show it once. */
export async function printFirstKey(db: Db, org: Organization, io: Io): Promise<void> {
  const keys = await listApiKeys(db.kysely, org.id);
  if (keys.some((key) => !key.revoked_at)) return;
  const { key } = await createApiKey(db.kysely, org.id, { name: 'admin (first start)', scope: 'full' });
  io.out(`Admin API key (shown once; only its hash is stored; make more with \`cxkpi keys create\`):\n  ${key}\n`);
}

export async function serveUntilStopped(db: Db, config: Config, io: Io, where: string): Promise<void> {
  const logger = createLogger(config.logLevel);
  const server = await startServer({ db, config, logger });
  io.out(
    `cxkpi is listening on ${server.url} (API docs: ${server.url}/api/docs), data: ${where} [${db.caps.name}]. Ctrl+C stops it.`,
  );
  await closeOnSignals(async () => {
    await server.close();
    await db.close();
  }, logger);
}
