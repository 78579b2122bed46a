import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { main } from '../src/cli/main.ts';
import { openDatabase } from '../src/db/connect.ts';
import { importRecords } from '../src/ingest/index.ts';
import {
  claimJobs,
  completeJob,
  enqueueJobs,
  listJobs,
  retryJob,
  runDueJobs,
  scheduleRecurring,
  type JobKinds,
} from '../src/jobs/index.ts';
import { JOB_KINDS } from '../src/jobs/kinds.ts';
import type { Mailer, MailMessage } from '../src/mail/mailer.ts';
import { saveSurvey } from '../src/surveys/definitions.ts';
import { captureIo } from './helpers/capture-io.ts';
import { createTestOrg, variants } from './helpers/databases.ts';

const T0 = new Date('2026-06-01T10:00:00Z');
const later = (ms: number) => new Date(T0.getTime() + ms);
const iso = (ms: number) => later(ms).toISOString();
const MIN = 60_000;

for (const variant of variants) {
  describe(`job runner on ${variant.name}`, () => {
    // Kind names are unique per test, so tests sharing a database never run each other's jobs.
    const kindName = () => `test.${randomUUID().slice(0, 8)}`;

    test('a failing job is retried with backoff, succeeds on the third attempt, and keeps its result', async () => {
      const db = await variant.db();
      const org = await createTestOrg(db);
      const kind = kindName();
      let calls = 0;
      const kinds: JobKinds = {
        [kind]: {
          maxAttempts: 5,
          run: async () => {
            if (++calls < 3) throw new Error(`receiver answered 503 (call ${calls})`);
            return { delivered: 1 };
          },
        },
      };
      assert.equal(await enqueueJobs(db, [{ orgId: org.id, kind, key: 'k', runAt: T0, maxAttempts: 5 }]), 1);
      assert.equal(await enqueueJobs(db, [{ orgId: org.id, kind, key: 'k', runAt: T0 }]), 0, 'same key: added once');
      const run = (at: Date) => runDueJobs({ db, publicUrl: 'http://x', now: at }, { kinds });

      assert.deepEqual(await run(T0), { ran: 1, done: 0, retried: 1, dead: 0, totals: {} });
      let [job] = await listJobs(db, org.id, { kind });
      assert.equal(job!.state, 'pending');
      assert.equal(job!.run_at.getTime(), later(1 * MIN).getTime(), 'first retry after one minute');
      assert.match(job!.last_error!, /503 \(call 1\)/);

      assert.equal((await run(later(0.5 * MIN))).ran, 0, 'not before its time');
      assert.equal((await run(later(1 * MIN))).retried, 1);
      [job] = await listJobs(db, org.id, { kind });
      assert.equal(job!.run_at.getTime(), later(3 * MIN).getTime(), 'second retry two minutes later');

      assert.deepEqual(await run(later(3 * MIN)), { ran: 1, done: 1, retried: 0, dead: 0, totals: { delivered: 1 } });
      [job] = await listJobs(db, org.id, { kind });
      assert.equal(job!.state, 'done');
      assert.equal(job!.attempts, 3);
      assert.equal(job!.last_error, null);
      assert.deepEqual(job!.result, { delivered: 1 });
      assert.equal((await run(later(60 * MIN))).ran, 0, 'done jobs do not run again');
    });

    test('a job that keeps failing ends dead with its last error, and can be retried by hand', async () => {
      const db = await variant.db();
      const org = await createTestOrg(db);
      const kind = kindName();
      let fail = true;
      const kinds: JobKinds = {
        [kind]: {
          maxAttempts: 2,
          run: async () => {
            if (fail) throw new Error('connection refused');
            return {};
          },
        },
      };
      await enqueueJobs(db, [{ orgId: org.id, kind, key: 'once', runAt: T0, maxAttempts: 2 }]);
      const run = (at: Date) => runDueJobs({ db, publicUrl: 'http://x', now: at }, { kinds });
      assert.equal((await run(T0)).retried, 1);
      assert.equal((await run(later(MIN))).dead, 1);
      const [dead] = await listJobs(db, org.id, { state: 'dead' });
      assert.equal(dead!.kind, kind);
      assert.equal(dead!.last_error, 'connection refused');
      assert.equal((await run(later(600 * MIN))).ran, 0, 'a dead job is not tried again by itself');

      await assert.rejects(retryJob(db, org.id, randomUUID()), /No dead job/);
      const other = await createTestOrg(db);
      await assert.rejects(retryJob(db, other.id, dead!.id), /No dead job/, "another organization's job is not found");
      await retryJob(db, org.id, dead!.id, later(601 * MIN));
      fail = false;
      assert.equal((await run(later(601 * MIN))).done, 1);
    });

    test('recurring kinds get one job per organization and time slot', async () => {
      const db = await variant.db();
      const org = await createTestOrg(db);
      const kind = kindName();
      const kinds: JobKinds = {
        [kind]: { maxAttempts: 1, every: { ms: 5 * MIN, orgs: async () => [org.id] }, run: async () => ({ swept: 1 }) },
      };
      await scheduleRecurring(db, kinds, later(1 * MIN));
      await scheduleRecurring(db, kinds, later(4 * MIN));
      assert.equal((await listJobs(db, org.id, { kind })).length, 1, 'one slot');
      const first = await runDueJobs({ db, publicUrl: 'http://x', now: later(4 * MIN) }, { kinds });
      assert.deepEqual(first.totals, { swept: 1 });
      const second = await runDueJobs({ db, publicUrl: 'http://x', now: later(4.5 * MIN) }, { kinds });
      assert.equal(second.ran, 0, 'the slot ran already');
      const third = await runDueJobs({ db, publicUrl: 'http://x', now: later(5 * MIN) }, { kinds });
      assert.deepEqual(third.totals, { swept: 1 }, 'the next slot');
    });

    test('two runners racing run every job exactly once', async () => {
      const db = await variant.db();
      const org = await createTestOrg(db);
      const kind = kindName();
      const runs = new Map<string, number>();
      const kinds: JobKinds = {
        [kind]: {
          maxAttempts: 1,
          run: async (_ctx, job) => {
            runs.set(job.key, (runs.get(job.key) ?? 0) + 1);
            await new Promise((resolve) => setTimeout(resolve, 2));
            return { ran: 1 };
          },
        },
      };
      await enqueueJobs(
        db,
        Array.from({ length: 80 }, (_, i) => ({ orgId: org.id, kind, key: `k${i}`, runAt: T0 })),
      );
      const [a, b] = await Promise.all(
        ['runner-a', 'runner-b'].map((worker) => runDueJobs({ db, publicUrl: 'http://x', now: T0 }, { kinds, worker })),
      );
      assert.equal(a!.done + b!.done, 80);
      assert.equal(runs.size, 80);
      assert.ok(
        [...runs.values()].every((n) => n === 1),
        'no job ran twice',
      );
      if (db.caps.multipleConnections) assert.ok(a!.done > 0 && b!.done > 0, 'both runners took work');
    });

    test('a runner that died is replaced after its lease, and its late completion changes nothing', async () => {
      const db = await variant.db();
      const org = await createTestOrg(db);
      const kind = kindName();
      await enqueueJobs(db, [{ orgId: org.id, kind, key: 'lease', runAt: T0 }]);
      const [stuck] = await claimJobs(db, 'crashed', T0, 10, [kind]);
      assert.ok(stuck);
      const kinds: JobKinds = { [kind]: { maxAttempts: 5, run: async () => ({ finished: 1 }) } };
      assert.equal((await runDueJobs({ db, publicUrl: 'http://x', now: later(5 * MIN) }, { kinds })).ran, 0);
      const taken = await runDueJobs({ db, publicUrl: 'http://x', now: later(11 * MIN) }, { kinds, worker: 'new' });
      assert.equal(taken.done, 1);
      await completeJob(db, stuck, 'crashed', later(12 * MIN), { finished: 99 });
      const [job] = await listJobs(db, org.id, { kind });
      assert.deepEqual([job!.state, job!.attempts, job!.result], ['done', 2, { finished: 1 }]);
    });

    test('survey e-mails: a failing SMTP server is retried with backoff, and a dead send is not queued again', async () => {
      const db = await variant.db();
      const org = await createTestOrg(db, { timezone: 'UTC' });
      const tag = randomUUID().slice(0, 8);
      await importRecords(db, org, 'customers', {
        objects: [{ id: 'c1', email: `c1-${tag}@example.com`, language: 'lt' }],
      });
      await importRecords(db, org, 'tickets', {
        objects: [{ id: 't1', customer_id: 'c1', created_at: iso(-120 * MIN), resolved_at: iso(-90 * MIN) }],
      });
      await saveSurvey(
        db,
        org,
        { id: 'csat', name: 'After a ticket', kind: 'csat', trigger: { ticket_solved: { delay_minutes: 30 } } },
        'create',
      );
      await db.kysely
        .updateTable('survey')
        .set({ created_at: later(-600 * MIN), reminder_hours: null })
        .where('org_id', '=', org.id)
        .execute();
      const sent: MailMessage[] = [];
      let failures = 2;
      const mailer: Mailer = {
        host: 'smtp.test',
        close() {},
        async send(message) {
          if (failures-- > 0) throw new Error('421 try again later');
          sent.push(message);
        },
      };
      const run = (at: Date) => runDueJobs({ db, mailer, publicUrl: 'http://cx.test', now: at }, { kinds: JOB_KINDS });
      const invitation = () =>
        db.kysely
          .selectFrom('survey_invitation')
          .select(['sent_at', 'delivery_error'])
          .where('org_id', '=', org.id)
          .executeTakeFirstOrThrow();

      const first = await run(T0);
      assert.equal(first.totals.invited, 1);
      assert.equal(first.retried, 1, 'the first send failed');
      assert.match((await invitation()).delivery_error!, /421/);
      assert.equal((await run(later(0.5 * MIN))).totals.sent ?? 0, 0, 'no resend before the backoff');
      assert.equal((await run(later(1 * MIN))).retried, 1);
      const third = await run(later(3 * MIN));
      assert.equal(third.totals.sent, 1);
      assert.equal(sent.length, 1);
      assert.match(sent[0]!.subject, /Kaip mums sekėsi\?/);
      assert.deepEqual(await invitation(), { sent_at: later(3 * MIN), delivery_error: null });
      assert.equal((await run(later(10 * MIN))).totals.sent ?? 0, 0, 'sent once');

      // A second invitation whose every attempt fails ends dead, with the reason on the invitation.
      failures = Infinity;
      await importRecords(db, org, 'tickets', {
        objects: [{ id: 't2', customer_id: 'c1', created_at: iso(0), resolved_at: iso(1 * MIN) }],
      });
      await db.kysely.updateTable('survey').set({ fatigue_days: 0 }).where('org_id', '=', org.id).execute();
      let at = later(40 * MIN);
      let dead = 0;
      for (let i = 0; i < 12 && !dead; i++, at = new Date(at.getTime() + 6 * 60 * MIN)) dead += (await run(at)).dead;
      assert.equal(dead, 1);
      const [job] = await listJobs(db, org.id, { kind: 'survey.send', state: 'dead' });
      assert.equal(job!.attempts, JOB_KINDS['survey.send']!.maxAttempts);
      assert.match(job!.last_error!, /421/);
      await run(new Date(at.getTime() + 60 * MIN));
      const sends = await listJobs(db, org.id, { kind: 'survey.send' });
      assert.deepEqual(sends.map((j) => j.state).sort(), ['dead', 'done'], 'the dead send is not queued again');
    });
  });
}

