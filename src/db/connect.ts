import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PGlite } from '@electric-sql/pglite';
import { Kysely, Migrator, PostgresDialect, sql, type Migration, type MigrationProvider } from 'kysely';
import type { Config } from '../config.ts';
import { AppError } from '../errors.ts';
import * as m0001 from './migrations/0001-initial.ts';
import * as m0002 from './migrations/0002-custom-metrics.ts';
import * as m0003 from './migrations/0003-accounts.ts';
import * as m0004 from './migrations/0004-surveys.ts';
import * as m0005 from './migrations/0005-jobs.ts';
import * as m0006 from './migrations/0006-targets.ts';
import * as m0007 from './migrations/0007-alerts.ts';
import * as m0008 from './migrations/0008-rollups.ts';
import * as m0009 from './migrations/0009-reports.ts';
import * as m0010 from './migrations/0010-feedback-sentiment.ts';
import * as m0011 from './migrations/0011-experiments.ts';
import * as m0013 from './migrations/0013-rollup-sketches.ts';
import * as m0014 from './migrations/0014-customer-rollups.ts';
import * as m0015 from './migrations/0015-ticket-agent-index.ts';
import type { Database } from './schema.ts';

/**
 * What a backend can do. Code asks these questions instead of asking which backend it runs on.
 */
export interface Capabilities {
  /** Several statements can run at the same time on separate connections. */
  multipleConnections: boolean;
  /** Short human name for logs and the health endpoint. */
  name: 'pglite' | 'postgresql';
}

export interface Db {
  kysely: Kysely<Database>;
  caps: Capabilities;
  /**
   * Runs `fn` on one connection held for its whole duration (bulk work that spans statements,
   * such as an import's transaction with a staging table), with COPY for fast loading.
   */
  session<T>(fn: (session: Session) => Promise<T>): Promise<T>;
  /** Connections right now, for monitoring (PGlite: its one session, in use or not). */
  poolStats(): PoolStats;
  /** Embedded only: the whole database as a gzipped tarball, which `OpenOptions.from` opens. */
  dump?(): Promise<Blob>;
  close(): Promise<void>;
}

export interface PoolStats {
  max: number;
  /** Open connections. */
  total: number;
  idle: number;
  /** Callers waiting for a connection. */
  waiting: number;
}

export interface Session {
  kysely: Kysely<Database>;
  /** Loads COPY text format (tab-separated, \\N for null) into `table (columns)`. */
  copyIn(table: string, columns: string[], text: string): Promise<void>;
}

/** Every migration, by name; the names sort in the order they apply. */
export const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': m0001,
  '0002-custom-metrics': m0002,
  '0003-accounts': m0003,
  '0004-surveys': m0004,
  '0005-jobs': m0005,
  '0006-targets': m0006,
  '0007-alerts': m0007,
  '0008-rollups': m0008,
  '0009-reports': m0009,
  '0010-feedback-sentiment': m0010,
  '0011-experiments': m0011,
  '0013-rollup-sketches': m0013,
  '0014-customer-rollups': m0014,
  '0015-ticket-agent-index': m0015,
};

// Same JavaScript values from both backends: counts and numerics as numbers, dates as
// 'YYYY-MM-DD' text (never a Date at local midnight), timestamps as Date.
const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;
const parseNumber = (value: string) => Number(value);
const parseText = (value: string) => value;

export interface OpenOptions {
  /** Run pending migrations (under a lock) before returning. Default true. */
  migrate?: boolean;
  /** Embedded database in memory instead of on disk (tests). */
  inMemory?: boolean;
  /** A new embedded database starts as this dump (`Db.dump`), for example a prepared test database. */
  from?: Blob;
}

export async function openDatabase(
  config: Pick<Config, 'dataDir' | 'databaseUrl' | 'poolSize'>,
  options: OpenOptions = {},
): Promise<Db> {
  const db = config.databaseUrl
    ? await openServer(config.databaseUrl, config.poolSize)
    : await openEmbedded(options.inMemory ? undefined : config.dataDir, options.migrate !== false, options.from);
  try {
    // The first statement also proves the connection works.
    if (options.migrate !== false) await migrateIfPending(db.kysely);
    else await db.kysely.selectNoFrom((eb) => eb.val(1).as('ok')).execute();
  } catch (error) {
    await db.close().catch(() => {});
    if (error instanceof AppError) throw error;
    const where = config.databaseUrl ? redactUrl(config.databaseUrl) : config.dataDir;
    throw new AppError(
      503,
      'database-unavailable',
      `Cannot open the database at ${where}: ${(error as Error).message}`,
    );
  }
  return db;
}

// Each backend's driver loads only when that backend is opened: a command on PostgreSQL never
// loads PGlite's WebAssembly module, and one on PGlite never loads pg.
async function openServer(url: string, poolSize: number): Promise<Db> {
  const [{ default: pg }, { from: copyFrom }] = await Promise.all([import('pg'), import('pg-copy-streams')]);
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    // JIT compiles each metric statement for 0.7-1.5 s and rarely wins that back here
    // (bench/metrics.ts); imports already turned it off for their transactions.
    options: '-c jit=off',
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
        if (oid === INT8 || oid === NUMERIC) return parseNumber;
        if (oid === DATE) return parseText;
        return pg.types.getTypeParser(oid, format);
      }) as typeof pg.types.getTypeParser,
    },
  });
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    kysely,
    caps: { multipleConnections: true, name: 'postgresql' },
    session: async (fn) => {
      const client = await pool.connect();
      // A Kysely instance whose "pool" is this one client, so its statements and COPY share it.
      const single = new Kysely<Database>({
        dialect: new PostgresDialect({
          pool: {
            connect: async () => ({ query: client.query.bind(client), release: () => {} }),
            end: async () => {},
          } as never,
        }),
      });
      try {
        return await fn({
          kysely: single,
          copyIn: async (table, columns, text) => {
            const stream = client.query(copyFrom(`copy ${table} (${columns.join(', ')}) from stdin`));
            await pipeline(Readable.from([text]), stream);
          },
        });
      } finally {
        client.release();
      }
    },
    poolStats: () => ({ max: poolSize, total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: () => kysely.destroy(),
  };
}

