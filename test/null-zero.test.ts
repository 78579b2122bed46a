import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Db } from '../src/db/connect.ts';
import { refreshSentiment } from '../src/feedback/sentiment/job.ts';
import { importRecords } from '../src/ingest/index.ts';
import { listMetrics, queryMetrics } from '../src/metrics/index.ts';
import { saveSurvey } from '../src/surveys/definitions.ts';
import type { Organization } from '../src/orgs/index.ts';
import { createTestOrg, variants } from './helpers/databases.ts';

// The rule of docs/metrics.md ("General rules"), for every catalog metric: a period whose
// population is empty has no value (null); a population in which nothing is counted gives 0.
// Two small books: `main` has tickets, answers, invitations, customers, orders and costs whose
// March 2026 counts nothing for each metric (under the filter named below); `free` is a book in
// which all revenue is 0, for the metrics that accept no filter. June 2025 is before all data.
type Rec = Record<string, unknown>;

const ticket = (id: string, channel: string, created: string, extra: Rec = {}): Rec => ({
  id,
  channel,
  created_at: created,
  customer_id: `tc-${id}`,
  ...extra,
});

async function mainBook(db: Db, org: Organization) {
  await importRecords(db, org, 'tickets', {
    objects: [
      // Email: answered, resolved and handled at once, no replies.
      ...['2026-03-02T10:00:00Z', '2026-03-03T10:00:00Z'].map((at, i) =>
        ticket(`te-${i}`, 'email', at, {
          first_response_at: at,
          resolved_at: at,
          agent_replies: 0,
          handle_time_seconds: 0,
        }),
      ),
      // Chat: answered after two hours (outside the one-hour SLA), three replies (no FCR).
      ticket('tc-1', 'chat', '2026-03-04T10:00:00Z', {
        first_response_at: '2026-03-04T12:00:00Z',
        resolved_at: '2026-03-04T13:00:00Z',
        agent_replies: 3,
      }),
    ],
  });
  const answer = (id: string, kind: string, score: number, extra: Rec = {}): Rec => ({
    id,
    kind,
    score,
    submitted_at: '2026-03-10T10:00:00Z',
    ...extra,
  });
  await importRecords(db, org, 'survey_responses', {
    objects: [
      answer('r-nps-1', 'nps', 7),
      answer('r-nps-2', 'nps', 8),
      answer('r-enps', 'enps', 8),
      answer('r-csat', 'csat', 3, { ratings: { speed: 3 } }),
      answer('r-ces', 'ces', 4),
    ],
  });
  // A review rated 2 of 5 whose text reads positive: rated, not positive, its text not negative.
  await importRecords(db, org, 'reviews', {
    objects: [
      {
        id: 'rv-1',
        source: 'google',
        published_at: '2026-03-12T10:00:00Z',
        rating: 2,
        text: 'Thank you so much, the staff were very helpful and quick!',
      },
    ],
  });
  // Tags the review's themes (speed, read positive), as the feedback.sentiment job does.
  await refreshSentiment(db, org.id);
  await saveSurvey(db, org, { id: 'csat-after-ticket', name: 'CSAT', kind: 'csat' }, 'create');
  await db.kysely
    .insertInto('survey_invitation')
    .values({
      org_id: org.id,
      survey_id: 'csat-after-ticket',
      language: 'en',
      source: 'batch',
      sent_at: new Date('2026-03-05T10:00:00Z'),
      expires_at: new Date('2026-04-05T10:00:00Z'),
    })
    .execute();
  // Customers: stay (active throughout), leave (ends 10 March), blip (5-10 March), free (MRR 0,
  // one order of 0; a second free customer left in February, so free has churn to divide by).
  const customers = ['stay', 'leave', 'blip', 'free', 'free2'].map((segment) => ({
    id: `c-${segment}`,
    segment: segment.replace('2', ''),
  }));
  await importRecords(db, org, 'customers', { objects: customers });
  const sub = (customer: string, started: string, ended: string | null, mrr: number): Rec => ({
    id: `s-${customer}`,
    customer_id: `c-${customer}`,
    started_at: started,
    ended_at: ended,
    mrr,
    currency: 'EUR',
  });
  await importRecords(db, org, 'subscriptions', {
    objects: [
      sub('stay', '2025-09-01T00:00:00Z', null, 10),
      sub('leave', '2025-09-01T00:00:00Z', '2026-03-10T00:00:00Z', 20),
      sub('blip', '2026-03-05T00:00:00Z', '2026-03-10T00:00:00Z', 30),
      sub('free', '2025-09-01T00:00:00Z', null, 0),
      sub('free2', '2025-09-01T00:00:00Z', '2026-02-10T00:00:00Z', 0),
    ],
  });
  await importRecords(db, org, 'orders', {
    objects: [{ id: 'o-free', customer_id: 'c-free', ordered_at: '2026-03-06T10:00:00Z', amount: 0, currency: 'EUR' }],
  });
  await importRecords(db, org, 'costs', {
    objects: ['support', 'acquisition'].map((category) => ({
      id: `k-${category}`,
      category,
      amount: 0,
      currency: 'EUR',
      period_start: '2026-03-01',
      period_end: '2026-03-31',
    })),
  });
}