test('cxkpi jobs: run-once runs what is due and exits, list shows the history, retry revives a dead job', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxkpi-jobs-'));
  const io = captureIo;
  try {
    const db = ['--data-dir', path.join(dir, 'data')];
    let out = io();
    assert.equal(await main(['jobs', 'run-once', '--at', '2026-06-01T10:00:00Z', ...db, '--format', 'json'], out), 0);
    assert.deepEqual(
      JSON.parse(out.text),
      { ran: 0, done: 0, retried: 0, dead: 0, totals: {} },
      'no survey: nothing to do',
    );

    // An organization with a survey and a solved ticket, written straight into the directory.
    const direct = await openDatabase({ dataDir: path.join(dir, 'data'), databaseUrl: undefined, poolSize: 1 });
    const org = await createTestOrg(direct, { timezone: 'UTC' });
    await importRecords(direct, org, 'customers', { objects: [{ id: 'c1', email: 'c1@example.com' }] });
    await importRecords(direct, org, 'tickets', {
      objects: [
        { id: 't1', customer_id: 'c1', created_at: '2026-06-01T08:00:00Z', resolved_at: '2026-06-01T08:30:00Z' },
      ],
    });
    await saveSurvey(
      direct,
      org,
      { id: 'after-ticket', name: 'S', kind: 'csat', trigger: { ticket_solved: { delay_minutes: 30 } } },
      'create',
    );
    await direct.kysely
      .updateTable('survey')
      .set({ created_at: new Date('2026-06-01T00:00:00Z') })
      .execute();
    await direct.close();

    out = io();
    assert.equal(await main(['jobs', 'run-once', '--at', '2026-06-01T10:00:00Z', ...db], out), 0);
    assert.match(out.text, /Ran 1 job\(s\): 1 done, 0 to retry, 0 dead \(invited 1\)\. No SMTP server/);
    out = io();
    assert.equal(await main(['jobs', 'list', '--org', org.slug, ...db, '--format', 'json'], out), 0);
    const [sweep] = JSON.parse(out.text).jobs;
    assert.deepEqual([sweep.kind, sweep.state, sweep.result], ['surveys.sweep', 'done', { invited: 1 }]);

    out = io();
    assert.equal(await main(['jobs', 'run-once', '--at', 'yesterday', ...db], out), 2);
    assert.match(out.text, /--at "yesterday" is not an ISO 8601 time/);

    out = io();
    assert.equal(await main(['jobs', 'list', '--state', 'stuck', ...db], out), 2);
    assert.match(out.text, /--state is one of pending, running, done, dead/);

    out = io();
    assert.equal(await main(['jobs', 'list', ...db], out), 0);
    assert.match(out.text, /No jobs\./, 'the default organization has none');

    out = io();
    assert.equal(await main(['jobs', 'retry', '00000000-0000-4000-8000-000000000000', ...db], out), 2);
    assert.match(out.text, /No dead job/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