/**
 * PGlite keeps its files consistent only within one process: a lock file with the owner's pid
 * stops a second process (say `cxkpi query` beside a running `cxkpi serve`) from opening the same
 * directory. A lock left by a process that no longer runs is taken over.
 */
function lockDataDir(dataDir: string): () => void {
  const file = path.join(dataDir, 'cxkpi.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(fs.readFileSync(file, 'utf8'));
      if (owner && owner !== process.pid && isRunning(owner)) {
        throw new AppError(
          409,
          'database-in-use',
          `The embedded database in ${dataDir} is open in process ${owner} (a running cxkpi serve or demo?). ` +
            'Stop it, or use its HTTP API.',
        );
      }
      fs.rmSync(file, { force: true });
    }
  }
  throw new AppError(409, 'database-in-use', `Cannot lock ${dataDir}.`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function openEmbedded(dataDir: string | undefined, migrate: boolean, from: Blob | undefined): Promise<Db> {
  if (dataDir) fs.mkdirSync(dataDir, { recursive: true });
  const unlock = dataDir ? lockDataDir(dataDir) : () => {};
  const [{ PGlite }, { PGliteDialect }, template] = await Promise.all([
    import('@electric-sql/pglite'),
    import('./pglite-dialect.ts'),
    import('./pglite-template.ts'),
  ]);
  // A new database (in memory, or a directory without a cluster) starts from the template.
  const fresh = !dataDir || !fs.existsSync(path.join(dataDir, 'PG_VERSION'));
  const templateFile = fresh && migrate && !from ? template.templateFile(MIGRATIONS) : undefined;
  const loadDataDir = fresh && from ? from : templateFile ? template.readTemplate(templateFile) : undefined;
  let pglite: PGlite;
  try {
    pglite = await PGlite.create({
      ...(dataDir ? { dataDir } : {}),
      ...(loadDataDir ? { loadDataDir } : {}),
      parsers: { [INT8]: parseNumber, [NUMERIC]: parseNumber, [DATE]: parseText },
    });
  } catch (error) {
    unlock();
    throw error;
  }
  if (templateFile && !loadDataDir) {
    // No template yet: this database, just initialised and migrated, becomes it.
    try {
      await migrateIfPending(new Kysely<any>({ dialect: new PGliteDialect(pglite) }));
      await template.saveTemplate(pglite, templateFile);
    } catch (error) {
      await pglite.close().catch(() => {});
      unlock();
      throw error;
    }
  }
  const dialect = new PGliteDialect(pglite);
  const kysely = new Kysely<Database>({ dialect });
  return {
    kysely,
    caps: { multipleConnections: false, name: 'pglite' },
    // Holding Kysely's connection holds PGlite's single session, so the direct COPY below runs
    // inside the same transaction and nobody else's statements interleave.
    session: (fn) =>
      kysely.connection().execute((connection) =>
        fn({
          kysely: connection,
          copyIn: async (table, columns, text) => {
            await pglite.query(`copy ${table} (${columns.join(', ')}) from '/dev/blob'`, [], {
              blob: new Blob([text]),
            });
          },
        }),
      ),
    poolStats: () => {
      const { held, waiting } = dialect.usage();
      return { max: 1, total: 1, idle: held ? 0 : 1, waiting };
    },
    dump: () => pglite.dumpDataDir('gzip'),
    close: async () => {
      try {
        await kysely.destroy();
      } finally {
        unlock();
      }
    },
  };
}

/**
 * The check on every start: one query reads the applied migrations' names. Only when they differ
 * from the known list (a migration is pending, the database is new, or it holds a migration this
 * version does not know) does Kysely's Migrator run, which takes its lock, reads the catalog and
 * decides again under the lock, so servers starting at once apply each migration once; the
 * Migrator's own checks report a database newer than this code.
 */
export async function migrateIfPending(kysely: Kysely<any>): Promise<string[]> {
  if (await migrationsApplied(kysely)) return [];
  return migrateToLatest(kysely);
}

async function migrationsApplied(kysely: Kysely<any>): Promise<boolean> {
  let applied: string[];
  try {
    // Where the Migrator keeps its record (unqualified: the schema first on the search path).
    const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(kysely);
    applied = rows.map((row) => row.name);
  } catch (error) {
    // A new database has no such table (undefined_table); never opened inside a transaction,
    // so the failed statement aborts nothing.
    if ((error as { code?: string }).code === '42P01') return false;
    throw error;
  }
  const known = Object.keys(MIGRATIONS).sort();
  return applied.length === known.length && applied.every((name, i) => name === known[i]);
}

/** Applies pending migrations; Kysely holds an advisory lock so that concurrent starts wait. */
export async function migrateToLatest(kysely: Kysely<any>): Promise<string[]> {
  const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };
  const migrator = new Migrator({ db: kysely, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new AppError(500, 'migration-failed', `Migration ${failed} failed: ${(error as Error).message}`);
  }
  return (results ?? []).map((r) => r.migrationName);
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
