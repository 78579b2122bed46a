import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { importRecords, type ImportOptions, type RejectedRecord } from '../src/ingest/index.ts';
import type { Organization } from '../src/orgs/index.ts';
import type { Db } from '../src/db/connect.ts';
import { createTestOrg, variants } from './helpers/databases.ts';

const bytes = (text: string) => ({
  bytes: (async function* () {
    yield Buffer.from(text);
  })(),
});

async function importText(db: Db, org: Organization, entity: string, text: string, options: ImportOptions = {}) {
  return importRecords(db, org, entity, bytes(text), options);
}

const TICKETS = `id,customer_id,agent_id,channel,priority,status,tags,created_at,first_response_at,resolved_at,reopen_count,attributes.region
t1,c1,a1,email,high,solved,billing|refund,2026-03-02 09:00,2026-03-02 09:20,2026-03-02T12:00:00+02:00,0,north
t2,c2,a2,Chat,normal,open,,2026-03-02T10:00:00Z,,,0,south
t3,,,phone,urgent,closed,"vip",2026-03-03 08:00:00,2026-03-03 08:01,2026-03-04 10:00,1,
`;

for (const variant of variants) {
  describe(`ingestion on ${variant.name}`, () => {
    test('importing the same file twice changes nothing the second time', async () => {
      const db = await variant.db();
      const org = await createTestOrg(db, { timezone: 'Europe/Vilnius' });
      await importText(db, org, 'teams', 'id,name\nbilling,Billing\ntech,Technical');
      await importText(db, org, 'agents', 'id,name,team_id\na1,Ona,billing\na2,Pavel,tech');
      const first = await importText(db, org, 'tickets', TICKETS);
      assert.deepEqual(
        [first.status, first.records, first.inserted, first.updated, first.unchanged, first.rejected],
        ['succeeded', 3, 3, 0, 0, 0],
      );
      const second = await importText(db, org, 'tickets', TICKETS);
      assert.deepEqual([second.inserted, second.updated, second.unchanged], [0, 0, 3]);
      const changed = await importText(
        db,
        org,
        'tickets',
        TICKETS.replace('t2,c2,a2,Chat,normal,open', 't2,c2,a2,Chat,normal,pending'),
      );
      assert.deepEqual([changed.inserted, changed.updated, changed.unchanged], [0, 1, 2]);

      const rows = await db.kysely
        .selectFrom('ticket')
        .selectAll()
        .where('org_id', '=', org.id)
        .orderBy('id')
        .execute();
      assert.equal(rows.length, 3);
      const [t1, t2, t3] = rows;
      // Local times read in Vilnius (UTC+2 in March); the offset one as given.
      assert.equal(t1!.created_at.toISOString(), '2026-03-02T07:00:00.000Z');
      assert.equal(t1!.resolved_at!.toISOString(), '2026-03-02T10:00:00.000Z');
      assert.equal(
        t1!.first_resolved_at!.toISOString(),
        '2026-03-02T10:00:00.000Z',
        'no reopen: first resolution = latest',
      );
      assert.equal(t3!.first_resolved_at, null, 'reopened: the first resolution is unknown');
      assert.deepEqual(t1!.tags, ['billing', 'refund']);
      assert.deepEqual(t1!.attributes, { region: 'north' });
      assert.equal(t1!.team_id, 'billing', "the agent's team fills a missing team");
      assert.equal(t2!.team_id, 'tech');
      assert.equal(t2!.channel, 'chat');
      assert.equal(t2!.status, 'pending');
      assert.equal(t3!.customer_id, null);
    });

    test('a file with broken rows stores nothing by default and reports every problem', async () => {
      const db = await variant.db();
      const org = await createTestOrg(db);
      const text = `id,kind,score,submitted_at,ratings.speed
r1,nps,9,2026-01-05T10:00:00Z,5
r2,nps,11,2026-01-05T10:00:00Z,
r3,csat,4,yesterday,4
r4,csat,5,2026-01-06T10:00:00Z,9
r5,ces,7,2026-01-06T10:00:00Z,
r6,,3,2026-01-06T10:00:00Z,`;
      const summary = await importText(db, org, 'survey_responses', text);
      assert.equal(summary.status, 'rejected');
      assert.deepEqual([summary.inserted, summary.rejected, summary.records], [0, 4, 6]);
      assert.deepEqual(
        summary.errors.map((e) => [e.line, e.id, e.field]),
        [
          [3, 'r2', 'score'],
          [4, 'r3', 'submitted_at'],
          [5, 'r4', 'ratings'],
          [7, 'r6', 'kind'],
        ],
      );
      assert.match(summary.errors[0]!.reason, /11 is outside the nps scale 0-10/);
      assert.match(summary.errors[3]!.reason, /required/);
      const count = await db.kysely
        .selectFrom('survey_response')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('org_id', '=', org.id)
        .executeTakeFirstOrThrow();
      assert.equal(Number(count.n), 0);
      const run = await db.kysely
        .selectFrom('import_run')
        .selectAll()
        .where('id', '=', summary.import_id)
        .executeTakeFirstOrThrow();
      assert.deepEqual([run.status, run.rejected, run.inserted], ['rejected', 4, 0]);
    });

    test('--skip-invalid stores exactly the valid rows and hands over the rejected ones', async () => {
      const db = await variant.db();
      const org = await createTestOrg(db);
      const rejected: RejectedRecord[] = [];
      const text = `id,kind,score,submitted_at
r1,nps,9,2026-01-05T10:00:00Z
r2,nps,11,2026-01-05T10:00:00Z
r3,csat,4,2026-01-05T10:00:00Z,extra
r4,csat,5,2026-01-06T10:00:00Z`;
      const summary = await importText(db, org, 'survey_responses', text, {
        skipInvalid: true,
        onReject: (r) => void rejected.push(r),
      });
      assert.deepEqual([summary.status, summary.inserted, summary.rejected], ['succeeded', 2, 2]);
      assert.deepEqual(
        rejected.map((r) => r.line),
        [3, 4],
      );
      assert.match(rejected[1]!.errors[0]!.reason, /5 fields but the header has 4/);
      const ids = await db.kysely
        .selectFrom('survey_response')
        .select('id')
        .where('org_id', '=', org.id)
        .orderBy('id')
        .execute();
      assert.deepEqual(
        ids.map((r) => r.id),
        ['r1', 'r4'],
      );
    });

    test('money is converted with the rate on or before the record date; no rate, no record', async () => {
      const db = await variant.db();
      const org = await createTestOrg(db, { currency: 'EUR' });
      await importText(
        db,
        org,
        'fx_rates',
        'currency,date,rate\nUSD,2026-01-01,0.9\nUSD,2026-01-10,0.925\nGBP,2025-11-01,1.15',
      );
      const orders = `[
        {"id":"o1","customer_id":"c1","amount":"100","ordered_at":"2026-01-05T12:00:00Z","currency":"USD"},
        {"id":"o2","customer_id":"c1","amount":"100","ordered_at":"2026-01-10T12:00:00Z","currency":"usd"},
        {"id":"o3","customer_id":"c2","amount":"19.99","ordered_at":"2026-01-10T12:00:00Z"},
        {"id":"o4","customer_id":"c2","amount":"10","ordered_at":"2026-01-10T12:00:00Z","currency":"GBP"},
        {"id":"o5","customer_id":"c2","amount":"10","ordered_at":"2026-01-10T12:00:00Z","currency":"JPY"}
      ]`;
      const rejectedRun = await importText(db, org, 'orders', orders);
      assert.equal(rejectedRun.status, 'rejected');
      assert.deepEqual(
        rejectedRun.errors.map((e) => [e.line, e.id, e.field]),
        [
          [5, 'o4', 'currency'],
          [6, 'o5', 'currency'],
        ],
      );
      assert.match(rejectedRun.errors[0]!.reason, /no GBP to EUR rate on 2026-01-10 or in the 31 days before/);
      const summary = await importText(db, org, 'orders', orders, { skipInvalid: true });
      assert.equal(summary.inserted, 3);
      const rows = await db.kysely
        .selectFrom('customer_order')
        .select(['id', 'currency', 'amount', 'amount_reporting', 'status'])
        .where('org_id', '=', org.id)
        .orderBy('id')
        .execute();
      assert.deepEqual(
        rows.map((r) => [r.id, r.currency, r.amount, r.amount_reporting, r.status]),
        [
          ['o1', 'USD', 100, 90, 'completed'],
          ['o2', 'USD', 100, 92.5, 'completed'],
          ['o3', 'EUR', 19.99, 19.99, 'completed'],
        ],
      );
    });

    test('column mapping: --map renames, keeps attributes or drops; unknown columns stop the import', async () => {
      const db = await variant.db();
      const org = await createTestOrg(db);
      const text = 'Ticket ID,Opened,Region,Junk\nK-1,2026-02-01T08:00:00Z,EU,x\n';
      await assert.rejects(importText(db, org, 'tickets', text), (error: Error & { details?: unknown }) => {
        assert.match(error.message, /unknown column "Ticket ID"/);
        assert.match(error.message, /--map "Junk=-"/);
        return true;
      });
      const summary = await importText(db, org, 'tickets', text, {
        map: { 'Ticket ID': 'id', Opened: 'created_at', Region: 'attributes.region', Junk: '-' },
        set: { channel: 'web' },
      });
      assert.equal(summary.inserted, 1);
      const row = await db.kysely
        .selectFrom('ticket')
        .selectAll()
        .where('org_id', '=', org.id)
        .executeTakeFirstOrThrow();
      assert.deepEqual([row.id, row.channel, row.attributes], ['K-1', 'web', { region: 'EU' }]);
      await assert.rejects(
        importText(db, org, 'tickets', text, { map: { 'Ticket ID': 'ticket_number' } }),
        /has no field "ticket_number"/,
      );
    });

    test('tickets whose first response or resolution precedes creation are rejected', async () => {
      const db = await variant.db();
      const org = await createTestOrg(db);
      const summary = await importText(
        db,
        org,
        'tickets',
        `{"id":"x1","created_at":"2026-01-02T10:00:00Z","first_response_at":"2026-01-02T09:00:00Z"}\n{"id":"x2","created_at":"2026-01-02T10:00:00Z","resolved_at":"2026-01-01T10:00:00Z"}\n`,
      );
      assert.deepEqual(
        summary.errors.map((e) => [e.line, e.field]),
        [
          [1, 'first_response_at'],
          [2, 'first_resolved_at'],
          [2, 'resolved_at'],
        ],
      );
    });

    test('dry run counts what would happen and stores nothing; repeated ids keep the last record', async () => {
      const db = await variant.db();
      const org = await createTestOrg(db);
      const text = 'id,name\nc1,First\nc2,Second\nc1,First again\n';
      const dry = await importText(db, org, 'customers', text, { dryRun: true });
      assert.deepEqual([dry.status, dry.dry_run, dry.inserted, dry.duplicates], ['succeeded', true, 2, 1]);
      assert.equal(
        (await db.kysely.selectFrom('customer').select('id').where('org_id', '=', org.id).execute()).length,
        0,
      );
      await importText(db, org, 'customers', text);
      const c1 = await db.kysely
        .selectFrom('customer')
        .select('name')
        .where('org_id', '=', org.id)
        .where('id', '=', 'c1')
        .executeTakeFirstOrThrow();
      assert.equal(c1.name, 'First again');
    });

    test('every entity accepts a complete record', async () => {
      const db = await variant.db();
      const org = await createTestOrg(db);
      const records: Record<string, object> = {
        teams: { id: 'tm', name: 'Team', attributes: { floor: 2 } },
        agents: {
          id: 'ag',
          name: 'Agent',
          email: 'a@example.com',
          team_id: 'tm',
          active: false,
          hired_at: '2025-05-01',
        },
        customers: {
          id: 'c',
          name: 'C',
          email: 'c@example.com',
          segment: 'smb',
          plan: 'pro',
          country: 'LT',
          language: 'lt',
          signed_up_at: '2025-01-01',
          acquisition_channel: 'paid',
          acquisition_cost: 120.5,
        },
        subscriptions: {
          id: 's',
          customer_id: 'c',
          plan: 'pro',
          mrr: 49,
          started_at: '2025-01-01',
          ended_at: '2025-06-01',
          cancel_reason: 'price',
        },
        orders: { id: 'o', customer_id: 'c', amount: 10, ordered_at: '2025-02-01', status: 'refunded', channel: 'web' },
        tickets: {
          id: 't',
          created_at: '2025-02-01T10:00:00Z',
          first_response_by_bot: true,
          agent_replies: 2,
          customer_replies: 1,
          handle_time_seconds: 600,
          closed_at: '2025-02-03T00:00:00Z',
          subject: 'Help',
        },
        survey_responses: {
          id: 'r',
          kind: 'csat',
          score: 4,
          submitted_at: '2025-02-02T00:00:00Z',
          survey: 'post',
          comment: 'Ačiū',
          language: 'lt',
          ticket_id: 't',
          agent_id: 'ag',
          channel: 'email',
          ratings: { speed: 3 },
        },
        reviews: {
          id: 'rv',
          source: 'google',
          published_at: '2025-03-01',
          rating: 4,
          title: 'Good',
          text: 'Nice',
          language: 'en',
          author: 'X',
          url: 'https://example.com',
        },
        costs: {
          id: 'k',
          category: 'support',
          amount: 5000,
          period_start: '2025-01-01',
          period_end: '2025-01-31',
          team_id: 'tm',
          description: 'Salaries',
        },
        fx_rates: { currency: 'USD', date: '2025-01-01', rate: 0.95 },
      };
      for (const [entity, record] of Object.entries(records)) {
        const summary = await importText(db, org, entity, JSON.stringify([record]));
        assert.deepEqual(
          [entity, summary.status, summary.inserted],
          [entity, 'succeeded', 1],
          JSON.stringify(summary.errors),
        );
      }
      const response = await db.kysely
        .selectFrom('survey_response')
        .selectAll()
        .where('org_id', '=', org.id)
        .executeTakeFirstOrThrow();
      assert.equal(response.team_id, 'tm', 'survey responses take the agent team too');
      assert.deepEqual(response.ratings, { speed: 3 });
    });
  });
}
