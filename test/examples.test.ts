import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { importRecords } from '../src/ingest/index.ts';
import { createTestOrg, variants } from './helpers/databases.ts';

// The sample files of the README, one per entity, imported in the order the README gives.
const SAMPLES = [
  ['teams', 'teams.csv', 2],
  ['agents', 'agents.csv', 3],
  ['fx_rates', 'fx_rates.csv', 2],
  ['customers', 'customers.csv', 3],
  ['subscriptions', 'subscriptions.jsonl', 3],
  ['orders', 'orders.csv', 3],
  ['tickets', 'tickets.csv', 3],
  ['survey_responses', 'survey_responses.csv', 4],
  ['reviews', 'reviews.json', 2],
  ['costs', 'costs.csv', 3],
] as const;

const dir = path.resolve(import.meta.dirname, '../examples/sample');

for (const variant of variants) {
  describe(`README sample files on ${variant.name}`, () => {
    test('every sample file imports completely, and again unchanged', async () => {
      const db = await variant.db();
      const org = await createTestOrg(db, { timezone: 'Europe/Vilnius', currency: 'EUR' });
      for (const [entity, file, count] of SAMPLES) {
        const first = await importRecords(db, org, entity, { bytes: fs.createReadStream(path.join(dir, file)) });
        assert.deepEqual(
          [entity, first.status, first.inserted, first.rejected],
          [entity, 'succeeded', count, 0],
          JSON.stringify(first.errors),
        );
        const again = await importRecords(db, org, entity, { bytes: fs.createReadStream(path.join(dir, file)) });
        assert.deepEqual([entity, again.inserted, again.updated, again.unchanged], [entity, 0, 0, count]);
      }
      const acme = await db.kysely
        .selectFrom('customer')
        .selectAll()
        .where('org_id', '=', org.id)
        .where('id', '=', 'c-102')
        .executeTakeFirstOrThrow();
      assert.equal(acme.acquisition_cost_reporting, 2307.75, '2,500 USD at 0.9231 on the sign-up date');
      assert.deepEqual(acme.attributes, { industry: 'manufacturing' });
      const ticket = await db.kysely
        .selectFrom('ticket')
        .selectAll()
        .where('org_id', '=', org.id)
        .where('id', '=', 't-1')
        .executeTakeFirstOrThrow();
      assert.equal(ticket.team_id, 'billing');
      assert.equal(ticket.created_at.toISOString(), '2026-02-06T14:30:00.000Z');
      const response = await db.kysely
        .selectFrom('survey_response')
        .selectAll()
        .where('org_id', '=', org.id)
        .where('id', '=', 'r-2')
        .executeTakeFirstOrThrow();
      assert.deepEqual(response.ratings, { speed: 1, friendliness: 4, competence: 3 });
      assert.equal(response.comment, 'Пришлось писать три раза, долго.');
    });
  });
}