/** All revenue 0, one customer left in February, one new in March who cost 100 to acquire. */
async function freeBook(db: Db, org: Organization) {
  await importRecords(db, org, 'customers', { objects: ['f1', 'f2', 'f3'].map((id) => ({ id })) });
  await importRecords(db, org, 'subscriptions', {
    objects: [
      { id: 's1', customer_id: 'f1', started_at: '2025-09-01T00:00:00Z', mrr: 0, currency: 'EUR' },
      {
        id: 's2',
        customer_id: 'f2',
        started_at: '2025-09-01T00:00:00Z',
        ended_at: '2026-02-10T00:00:00Z',
        mrr: 0,
        currency: 'EUR',
      },
      { id: 's3', customer_id: 'f3', started_at: '2026-03-03T00:00:00Z', mrr: 0, currency: 'EUR' },
    ],
  });
  await importRecords(db, org, 'costs', {
    objects: [
      {
        id: 'k1',
        category: 'acquisition',
        amount: 100,
        currency: 'EUR',
        period_start: '2026-03-01',
        period_end: '2026-03-31',
      },
    ],
  });
}

/**
 * Per metric: the book and filter under which March 2026 has a population and counts nothing,
 * and what that gives: 0; `counted` where the population is what is counted (the value is n > 0);
 * `positive` where the scale has no 0 (scores 1-5 or 1-7, orders per customer from 1).
 */
interface Case {
  book?: 'main' | 'free';
  where?: Record<string, string>;
  zero: 0 | 'counted' | 'positive';
}
const CASES: Record<string, Case> = {
  nps: { zero: 0 },
  enps: { zero: 0 },
  csat: { zero: 0 },
  csat_mean: { zero: 'positive' },
  ces: { zero: 'positive' },
  ces_easy: { zero: 0 },
  attribute_rating: { zero: 'positive' },
  survey_responses: { zero: 'counted' },
  survey_response_rate: { zero: 0 },
  tickets_created: { zero: 'counted' },
  tickets_resolved: { zero: 'counted' },
  backlog: { zero: 0 },
  unanswered_tickets: { zero: 0 },
  first_response_time: { where: { channel: 'email' }, zero: 0 },
  resolution_time: { where: { channel: 'email' }, zero: 0 },
  first_resolution_time: { where: { channel: 'email' }, zero: 0 },
  fcr_rate: { where: { channel: 'chat' }, zero: 0 },
  reopen_rate: { zero: 0 },
  repeat_contact_rate: { zero: 0 },
  sla_first_response: { where: { channel: 'chat' }, zero: 0 },
  handle_time: { where: { channel: 'email' }, zero: 0 },
  replies_per_ticket: { where: { channel: 'email' }, zero: 0 },
  active_customers: { where: { segment: 'leave' }, zero: 0 },
  new_customers: { where: { segment: 'stay' }, zero: 0 },
  churned_customers: { where: { segment: 'stay' }, zero: 0 },
  customer_churn_rate: { where: { segment: 'stay' }, zero: 0 },
  retention_rate: { where: { segment: 'leave' }, zero: 0 },
  average_active_customers: { where: { segment: 'blip' }, zero: 0 },
  mrr: { where: { segment: 'leave' }, zero: 0 },
  net_revenue_retention: { where: { segment: 'leave' }, zero: 0 },
  gross_revenue_retention: { where: { segment: 'leave' }, zero: 0 },
  average_order_value: { where: { segment: 'free' }, zero: 0 },
  order_revenue: { where: { segment: 'free' }, zero: 0 },
  subscription_revenue: { where: { segment: 'free' }, zero: 0 },
  revenue: { where: { segment: 'free' }, zero: 0 },
  arpu: { where: { segment: 'free' }, zero: 0 },
  clv: { where: { segment: 'free' }, zero: 0 },
  ltv_cac_ratio: { book: 'free', zero: 0 },
  repeat_purchase_rate: { where: { segment: 'free' }, zero: 0 },
  purchase_frequency: { where: { segment: 'free' }, zero: 'positive' },
  support_cost: { zero: 0 },
  acquisition_cost: { zero: 0 },
  cost_per_ticket: { zero: 0 },
  support_cost_to_revenue: { zero: 0 },
  cac: { zero: 0 },
  review_rating: { zero: 'positive' },
  review_positive_share: { zero: 0 },
  reviews: { zero: 'counted' },
  feedback_volume: { zero: 'counted' },
  negative_feedback_share: { zero: 0 },
  theme_mentions: { zero: 'counted' },
  theme_negative_share: { zero: 0 },
};

