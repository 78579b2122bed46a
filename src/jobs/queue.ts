import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/connect.ts';
import { badRequest, notFound } from '../errors.ts';
import type { Job as JobAnswer, JobState } from '../contract/api.ts';

/**
 * The job table as a queue. Enqueueing is idempotent on (org, kind, key); a runner claims due
 * jobs with FOR UPDATE SKIP LOCKED, so runners on several servers sharing one PostgreSQL database
 * never take the same job, and a job whose runner died (its lease ran out) is claimed again.
 */
export type { JobState } from '../contract/api.ts';
export const JOB_STATES: readonly JobState[] = ['pending', 'running', 'done', 'dead'];

/** A job row; the shape is the HTTP contract's (GET /api/v1/jobs), with Date timestamps. */
export type Job = JobAnswer<Date>;

export interface NewJob {
  orgId: string;
  kind: string;
  /** What makes this job unique within its kind: a second enqueue with the same key does nothing. */
  key: string;
  payload?: Record<string, unknown>;
  runAt?: Date;
  maxAttempts?: number;
}

/** Adds jobs that do not exist yet; returns how many were added. */
export async function enqueueJobs(db: Db, jobs: NewJob[]): Promise<number> {
  if (!jobs.length) return 0;
  let added = 0;
  // 500 rows x 6 parameters per statement stays far below PostgreSQL's parameter limit.
  for (let i = 0; i < jobs.length; i += 500) {
    const result = await db.kysely
      .insertInto('job')
      .values(
        jobs.slice(i, i + 500).map((job) => ({
          org_id: job.orgId,
          kind: job.kind,
          key: job.key,
          payload: JSON.stringify(job.payload ?? {}),
          run_at: job.runAt ?? new Date(),
          max_attempts: job.maxAttempts ?? 5,
        })),
      )
      .onConflict((oc) => oc.columns(['org_id', 'kind', 'key']).doNothing())
      .executeTakeFirst();
    added += Number(result.numInsertedOrUpdatedRows ?? 0);
  }
  return added;
}

/** How long a runner may hold a job before another may take it over. */
const LEASE_MS = 10 * 60_000;

/** Claims up to `limit` due jobs for `worker`; each claim counts as an attempt. */
export async function claimJobs(db: Db, worker: string, now: Date, limit: number, kinds: string[]): Promise<Job[]> {
  if (!kinds.length) return [];
  const until = new Date(now.getTime() + LEASE_MS);
  const claimed = await sql<Job>`
    update job j set state = 'running', attempts = j.attempts + 1, locked_by = ${worker},
      locked_until = ${until}::timestamptz, started_at = ${now}::timestamptz
    from (
      select org_id, id from job
      where kind in (${sql.join(kinds)})
        and ((state = 'pending' and run_at <= ${now}::timestamptz)
          or (state = 'running' and locked_until < ${now}::timestamptz))
      order by run_at
      limit ${limit}
      for update skip locked
    ) due
    where j.org_id = due.org_id and j.id = due.id
    returning j.org_id, j.id, j.kind, j.key, j.payload, j.state, j.run_at, j.attempts, j.max_attempts,
      j.last_error, j.result, j.created_at, j.started_at, j.finished_at`.execute(db.kysely);
  return claimed.rows.sort((a, b) => a.run_at.getTime() - b.run_at.getTime());
}

/** Marks a claimed job done, unless its lease was taken over by another runner meanwhile. */
export async function completeJob(db: Db, job: Job, worker: string, now: Date, result: Record<string, unknown>) {
  await db.kysely
    .updateTable('job')
    .set({
      state: 'done',
      result: JSON.stringify(result),
      last_error: null,
      locked_by: null,
      locked_until: null,
      finished_at: now,
    })
    .where('org_id', '=', job.org_id)
    .where('id', '=', job.id)
    .where('locked_by', '=', worker)
    .execute();
}

