import { sql, type Kysely } from 'kysely';
import type { Session } from '../db/connect.ts';
import type { Database } from '../db/schema.ts';

/**
 * A run whose process was killed stays `running` in the import history. Every import holds a
 * session-level advisory lock named after its run while it works; the server releases it when
 * the session ends, however the process ended. A `running` run whose lock anyone can take is
 * therefore abandoned and is marked failed. PGlite is one process's single session: there a
 * session finds no other import running beside it, so every `running` run it sees is abandoned.
 */
const LOCK_CLASS = 0x63786b69; // "cxki"

export async function holdRunLock(session: Session, runId: string): Promise<void> {
  await sql`select pg_advisory_lock(${LOCK_CLASS}::int4, hashtext(${runId}))`.execute(session.kysely);
}

export async function releaseRunLock(session: Session, runId: string): Promise<void> {
  await sql`select pg_advisory_unlock(${LOCK_CLASS}::int4, hashtext(${runId}))`.execute(session.kysely);
}

/** Marks failed the runs left `running` by a process that stopped; returns how many. */
export async function failAbandonedImports(db: Kysely<Database>): Promise<number> {
  const result = await sql`
    update import_run set status = 'failed', finished_at = now(),
      message = 'The import was interrupted: its process stopped before it finished. Nothing of it was stored; run it again.'
    where status = 'running' and pg_try_advisory_xact_lock(${LOCK_CLASS}::int4, hashtext(id::text))`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