for (const variant of variants) {
  describe(`null and 0 (${variant.name})`, async () => {
    const db = await variant.db();
    const books = {
      main: { ...(await createTestOrg(db)), timezone: 'UTC' },
      free: { ...(await createTestOrg(db)), timezone: 'UTC' },
    };
    await mainBook(db, books.main);
    await freeBook(db, books.free);
    const value = async (org: Organization, metric: string, from: string, to: string, where = {}) => {
      const result = await queryMetrics(db, org, { metrics: [metric], from, to, grain: 'month', where });
      assert.equal(result.rows.length, 1, `${metric}: one row`);
      return result.rows[0]!;
    };

    test('every catalog metric has a case below', () => {
      assert.deepEqual(
        listMetrics()
          .map((m) => m.id)
          .sort(),
        Object.keys(CASES).sort(),
      );
    });

    for (const metric of listMetrics()) {
      const spec = CASES[metric.id];
      if (!spec) continue;
      test(`${metric.id}: an empty population gives null, a population with nothing counted ${String(spec.zero)}`, async () => {
        const org = books[spec.book ?? 'main'];
        const empty = await value(org, metric.id, '2025-06-01', '2025-07-01', spec.where);
        assert.equal(empty.value, null, `${metric.id} in June 2025`);
        assert.equal(empty.n, 0);
        const march = await value(org, metric.id, '2026-03-01', '2026-04-01', spec.where);
        if (spec.zero === 'counted') assert.ok(march.value! > 0 && march.value === march.n, metric.id);
        else if (spec.zero === 'positive') assert.ok(march.value! > 0, `${metric.id}: ${march.value}`);
        else assert.equal(march.value, 0, metric.id);
      });
    }

    test('no cost data is no value: support cost to revenue and cost per ticket in a month with revenue', async () => {
      const february = await queryMetrics(db, books.main, {
        metrics: ['support_cost', 'support_cost_to_revenue', 'revenue', 'cost_per_ticket'],
        from: '2026-02-01',
        to: '2026-03-01',
      });
      const of = (id: string) => february.rows.find((r) => r.metric === id)!.value;
      assert.ok(of('revenue')! > 0);
      assert.equal(of('support_cost'), null);
      assert.equal(of('support_cost_to_revenue'), null);
      assert.equal(of('cost_per_ticket'), null);
    });

    test('churned customers: no value when nobody was active at the start, though customers joined', async () => {
      const blip = await value(books.main, 'churned_customers', '2026-03-01', '2026-04-01', { segment: 'blip' });
      assert.equal(blip.value, null);
      const stay = await value(books.main, 'churned_customers', '2026-03-01', '2026-04-01', { segment: 'stay' });
      assert.equal(stay.value, 0);
    });

    test('LTV/CAC is null when nobody churned (no CLV), though CAC has a value', async () => {
      const org = { ...(await createTestOrg(db)), timezone: 'UTC' };
      await importRecords(db, org, 'customers', { objects: [{ id: 'a' }, { id: 'b' }] });
      await importRecords(db, org, 'subscriptions', {
        objects: [
          { id: 's1', customer_id: 'a', started_at: '2025-09-01T00:00:00Z', mrr: 10, currency: 'EUR' },
          { id: 's2', customer_id: 'b', started_at: '2026-03-03T00:00:00Z', mrr: 10, currency: 'EUR' },
        ],
      });
      await importRecords(db, org, 'costs', {
        objects: [
          {
            id: 'k1',
            category: 'acquisition',
            amount: 50,
            currency: 'EUR',
            period_start: '2026-03-01',
            period_end: '2026-03-31',
          },
        ],
      });
      const result = await queryMetrics(db, org, {
        metrics: ['clv', 'cac', 'ltv_cac_ratio'],
        from: '2026-03-01',
        to: '2026-04-01',
      });
      const of = (id: string) => result.rows.find((r) => r.metric === id)!.value;
      assert.equal(of('clv'), null);
      assert.equal(of('cac'), 50);
      assert.equal(of('ltv_cac_ratio'), null);
    });
  });
}
