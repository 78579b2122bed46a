import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { generateDemo } from '../src/demo/generate-demo.ts';
import { importRecords } from '../src/ingest/index.ts';
import { queryMetrics, type MetricQuery, type MetricRow } from '../src/metrics/index.ts';
import { rebuildRollups, rollupMetrics } from '../src/metrics/rollups/index.ts';
import type { Organization } from '../src/orgs/index.ts';
import type { Db } from '../src/db/connect.ts';
import { createTestOrg, variants } from './helpers/databases.ts';
import { assertSameRow, random } from './helpers/rollup-compare.ts';

/**
 * Rollups answer exactly what raw rows answer, percentiles too: for every
 * metric with rollups, every grain, grouped and filtered by the dimensions they keep, after a
 * full import, after the same data in random chunks with re-imports, and after updates that
 * move records to another day and team. A difference names metric, query and row.
 */
const ENTITIES = ['teams', 'agents', 'customers', 'tickets', 'survey_responses'] as const;
const demo = generateDemo({ seed: 7, end: '2026-07-01', months: 6, customers: 400, ticketsPerMonth: 500 });

async function importAll(db: Db, org: Organization, chunks = 1, seed = 1) {
  const next = random(seed);
  for (const entity of ENTITIES) {
    const rows = demo[entity] as Array<Record<string, unknown>>;
    if (chunks === 1) {
      await importRecords(db, org, entity, { objects: rows });
      continue;
    }
    // Random chunks, each record once, and a random tenth of them again (re-imports).
    const shuffled = [...rows].sort(() => next() - 0.5);
    const size = Math.ceil(shuffled.length / chunks);
    for (let at = 0; at < shuffled.length; at += size) {
      await importRecords(db, org, entity, { objects: shuffled.slice(at, at + size) });
      await importRecords(db, org, entity, { objects: shuffled.slice(at, at + size).filter(() => next() < 0.1) });
    }
  }
}

const QUERIES: Array<Omit<MetricQuery, 'metrics'>> = [
  { from: '2026-01-01', to: '2026-07-01', grain: 'month' },
  { from: '2026-01-01', to: '2026-07-01', grain: 'quarter', by: ['team'] },
  { from: '2026-01-01', to: '2026-07-01', grain: 'all', by: ['agent'] },
  { from: '2026-02-01', to: '2026-04-01', grain: 'week', by: ['channel'] },
  { from: '2026-03-03', to: '2026-03-20', grain: 'day' },
  { from: '2026-01-01', to: '2026-07-01', grain: 'month', compare: 'previous', where: { channel: ['email', 'chat'] } },
  { from: '2026-01-15', to: '2026-06-10', grain: 'month', by: ['team', 'agent'] },
];

async function compareAll(db: Db, org: Organization) {
  const metrics = rollupMetrics();
  let compared = 0;
  for (const query of QUERIES) {
    for (const item of metrics) {
      const survey = item.metric.entity === 'survey_responses';
      const q = {
        ...query,
        metrics: [item.metric.id],
        ...(survey && query.by?.includes('channel') ? { by: ['survey'] } : {}),
      };
      const [rolled, raw] = await Promise.all([queryMetrics(db, org, q), queryMetrics(db, org, { ...q, exact: true })]);
      assert.equal(rolled.meta.source[item.metric.id], 'rollup', `${item.metric.id} ${JSON.stringify(q)} from rollups`);
      assert.equal(raw.meta.source[item.metric.id], 'raw');
      assert.equal(rolled.rows.length, raw.rows.length, `rows of ${item.metric.id} ${JSON.stringify(q)}`);
      rolled.rows.forEach((row, i) =>
        assertSameRow(
          `${item.metric.id} ${JSON.stringify(q)} ${row.period} ${JSON.stringify(row.group)}`,
          row,
          raw.rows[i]!,
        ),
      );
      compared += raw.rows.length;
    }
  }
  return compared;
}

