import type { Db } from '../db/connect.ts';
import type { Logger } from '../http/logger.ts';
import type { Mailer } from '../mail/mailer.ts';
import { claimJobs, completeJob, enqueueJobs, failJob, pruneJobs, workerName, type Job } from './queue.ts';

/**
 * Runs the jobs that are due: the server every few seconds, `cxkpi jobs run-once` once. Both call
 * runDueJobs, so cron users get exactly what the server does. Each kind of job is declared once
 * (src/jobs/kinds.ts): how to run it, how often to try, and, for recurring work, how often and
 * for which organizations.
 */
export interface JobContext {
  db: Db;
  mailer?: Mailer;
  /** Base of links in e-mails, such as https://cx.example.com. */
  publicUrl: string;
  logger?: Logger;
  /** The time the run acts at (tests pass their own clock). */
  now: Date;
}

export interface JobKind {
  /** Attempts before the job is dead (each waits 1, 2, 4 ... minutes after the last failure). */
  maxAttempts: number;
  /** Does the work; the numbers it returns are added up in the run's totals. */
  run(ctx: JobContext, job: Job): Promise<Record<string, unknown>>;
  /** Called once when the job failed its last attempt (to record the failure where users see it). */
  onDead?(ctx: JobContext, job: Job, error: unknown): Promise<void>;
  /** Recurring work: a job per organization and time slot of `ms`. */
  every?: { ms: number; orgs(db: Db, now: Date): Promise<string[]> };
}
export type JobKinds = Record<string, JobKind>;

export interface JobRunSummary {
  /** Attempts made. */
  ran: number;
  done: number;
  /** Attempts that failed and will be tried again later. */
  retried: number;
  /** Jobs that failed their last attempt. */
  dead: number;
  /** The numeric results of the jobs that ran, added up (invited, sent, reminded ...). */
  totals: Record<string, number>;
}

export interface RunOptions {
  kinds: JobKinds;
  /** Runner name for leases; one per runner. */
  worker?: string;
  /** Stop after this many attempts (a safety net; a run normally ends when nothing is due). */
  maxJobs?: number;
}

/** Adds this time slot's job of every recurring kind for each organization that needs it. */
export async function scheduleRecurring(db: Db, kinds: JobKinds, now: Date): Promise<void> {
  for (const [kind, def] of Object.entries(kinds)) {
    if (!def.every) continue;
    const slot = new Date(Math.floor(now.getTime() / def.every.ms) * def.every.ms);
    const orgs = await def.every.orgs(db, now);
    await enqueueJobs(
      db,
      orgs.map((orgId) => ({ orgId, kind, key: slot.toISOString(), runAt: slot, maxAttempts: def.maxAttempts })),
    );
  }
}

/** Runs every job due at `ctx.now`, including those the run itself enqueues, then returns. */
export async function runDueJobs(ctx: JobContext, options: RunOptions): Promise<JobRunSummary> {
  const worker = options.worker ?? workerName();
  const summary: JobRunSummary = { ran: 0, done: 0, retried: 0, dead: 0, totals: {} };
  const names = Object.keys(options.kinds);
  await scheduleRecurring(ctx.db, options.kinds, ctx.now);
  const maxJobs = options.maxJobs ?? 10_000;
  while (summary.ran < maxJobs) {
    const claimed = await claimJobs(ctx.db, worker, ctx.now, Math.min(20, maxJobs - summary.ran), names);
    if (!claimed.length) break;
    for (const job of claimed) {
      summary.ran++;
      const kind = options.kinds[job.kind]!;
      try {
        const result = await kind.run(ctx, job);
        await completeJob(ctx.db, job, worker, ctx.now, result);
        summary.done++;
        for (const [name, value] of Object.entries(result))
          if (typeof value === 'number') summary.totals[name] = (summary.totals[name] ?? 0) + value;
      } catch (error) {
        const state = await failJob(ctx.db, job, worker, ctx.now, error);
        summary[state === 'dead' ? 'dead' : 'retried']++;
        if (state === 'dead') await kind.onDead?.(ctx, job, error);
        ctx.logger?.error('job failed', {
          kind: job.kind,
          job: job.id,
          attempt: job.attempts,
          state,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
  }
  await pruneJobs(ctx.db, ctx.now);
  return summary;
}

export interface JobRunner {
  /** Waits for the run in progress, then stops. */
  stop(): Promise<void>;
}

/** The server's runner: a run every `pollMs`, never two at a time in one process. */
export function startJobRunner(
  deps: Omit<JobContext, 'now'> & { kinds: JobKinds; pollMs?: number; firstAfterMs?: number },
): JobRunner {
  const worker = workerName();
  let running: Promise<void> | undefined;
  let stopped = false;
  const tick = () => {
    if (running || stopped) return;
    running = runDueJobs({ ...deps, now: new Date() }, { kinds: deps.kinds, worker })
      .then((summary) => {
        if (summary.ran) deps.logger?.info('jobs', { ...summary });
      })
      .catch((error) => deps.logger?.error('job run failed', { error: String((error as Error).stack ?? error) }))
      .finally(() => (running = undefined));
  };
  const timer = setInterval(tick, deps.pollMs ?? 5_000);
  const first = setTimeout(tick, deps.firstAfterMs ?? 2_000);
  timer.unref();
  first.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      clearTimeout(first);
      await running;
    },
  };
}
