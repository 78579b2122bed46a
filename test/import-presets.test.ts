import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { Db } from '../src/db/connect.ts';
import { importRecords, type ImportOptions } from '../src/ingest/index.ts';
import { presetOptions, requirePreset } from '../src/ingest/presets.ts';
import { queryMetrics } from '../src/metrics/index.ts';
import type { Organization } from '../src/orgs/index.ts';
import { createTestOrg, variants } from './helpers/databases.ts';

// Each preset imports a file written for the test with the vendor's column names and date
// formats (test/fixtures/presets); the expected rows are worked out by hand from those files.
const fixtures = path.join(import.meta.dirname, 'fixtures/presets');

async function load(
  db: Db,
  org: Organization,
  entity: string,
  preset: string,
  file: string,
  extra: ImportOptions = {},
) {
  return importRecords(
    db,
    org,
    entity,
    { bytes: fs.createReadStream(path.join(fixtures, file)) },
    {
      ...presetOptions(requirePreset(preset, entity), {}),
      ...extra,
    },
  );
}

const rows = async (
  db: Db,
  org: Organization,
  table: 'ticket' | 'agent' | 'team' | 'customer' | 'survey_response' | 'subscription',
) =>
  (await db.kysely.selectFrom(table).selectAll().where('org_id', '=', org.id).orderBy('id').execute()) as Array<
    Record<string, unknown>
  >;
const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : value);