for (const variant of variants) {
  describe(`rollups equal raw answers (${variant.name})`, async () => {
    const db = await variant.db();

    test('after one import', async () => {
      const org = { ...(await createTestOrg(db)), timezone: 'Europe/Vilnius' };
      await importAll(db, org);
      assert.ok((await compareAll(db, org)) > 1000);
      // A team lead and an agent see their part of the data, from rollups as from raw rows.
      const team = demo.teams[1]!.id as string;
      const agent = (demo.agents as Array<Record<string, unknown>>).find((a) => a.team_id === team)!.id as string;
      const scopes = [{ teams: [team, demo.teams[2]!.id as string] }, { teams: [team], agentId: agent }];
      const metrics = ['csat', 'first_response_time', 'fcr_rate', 'backlog', 'tickets_created'];
      for (const scope of scopes) {
        for (const query of [QUERIES[0]!, QUERIES[1]!, QUERIES[2]!]) {
          const q = { ...query, metrics };
          const [rolled, raw] = await Promise.all([
            queryMetrics(db, org, q, { scope }),
            queryMetrics(db, org, { ...q, exact: true }, { scope }),
          ]);
          const label = `${JSON.stringify(scope)} ${JSON.stringify(query)}`;
          for (const m of metrics) assert.equal(rolled.meta.source[m], 'rollup', `${m} ${label} from rollups`);
          assert.ok(
            raw.rows.some((r) => r.value !== null),
            `${label} has values`,
          );
          assert.equal(rolled.rows.length, raw.rows.length, `rows of ${label}`);
          rolled.rows.forEach((row, i) =>
            assertSameRow(`${row.metric} ${label} ${row.period} ${JSON.stringify(row.group)}`, row, raw.rows[i]!),
          );
        }
      }
      // A second organization's records never reach the first one's rollups.
      const other = { ...(await createTestOrg(db)), timezone: 'America/New_York' };
      const before = await queryMetrics(db, org, { ...QUERIES[1]!, metrics });
      await importRecords(db, other, 'tickets', { objects: demo.tickets as Array<Record<string, unknown>> });
      assert.deepEqual((await queryMetrics(db, org, { ...QUERIES[1]!, metrics })).rows, before.rows);
      const mine = await queryMetrics(db, other, { ...QUERIES[0]!, metrics: ['tickets_created', 'backlog'] });
      const theirs = await queryMetrics(db, other, {
        ...QUERIES[0]!,
        metrics: ['tickets_created', 'backlog'],
        exact: true,
      });
      assert.equal(mine.meta.source.tickets_created, 'rollup');
      assert.deepEqual(mine.rows, theirs.rows);
    });

    test('after random chunks, re-imports and updates that move records', async () => {
      const org = { ...(await createTestOrg(db)), timezone: 'Europe/Vilnius' };
      await importAll(db, org, 5, 3);
      // Move a tenth of the tickets a few days and to another team, and answers to another day.
      const moved = (demo.tickets as Array<Record<string, any>>)
        .filter((_, i) => i % 10 === 0)
        .map((t) => ({
          ...t,
          created_at: new Date(Date.parse(t.created_at) - 3 * 86_400_000).toISOString(),
          team_id: demo.teams[0]!.id,
        }));
      await importRecords(db, org, 'tickets', { objects: moved });
      const answers = (demo.survey_responses as Array<Record<string, any>>)
        .filter((_, i) => i % 7 === 0)
        .map((r) => ({ ...r, submitted_at: new Date(Date.parse(r.submitted_at) + 2 * 86_400_000).toISOString() }));
      await importRecords(db, org, 'survey_responses', { objects: answers });
      assert.ok((await compareAll(db, org)) > 1000);
      // A rebuild from scratch gives the same answers as the maintained rollups.
      const before = await queryMetrics(db, org, {
        metrics: ['csat', 'fcr_rate', 'backlog'],
        from: '2026-01-01',
        to: '2026-07-01',
        by: ['team'],
      });
      await rebuildRollups(db, org);
      const after = await queryMetrics(db, org, {
        metrics: ['csat', 'fcr_rate', 'backlog'],
        from: '2026-01-01',
        to: '2026-07-01',
        by: ['team'],
      });
      assert.deepEqual(after.rows, before.rows);
    });

    test('an unchanged re-import recomputes no day, a changed record only its own days', async () => {
      const org = { ...(await createTestOrg(db)), timezone: 'UTC' };
      const ticket = (id: string, customer: string, day: string) => ({
        id,
        customer_id: customer,
        channel: 'email',
        created_at: `2026-03-${day}T09:00:00Z`,
        first_response_at: `2026-03-${day}T09:30:00Z`,
        resolved_at: `2026-03-${day}T11:00:00Z`,
      });
      const tickets = [ticket('t1', 'c1', '02'), ticket('t2', 'c2', '10'), ticket('t3', 'c3', '20')];
      await importRecords(db, org, 'tickets', { objects: tickets });
      // Each rollup row with the transaction that last wrote it.
      const versions = async () =>
        new Map(
          (
            await sql<{ key: string; xmin: string }>`
              select concat_ws('/', metric, grain, period, level, team_id, agent_id, d1, d2, d3) as key,
                xmin::text as xmin
              from metric_rollup where org_id = ${org.id}::uuid`.execute(db.kysely)
          ).rows.map((r) => [r.key, r.xmin]),
        );
      const first = await versions();
      assert.ok(first.size > 0);
      const again = await importRecords(db, org, 'tickets', { objects: tickets });
      assert.equal(again.unchanged, 3);
      assert.equal(typeof again.rollups_ms, 'number');
      assert.deepEqual(await versions(), first);
      await importRecords(db, org, 'tickets', { objects: [{ ...tickets[1]!, priority: 'high' }] });
      const rewritten = [...(await versions())].filter(([key, xmin]) => first.get(key) !== xmin).map(([key]) => key);
      const periods = new Set(rewritten.map((key) => key.split('/').slice(1, 3).join(' ')));
      assert.deepEqual([...periods].sort(), ['day 2026-03-10', 'month 2026-03-01']);
    });

    test('a later record changes the flags of earlier ones on other days', async () => {
      const org = { ...(await createTestOrg(db)), timezone: 'UTC' };
      const ask = (exact: boolean) =>
        queryMetrics(db, org, {
          metrics: ['fcr_rate', 'repeat_contact_rate', 'csat'],
          from: '2026-03-01',
          to: '2026-04-01',
          grain: 'day',
          exact,
        });
      const values = async (exact: boolean) =>
        (await ask(exact)).rows.filter((r) => r.value !== null).map((r) => [r.metric, r.period, r.value, r.n]);
      await importRecords(db, org, 'tickets', {
        objects: [
          {
            id: 't1',
            customer_id: 'c1',
            created_at: '2026-03-02T09:00:00Z',
            resolved_at: '2026-03-02T10:00:00Z',
            agent_replies: 1,
          },
        ],
      });
      await importRecords(db, org, 'survey_responses', {
        objects: [{ id: 'r1', kind: 'csat', score: 5, ticket_id: 't1', submitted_at: '2026-03-03T10:00:00Z' }],
      });
      assert.deepEqual(await values(false), [
        ['fcr_rate', '2026-03-02', 1, 1],
        ['repeat_contact_rate', '2026-03-02', 0, 1],
        ['csat', '2026-03-03', 1, 1],
      ]);
      // Three days later the customer writes again, and answers the survey about t1 once more.
      await importRecords(db, org, 'tickets', {
        objects: [{ id: 't2', customer_id: 'c1', created_at: '2026-03-05T09:00:00Z' }],
      });
      await importRecords(db, org, 'survey_responses', {
        objects: [{ id: 'r2', kind: 'csat', score: 1, ticket_id: 't1', submitted_at: '2026-03-06T10:00:00Z' }],
      });
      const raw = await values(true);
      assert.deepEqual(raw, [
        ['fcr_rate', '2026-03-02', 0, 1],
        ['repeat_contact_rate', '2026-03-02', 1, 1],
        ['repeat_contact_rate', '2026-03-05', 0, 1],
        ['csat', '2026-03-06', 0, 1],
      ]);
      assert.deepEqual(await values(false), raw);
      assert.equal((await ask(false)).meta.source.fcr_rate, 'rollup');
    });
  });
}