/** Delay before attempt n + 1 after n failed ones: 1, 2, 4, 8 ... minutes, at most 6 hours. */
export function retryDelayMs(attempts: number): number {
  return Math.min(60_000 * 2 ** Math.max(0, attempts - 1), 6 * 3_600_000);
}

/** Records a failed attempt: back to pending after the backoff delay, or dead after the last one. */
export async function failJob(db: Db, job: Job, worker: string, now: Date, error: unknown): Promise<JobState> {
  const message = (error instanceof Error ? error.message : String(error)).slice(0, 2000) || 'failed';
  const dead = job.attempts >= job.max_attempts;
  await db.kysely
    .updateTable('job')
    .set({
      state: dead ? 'dead' : 'pending',
      last_error: message,
      run_at: dead ? job.run_at : new Date(now.getTime() + retryDelayMs(job.attempts)),
      locked_by: null,
      locked_until: null,
      finished_at: dead ? now : null,
    })
    .where('org_id', '=', job.org_id)
    .where('id', '=', job.id)
    .where('locked_by', '=', worker)
    .execute();
  return dead ? 'dead' : 'pending';
}

/** Deletes finished jobs: done ones after 7 days, dead ones after 30 (they are the history). */
export async function pruneJobs(db: Db, now: Date): Promise<void> {
  await sql`
    delete from job where (state = 'done' and finished_at < ${now}::timestamptz - interval '7 days')
      or (state = 'dead' and finished_at < ${now}::timestamptz - interval '30 days')`.execute(db.kysely);
}

export interface JobFilter {
  state?: JobState;
  kind?: string;
  limit?: number;
}

/** An organization's jobs, newest first, for administrators. */
export async function listJobs(db: Db, orgId: string, filter: JobFilter = {}): Promise<Job[]> {
  if (filter.state && !JOB_STATES.includes(filter.state))
    throw badRequest('invalid-state', `state must be one of ${JOB_STATES.join(', ')}.`);
  let query = db.kysely
    .selectFrom('job')
    .select([
      'org_id',
      'id',
      'kind',
      'key',
      'payload',
      'state',
      'run_at',
      'attempts',
      'max_attempts',
      'last_error',
      'result',
      'created_at',
      'started_at',
      'finished_at',
    ])
    .where('org_id', '=', orgId);
  if (filter.state) query = query.where('state', '=', filter.state);
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(Math.min(Math.max(filter.limit ?? 100, 1), 1000))
    .execute();
  return rows as Job[];
}

/** Jobs waiting (pending or running) and dead, by kind, across organizations: for monitoring. */
export async function countJobs(db: Db): Promise<Record<string, { queued: number; dead: number }>> {
  const rows = await db.kysely
    .selectFrom('job')
    .select(['kind', 'state', (eb) => eb.fn.countAll<number>().as('n')])
    .where('state', 'in', ['pending', 'running', 'dead'])
    .groupBy(['kind', 'state'])
    .execute();
  const counts: Record<string, { queued: number; dead: number }> = {};
  for (const row of rows) {
    const entry = (counts[row.kind] ??= { queued: 0, dead: 0 });
    entry[row.state === 'dead' ? 'dead' : 'queued'] += Number(row.n);
  }
  return counts;
}

/** Gives a dead job a new round of attempts, due at once. */
export async function retryJob(db: Db, orgId: string, id: string, now = new Date()): Promise<void> {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id) ? id : undefined;
  const result = uuid
    ? await db.kysely
        .updateTable('job')
        .set({ state: 'pending', attempts: 0, run_at: now, finished_at: null })
        .where('org_id', '=', orgId)
        .where('id', '=', uuid)
        .where('state', '=', 'dead')
        .executeTakeFirst()
    : undefined;
  if (!result || Number(result.numUpdatedRows) === 0) throw notFound('job-not-found', `No dead job ${id}.`);
}

/** A runner's name in `locked_by`: host and process, plus a random part for runners in one process. */
export function workerName(): string {
  return `${process.pid}-${randomUUID().slice(0, 8)}`;
}