for (const variant of variants) {
  describe(`presets on ${variant.name}`, () => {
    test('zendesk: tickets, agents and teams by name, CSAT from Satisfaction Score, unknown columns kept', async () => {
      const db = await variant.db();
      const org = await createTestOrg(db, { timezone: 'Europe/Vilnius' });
      // An agent imported before under her own id is matched by name, not created again.
      await importRecords(db, org, 'agents', {
        objects: [{ id: 'a-rasa', name: 'Rasa Kazlauskienė', email: 'rasa@example.lt' }],
      });
      const summary = await load(db, org, 'tickets', 'zendesk', 'zendesk-tickets.csv');
      assert.deepEqual([summary.status, summary.inserted, summary.rejected], ['succeeded', 4, 0], summary.message);
      const tickets = await rows(db, org, 'ticket');
      const t101 = tickets.find((t) => t.id === '101')!;
      // Vilnius is UTC+2 in March: 09:15 local is 07:15Z; first reply 30 minutes later.
      assert.equal(iso(t101.created_at), '2026-03-02T07:15:00.000Z');
      assert.equal(iso(t101.first_response_at), '2026-03-02T07:45:00.000Z');
      assert.equal(iso(t101.resolved_at), '2026-03-02T09:45:00.000Z');
      // First resolution 200 minutes would be after Solved at: the timestamp wins.
      assert.equal(iso(t101.first_resolved_at), '2026-03-02T09:45:00.000Z');
      assert.deepEqual(
        [t101.agent_id, t101.team_id, t101.customer_id, t101.status, t101.channel, t101.priority, t101.tags],
        ['Jonas Jonaitis', 'Billing', '9001', 'solved', 'email', 'normal', ['billing', 'vip']],
      );
      assert.deepEqual(t101.attributes, {
        requester: 'Ona Petraitė',
        requester_email: 'ona@example.lt',
        updated_at: '2026-03-02 12:00',
        first_reply_minutes: '30',
        first_reply_business_minutes: '30',
        first_resolution_minutes: '200',
        full_resolution_minutes: '150',
        satisfaction_score: 'Good',
        organization: 'Acme UAB',
      });
      const t102 = tickets.find((t) => t.id === '102')!;
      assert.equal(iso(t102.first_resolved_at), '2026-03-04T04:00:00.000Z'); // 10:00 local + 1200 min
      assert.deepEqual([t102.reopen_count, t102.agent_replies, t102.channel, t102.status], [1, 3, 'web', 'closed']);
      const t103 = tickets.find((t) => t.id === '103')!;
      assert.deepEqual([t103.agent_id, t103.team_id, t103.priority, t103.status], ['a-rasa', 'Support', null, 'open']);
      const t104 = tickets.find((t) => t.id === '104')!;
      assert.deepEqual([t104.agent_id, t104.team_id, t104.channel], [null, null, 'other']);

      assert.deepEqual(
        (await rows(db, org, 'agent')).map((a) => [a.id, a.name, a.team_id]),
        [
          ['Jonas Jonaitis', 'Jonas Jonaitis', 'Billing'],
          ['a-rasa', 'Rasa Kazlauskienė', null],
        ],
      );
      assert.deepEqual(
        (await rows(db, org, 'team')).map((t) => [t.id, t.name]),
        [
          ['Billing', 'Billing'],
          ['Support', 'Support'],
        ],
      );
      assert.deepEqual(
        (await rows(db, org, 'customer')).map((c) => [c.id, c.name, c.email]),
        [
          ['9001', 'Ona Petraitė', 'ona@example.lt'],
          ['9002', 'Иван Петров', 'ivan@example.ru'],
          ['9003', 'Anon', null],
        ],
      );
      const answers = await rows(db, org, 'survey_response');
      assert.deepEqual(
        answers.map((a) => [a.id, a.kind, a.score, a.ticket_id, a.agent_id, a.team_id, iso(a.submitted_at)]),
        [
          ['zendesk-csat-101', 'csat', 5, '101', 'Jonas Jonaitis', 'Billing', '2026-03-02T09:45:00.000Z'],
          ['zendesk-csat-102', 'csat', 1, '102', 'Jonas Jonaitis', 'Billing', '2026-03-04T08:00:00.000Z'],
        ],
      );
      // KPIs by agent work after the one import: Jonas has one good answer of two.
      const csat = await queryMetrics(db, org, {
        metrics: ['csat'],
        from: '2026-03-01',
        to: '2026-04-01',
        grain: 'month',
        by: ['agent'],
      });
      const jonas = csat.rows.find(
        (r) => (r.group as Record<string, unknown>).agent !== undefined && JSON.stringify(r.group).includes('Jonas'),
      )!;
      assert.equal(jonas.n, 2);
      assert.equal(jonas.value, 0.5);
      // Importing again changes nothing and creates nobody twice.
      const again = await load(db, org, 'tickets', 'zendesk', 'zendesk-tickets.csv');
      assert.deepEqual([again.inserted, again.updated, again.unchanged], [0, 0, 4]);
      assert.equal((await rows(db, org, 'agent')).length, 2);
    });

    test('zendesk: a bad duration names its column and line; nothing is stored, not even the agents', async () => {
      const db = await variant.db();
      const org = await createTestOrg(db);
      const file =
        'Id,Assignee,Created at,First reply time in minutes\n1,Jonas,2026-03-02 09:15,30\n2,Rasa,2026-03-02 09:15,soon\n';
      const summary = await importRecords(
        db,
        org,
        'tickets',
        {
          bytes: (async function* () {
            yield Buffer.from(file);
          })(),
        },
        presetOptions(requirePreset('zendesk', 'tickets'), {}),
      );
      assert.equal(summary.status, 'rejected');
      assert.deepEqual(summary.errors, [
        { line: 3, id: '2', field: 'First reply time in minutes', reason: '"soon" is not a duration in minutes' },
      ]);
      assert.deepEqual(await rows(db, org, 'agent'), []);
      assert.deepEqual(await rows(db, org, 'ticket'), []);
    });

    test('freshdesk: timestamps over the computed hours, Medium is normal, CSAT from Survey results', async () => {
      const db = await variant.db();
      const org = await createTestOrg(db, { timezone: 'UTC' });
      const summary = await load(db, org, 'tickets', 'freshdesk', 'freshdesk-tickets.csv');
      assert.deepEqual([summary.inserted, summary.rejected], [3, 0], summary.message);
      const [t1, t2, t3] = await rows(db, org, 'ticket');
      assert.deepEqual(
        [
          t1!.status,
          t1!.priority,
          t1!.channel,
          t1!.agent_id,
          t1!.team_id,
          t1!.customer_id,
          t1!.tags,
          t1!.agent_replies,
          t1!.customer_replies,
        ],
        ['solved', 'normal', 'email', 'Jane Agent', 'Tier 1', '5001', ['late', 'shipping'], 2, 1],
      );
      assert.equal(iso(t1!.first_response_at), '2026-03-02T10:30:00.000Z');
      assert.equal((t1!.attributes as Record<string, unknown>).first_response_hours, '1.5');
      assert.equal((t1!.attributes as Record<string, unknown>).product, 'Shop');
      assert.deepEqual(
        [t2!.agent_id, t2!.status, t2!.channel, iso(t2!.closed_at)],
        [null, 'closed', 'web', '2026-03-04T09:00:00.000Z'],
      );
      assert.equal(t3!.status, 'pending');
      assert.deepEqual(
        (await rows(db, org, 'survey_response')).map((a) => [a.id, a.score, a.ticket_id, a.agent_id]),
        [
          ['freshdesk-csat-1', 5, '1', 'Jane Agent'],
          ['freshdesk-csat-2', 1, '2', null],
        ],
      );
      assert.deepEqual(
        (await rows(db, org, 'customer')).map((c) => [c.id, c.name, c.email]),
        [
          ['5001', 'Tom Buyer', 'tom@example.com'],
          ['5002', 'Eve Client', 'eve@example.com'],
        ],
      );
    });

    test('helpscout: mailboxes are teams, an assignee given by e-mail matches the agent of that e-mail', async () => {
      const db = await variant.db();
      const org = await createTestOrg(db);
      await importRecords(db, org, 'agents', {
        objects: [{ id: 'hs-1', name: 'Mia Agent', email: 'mia@example.com' }],
      });
      const summary = await load(db, org, 'tickets', 'helpscout', 'helpscout-conversations.csv');
      assert.deepEqual([summary.inserted, summary.rejected], [2, 0], summary.message);
      const [a, b] = await rows(db, org, 'ticket');
      assert.deepEqual(
        [a!.agent_id, a!.team_id, a!.status, a!.channel, iso(a!.first_response_at), iso(a!.resolved_at), a!.tags],
        [
          'hs-1',
          'Support',
          'solved',
          'email',
          '2026-03-02T08:45:00.000Z',
          '2026-03-02T12:00:00.000Z',
          ['login', 'account'],
        ],
      );
      assert.deepEqual([b!.agent_id, b!.team_id, b!.status, b!.channel], ['hs-1', 'Billing', 'open', 'chat']);
      assert.deepEqual(
        (await rows(db, org, 'survey_response')).map((r) => [r.id, r.score, r.comment, r.ticket_id]),
        [['helpscout-rating-2001', 5, 'Quick and kind', '2001']],
      );
      assert.equal((await rows(db, org, 'agent')).length, 1);
    });

    test('intercom: statistics timestamps in Unix seconds, reopened conversations, rating and remark', async () => {
      const db = await variant.db();
      const org = await createTestOrg(db);
      const summary = await load(db, org, 'tickets', 'intercom', 'intercom-conversations.jsonl');
      assert.deepEqual([summary.inserted, summary.rejected], [2, 0], summary.message);
      const [a, b] = await rows(db, org, 'ticket');
      assert.deepEqual(
        [
          iso(a!.created_at),
          iso(a!.first_response_at),
          iso(a!.first_resolved_at),
          iso(a!.resolved_at),
          a!.reopen_count,
        ],
        [
          '2026-03-02T08:00:00.000Z',
          '2026-03-02T08:15:00.000Z',
          '2026-03-02T09:00:00.000Z',
          '2026-03-02T11:00:00.000Z',
          1,
        ],
      );
      assert.deepEqual(
        [a!.agent_id, a!.team_id, a!.customer_id, a!.status, a!.priority, a!.channel, a!.tags],
        ['814860', '5017691', '5f9a1', 'solved', 'high', 'chat', ['billing', 'vip']],
      );
      assert.deepEqual(
        [b!.status, b!.priority, b!.channel, b!.resolved_at, b!.agent_id],
        ['open', 'normal', 'email', null, null],
      );
      assert.deepEqual(
        (await rows(db, org, 'survey_response')).map((r) => [
          r.id,
          r.score,
          r.comment,
          iso(r.submitted_at),
          r.agent_id,
        ]),
        [['intercom-rating-1911149811', 4, 'Fixed, thanks', '2026-03-02T11:13:20.000Z', '814860']],
      );
      assert.deepEqual(
        (await rows(db, org, 'agent')).map((r) => [r.id, r.name, r.team_id]),
        [['814860', '814860', '5017691']],
      );
    });

    test('chatwoot: the CSAT download (agent "Name (e-mail)", UTC times, footer skipped) and API conversations', async () => {
      const db = await variant.db();
      const org = await createTestOrg(db);
      const conversations = await load(db, org, 'tickets', 'chatwoot', 'chatwoot-conversations.json');
      assert.deepEqual([conversations.inserted, conversations.rejected], [2, 0], JSON.stringify(conversations.errors));
      const csat = await load(db, org, 'survey_responses', 'chatwoot', 'chatwoot-csat.csv');
      assert.deepEqual([csat.records, csat.inserted, csat.rejected], [2, 2, 0], csat.message);
      const [a, b] = await rows(db, org, 'ticket');
      assert.deepEqual(
        [a!.id, a!.status, a!.priority, a!.channel, a!.agent_id, a!.team_id, a!.customer_id, iso(a!.first_response_at)],
        ['345', 'solved', 'normal', 'chat', 'Agnė Petrauskaitė', 'Sales', '77', '2026-03-02T09:10:00.000Z'],
      );
      assert.deepEqual([b!.first_response_at, b!.agent_id, b!.channel], [null, null, 'email']);
      // The CSAT download names the agent "Name (e-mail)": matched by the e-mail the conversations gave.
      assert.deepEqual(
        (await rows(db, org, 'survey_response')).map((r) => [
          r.id,
          r.kind,
          r.score,
          r.comment,
          r.ticket_id,
          r.agent_id,
          iso(r.submitted_at),
        ]),
        [
          ['chatwoot-csat-345', 'csat', 5, 'Labai ačiū!', '345', 'Agnė Petrauskaitė', '2026-03-02T09:15:00.000Z'],
          ['chatwoot-csat-346', 'csat', 2, 'Too slow', '346', 'Agnė Petrauskaitė', '2026-03-03T17:40:12.000Z'],
        ],
      );
      assert.equal((await rows(db, org, 'agent')).length, 1);
    });

    test('delighted: NPS and CSAT answers, customers by e-mail, person properties kept', async () => {
      const db = await variant.db();
      const org = await createTestOrg(db);
      const summary = await load(db, org, 'survey_responses', 'delighted', 'delighted-responses.csv');
      assert.deepEqual([summary.inserted, summary.rejected], [3, 0], summary.message);
      const answers = await rows(db, org, 'survey_response');
      assert.deepEqual(
        answers.map((r) => [r.id, r.kind, r.score, r.customer_id, (r.attributes as Record<string, unknown>).plan]),
        [
          ['r-1', 'nps', 9, 'kim@example.com', 'pro'],
          ['r-2', 'nps', 3, 'al@example.com', 'basic'],
          ['r-3', 'csat', 5, 'kim@example.com', 'pro'],
        ],
      );
      assert.deepEqual(
        (await rows(db, org, 'customer')).map((c) => [c.id, c.name, c.email]),
        [
          ['al@example.com', 'Al Green', 'al@example.com'],
          ['kim@example.com', 'Kim Lee', 'kim@example.com'],
        ],
      );
    });

    test('stripe: customers, then subscriptions with MRR per month and UTC times', async () => {
      const db = await variant.db();
      const org = await createTestOrg(db, { timezone: 'Europe/Vilnius', currency: 'EUR' });
      const customers = await load(db, org, 'customers', 'stripe', 'stripe-customers.csv');
      assert.deepEqual([customers.inserted, customers.rejected], [2, 0], customers.message);
      const subscriptions = await load(db, org, 'subscriptions', 'stripe', 'stripe-subscriptions.csv');
      assert.deepEqual([subscriptions.inserted, subscriptions.rejected], [2, 0], subscriptions.message);
      assert.deepEqual(
        (await rows(db, org, 'customer')).map((c) => [c.id, c.name, c.email, iso(c.signed_up_at)]),
        [
          ['cus_A1', 'Acme GmbH', 'billing@acme.example', '2026-01-05T07:59:00.000Z'],
          ['cus_B2', 'Baltic UAB Finance', 'pay@baltic.example', '2025-06-01T11:58:00.000Z'],
        ],
      );
      assert.deepEqual(
        (await rows(db, org, 'subscription')).map((s) => [
          s.id,
          s.customer_id,
          Number(s.mrr),
          s.currency,
          iso(s.started_at),
          iso(s.ended_at),
        ]),
        [
          ['sub_1A', 'cus_A1', 87, 'EUR', '2026-01-05T08:00:00.000Z', null],
          ['sub_1B', 'cus_B2', 25, 'EUR', '2025-06-01T12:00:00.000Z', '2026-02-10T15:30:00.000Z'],
        ],
      );
    });
  });
}
