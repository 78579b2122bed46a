import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { periodStart } from '../src/calendar/periods.ts';
import { businessSecondsBetween, DEFAULT_SCHEDULE, parseBusinessSchedule } from '../src/calendar/business-hours.ts';
import { localDate } from '../src/calendar/zoned-time.ts';
import { loadDemo } from '../src/cli/commands/demo.ts';
import type { Io } from '../src/cli/context.ts';
import { generateDemo } from '../src/demo/index.ts';
import ExcelJS from 'exceljs';
import { writeXlsx } from '../src/export/xlsx.ts';
import { createApiKey } from '../src/auth/index.ts';
import { loadConfig } from '../src/config.ts';
import { createApp } from '../src/http/app.ts';
import { createLogger } from '../src/http/logger.ts';
import { listMetricRows, listMetrics, queryMetrics, type MetricRow } from '../src/metrics/index.ts';
import { loadCustomMetrics } from '../src/metrics/custom/definition.ts';
import { deleteCustomMetric, saveCustomMetric } from '../src/metrics/custom/store.ts';
import { getBusinessHours, setBusinessHours } from '../src/orgs/index.ts';
import { createTestOrg, variants } from './helpers/databases.ts';

// Metric values on the demo data, checked against computations written independently here in
// plain JavaScript over the generated records (not through the database).
const quiet: Io = { out: () => {}, err: () => {}, stdin: process.stdin };
const DEMO = { seed: 11, end: '2026-05-01' };
const data = generateDemo(DEMO);
const TZ = 'Europe/Vilnius';
const FROM = '2025-05-01';
const TO = '2026-05-01';

type Rec = Record<string, any>;
const month = (iso: string) => periodStart(localDate(TZ, Date.parse(iso)), 'month');
const inRange = (iso: string | undefined) =>
  iso !== undefined && localDate(TZ, Date.parse(iso)) >= FROM && localDate(TZ, Date.parse(iso)) < TO;

function percentile7(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  return sorted[lo]! + (h - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? 0) - sorted[lo]!);
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    map.set(k, [...(map.get(k) ?? []), item]);
  }
  return map;
}

const byKey = (rows: MetricRow[], f: (r: MetricRow) => string) => new Map(rows.map((r) => [f(r), r]));

for (const variant of variants) {
  describe(`metrics on the demo data (${variant.name})`, async () => {
    const db = await variant.db();
    const org = { ...(await createTestOrg(db)), timezone: TZ, currency: 'EUR' };
    await loadDemo(db, org, DEMO, quiet);
    const query = (q: Omit<Parameters<typeof queryMetrics>[2], 'from' | 'to'> & { from?: string; to?: string }) =>
      queryMetrics(db, org, { from: FROM, to: TO, ...q });

    test('CSAT per month equals the top-2-box share of the CSAT answers of that month', async () => {
      const csat = (data.survey_responses as Rec[]).filter((r) => r.kind === 'csat' && inRange(r.submitted_at));
      const expected = groupBy(csat, (r) => month(r.submitted_at));
      const result = await query({ metrics: ['csat'], grain: 'month' });
      assert.equal(result.rows.length, 12);
      for (const row of result.rows) {
        const answers = expected.get(row.period!) ?? [];
        assert.equal(row.n, answers.length, row.period!);
        assert.ok(Math.abs(row.value! - answers.filter((r) => r.score >= 4).length / answers.length) < 1e-9);
        assert.ok(row.ci_low! <= row.value! && row.value! <= row.ci_high!);
      }
    });

    test('NPS over the whole range by team', async () => {
      const nps = (data.survey_responses as Rec[]).filter((r) => r.kind === 'nps' && inRange(r.submitted_at));
      const result = await query({ metrics: ['nps'], grain: 'all', by: ['team'] });
      const expected = groupBy(nps, (r) => r.team_id ?? '');
      for (const row of result.rows) {
        const answers = expected.get(row.group.team ?? '') ?? [];
        const value =
          (100 * (answers.filter((r) => r.score >= 9).length - answers.filter((r) => r.score <= 6).length)) /
          answers.length;
        assert.equal(row.n, answers.length);
        assert.ok(Math.abs(row.value! - value) < 1e-9, `${row.group.team}: ${row.value} vs ${value}`);
      }
      assert.equal(
        result.rows.reduce((sum, r) => sum + r.n, 0),
        nps.length,
      );
    });

    test('median first response time by team and month, bot answers excluded, to the second', async () => {
      const answered = (data.tickets as Rec[]).filter(
        (t) => t.first_response_at && !t.first_response_by_bot && inRange(t.first_response_at),
      );
      const expected = groupBy(answered, (t) => `${month(t.first_response_at)}|${t.team_id}`);
      const result = await query({ metrics: ['first_response_time'], grain: 'month', by: ['team'] });
      let checked = 0;
      for (const row of result.rows) {
        const tickets = expected.get(`${row.period}|${row.group.team}`) ?? [];
        if (!tickets.length) {
          assert.equal(row.value, null);
          continue;
        }
        const seconds = tickets.map((t) => (Date.parse(t.first_response_at) - Date.parse(t.created_at)) / 1000);
        assert.equal(row.n, tickets.length);
        assert.ok(Math.abs(row.value! - percentile7(seconds, 0.5)) < 1, `${row.period} ${row.group.team}`);
        checked++;
      }
      assert.ok(checked >= 40);
      const p90 = await query({
        metrics: ['first_response_time'],
        grain: 'all',
        options: { first_response_time: { aggregate: 'p90' } },
      });
      const all = answered.map((t) => (Date.parse(t.first_response_at) - Date.parse(t.created_at)) / 1000);
      assert.ok(Math.abs(p90.rows[0]!.value! - percentile7(all, 0.9)) < 1);
    });

    test('business-hours first response time equals open seconds between creation and answer', async () => {
      const schedule = { ...DEFAULT_SCHEDULE, timezone: TZ };
      const answered = (data.tickets as Rec[]).filter(
        (t) => t.first_response_at && !t.first_response_by_bot && month(t.first_response_at) === '2026-03-01',
      );
      const seconds = answered.map((t) =>
        businessSecondsBetween(schedule, Date.parse(t.created_at), Date.parse(t.first_response_at)),
      );
      const result = await query({
        metrics: ['first_response_time', 'sla_first_response'],
        grain: 'all',
        from: '2026-03-01',
        to: '2026-04-01',
        business_hours: true,
      });
      const rows = byKey(result.rows, (r) => r.metric);
      assert.equal(rows.get('first_response_time')!.n, answered.length);
      assert.ok(Math.abs(rows.get('first_response_time')!.value! - percentile7(seconds, 0.5)) < 1);
      const within = seconds.filter((s) => s <= 3600).length / seconds.length;
      assert.ok(Math.abs(rows.get('sla_first_response')!.value! - within) < 1e-9);
      const calendar = await query({
        metrics: ['first_response_time'],
        grain: 'all',
        from: '2026-03-01',
        to: '2026-04-01',
      });
      assert.ok(calendar.rows[0]!.value! > rows.get('first_response_time')!.value!, 'nights and weekends do not count');
    });

    test("a team with its own business hours has its tickets' durations counted in them", async () => {
      const late = {
        timezone: 'Asia/Tokyo',
        week: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat'].map((d) => [d, [['08:00', '20:00']]])),
        holidays: ['2026-03-20'],
      };
      const organization = { ...DEFAULT_SCHEDULE, timezone: TZ };
      await setBusinessHours(db.kysely, org, late, 'team-technical');
      try {
        const result = await query({
          metrics: ['first_response_time'],
          grain: 'all',
          by: ['team'],
          from: '2026-03-01',
          to: '2026-04-01',
          business_hours: true,
        });
        for (const row of result.rows) {
          const schedule = row.group.team === 'team-technical' ? parseBusinessSchedule(late) : organization;
          const seconds = (data.tickets as Rec[])
            .filter(
              (t) =>
                t.team_id === row.group.team &&
                t.first_response_at &&
                !t.first_response_by_bot &&
                month(t.first_response_at) === '2026-03-01',
            )
            .map((t) => businessSecondsBetween(schedule, Date.parse(t.created_at), Date.parse(t.first_response_at)));
          assert.equal(row.n, seconds.length, String(row.group.team));
          assert.ok(Math.abs(row.value! - percentile7(seconds, 0.5)) < 1, `${row.group.team}`);
        }
        await assert.rejects(setBusinessHours(db.kysely, org, late, 'no-such-team'), /no team "no-such-team"/);
      } finally {
        await setBusinessHours(db.kysely, org, null, 'team-technical');
      }
      assert.deepEqual((await getBusinessHours(db.kysely, org)).teams, {});
    });

    test('custom KPIs: a filtered share by team, a blend of catalog metrics, validation on save', async () => {
      await saveCustomMetric(
        db,
        org,
        {
          id: 'urgent_fast_answer',
          name: 'Urgent tickets answered within 15 minutes',
          names: { ru: 'Срочные с ответом за 15 минут' },
          formula: "share(tickets where priority = 'urgent', first_response_minutes <= 15)",
          unit: 'ratio',
        },
        'create',
      );
      await saveCustomMetric(
        db,
        org,
        { id: 'service_index', name: 'Service index', formula: '0.6 * csat + 0.4 * (nps + 100) / 200', min_sample: 50 },
        'create',
      );
      const result = await query({
        metrics: ['urgent_fast_answer', 'service_index', 'csat', 'nps'],
        grain: 'quarter',
        by: ['team'],
        compare: 'previous',
      });
      const urgent = (data.tickets as Rec[]).filter((t) => t.priority === 'urgent' && inRange(t.created_at));
      const quarter = (iso: string) => periodStart(localDate(TZ, Date.parse(iso)), 'quarter');
      const rows = result.rows.filter((r) => r.metric === 'urgent_fast_answer');
      assert.ok(rows.length >= 4 * 4);
      for (const row of rows) {
        const tickets = urgent.filter((t) => t.team_id === row.group.team && quarter(t.created_at) === row.period);
        const fast = tickets.filter(
          (t) => t.first_response_at && Date.parse(t.first_response_at) - Date.parse(t.created_at) <= 15 * 60_000,
        );
        assert.equal(row.n, tickets.length, `${row.period} ${row.group.team}`);
        if (tickets.length) assert.ok(Math.abs(row.value! - fast.length / tickets.length) < 1e-9);
        if (tickets.length) assert.ok(row.ci_low! <= row.value! && row.value! <= row.ci_high!, 'a Wilson interval');
        assert.equal(row.group.team_name !== undefined, tickets.length > 0);
      }
      const key = (r: MetricRow) => `${r.metric}|${r.period}|${r.group.team}`;
      const all = byKey(result.rows, key);
      for (const row of result.rows.filter((r) => r.metric === 'service_index')) {
        // NPS also asks customers outside tickets (no team): there CSAT, and so the blend, is empty.
        const csat = all.get(key({ ...row, metric: 'csat' })) ?? { value: null, n: 0 };
        const nps = all.get(key({ ...row, metric: 'nps' })) ?? { value: null, n: 0 };
        if (csat.value === null || nps.value === null) assert.equal(row.value, null);
        else assert.ok(Math.abs(row.value! - (0.6 * csat.value + (0.4 * (nps.value + 100)) / 200)) < 1e-9);
        assert.equal(row.n, Math.min(csat.n, nps.n));
        assert.equal(row.low_sample, row.n < 50);
        assert.equal(row.ci_low, null);
      }
      const listed = await loadCustomMetrics(db, org);
      assert.deepEqual(
        listed.map((m) => [m.id, m.names.ru, m.names.lt]),
        [
          ['service_index', 'Service index', 'Service index'],
          ['urgent_fast_answer', 'Срочные с ответом за 15 минут', 'Urgent tickets answered within 15 minutes'],
        ],
      );
      // Validated on save: nothing invalid is stored.
      const invalid: Array<[Record<string, unknown>, RegExp]> = [
        [{ id: 'csat', name: 'x', formula: 'csat' }, /id: is the id of a catalog metric/],
        [{ id: 'x1', name: 'x', formula: "count(tickets where team > 't1')" }, /team is text/],
        [{ id: 'x2', name: 'x', formula: 'arpu', unit: 'euro' }, /unit/],
        [{ id: 'x3', name: 'x', formula: "count(orders where team = 't1')" }, /orders has no field "team"/],
        [{ id: 'Bad Id', name: 'x', formula: '1' }, /id: is 2-63 lowercase/],
      ];
      for (const [input, message] of invalid) {
        await assert.rejects(saveCustomMetric(db, org, input, 'create'), message);
      }
      await assert.rejects(
        saveCustomMetric(db, org, { id: 'service_index', name: 'Again', formula: 'csat' }, 'create'),
        /exists; replace it instead/,
      );
      await saveCustomMetric(db, org, { id: 'service_index', name: 'Again', formula: 'csat * 100' }, 'replace');
      const replaced = await query({ metrics: ['service_index', 'csat'], grain: 'all' });
      assert.ok(Math.abs(replaced.rows[0]!.value! - 100 * replaced.rows[1]!.value!) < 1e-9);
      await assert.rejects(query({ metrics: ['urgent_fast_answer'], by: ['nps_group'] }), /cannot be grouped/);
      await deleteCustomMetric(db, org, 'service_index');
      await deleteCustomMetric(db, org, 'urgent_fast_answer');
      await assert.rejects(query({ metrics: ['service_index'] }), /There is no metric "service_index"/);
    });

    test('every catalog metric answers on the demo data, the same over HTTP as in-process', async () => {
      const app = createApp({ db, config: loadConfig({}, {}), logger: createLogger('silent') });
      const { key } = await createApiKey(db.kysely, org.id, { name: 'all-metrics', scope: 'read' });
      const ids = listMetrics().map((m) => m.id);
      const empty: string[] = [];
      for (let i = 0; i < ids.length; i += 10) {
        const body = { metrics: ids.slice(i, i + 10), from: '2025-11-01', to: '2026-05-01', grain: 'quarter' as const };
        const response = await app.request('/api/v1/query', {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        assert.equal(response.status, 200, JSON.stringify(body.metrics));
        const viaHttp = (await response.json()) as { rows: MetricRow[] };
        const direct = await query(body);
        assert.deepEqual(viaHttp.rows, JSON.parse(JSON.stringify(direct.rows)));
        for (const id of body.metrics) {
          if (!direct.rows.some((r) => r.metric === id && r.value !== null && Number.isFinite(r.value))) empty.push(id);
        }
      }
      // The demo sends no surveys of its own: nothing is delivered, so no response rate.
      assert.deepEqual(empty, ['survey_response_rate']);
    });

    test('tickets created per ISO week, and empty periods are null', async () => {
      const result = await query({ metrics: ['tickets_created'], grain: 'week', from: '2026-04-06', to: '2026-05-11' });
      const expected = groupBy(
        (data.tickets as Rec[]).filter((t) => localDate(TZ, Date.parse(t.created_at)) >= '2026-04-06'),
        (t) => periodStart(localDate(TZ, Date.parse(t.created_at)), 'week'),
      );
      assert.deepEqual(
        result.rows.map((r) => r.period),
        ['2026-04-06', '2026-04-13', '2026-04-20', '2026-04-27', '2026-05-04'],
      );
      for (const row of result.rows.slice(0, 4)) assert.equal(row.value, expected.get(row.period!)!.length);
      assert.deepEqual(
        [result.rows[4]!.value, result.rows[4]!.n],
        [null, 0],
        'no tickets after the demo ends: n/a, not 0',
      );
    });

    test('FCR and repeat contacts follow the 7-day customer window', async () => {
      const tickets = data.tickets as Rec[];
      const byCustomer = groupBy(
        tickets.filter((t) => t.customer_id),
        (t) => t.customer_id,
      );
      const within = (t: Rec, after: string) =>
        (byCustomer.get(t.customer_id) ?? []).some(
          (n) =>
            n.id !== t.id &&
            Date.parse(n.created_at) > Date.parse(after) &&
            Date.parse(n.created_at) <= Date.parse(after) + 7 * 86_400_000,
        );
      const resolved = tickets.filter((t) => t.resolved_at && inRange(t.resolved_at));
      const fcr = resolved.filter(
        (t) =>
          (t.agent_replies ?? 0) <= 1 && (t.reopen_count ?? 0) === 0 && !(t.customer_id && within(t, t.resolved_at)),
      );
      const created = tickets.filter((t) => t.customer_id && inRange(t.created_at));
      const repeat = created.filter((t) => within(t, t.created_at));
      const result = await query({ metrics: ['fcr_rate', 'repeat_contact_rate', 'reopen_rate'], grain: 'all' });
      const rows = byKey(result.rows, (r) => r.metric);
      assert.equal(rows.get('fcr_rate')!.n, resolved.length);
      assert.ok(Math.abs(rows.get('fcr_rate')!.value! - fcr.length / resolved.length) < 1e-9);
      assert.ok(Math.abs(rows.get('repeat_contact_rate')!.value! - repeat.length / created.length) < 1e-9);
      assert.ok(
        Math.abs(
          rows.get('reopen_rate')!.value! - resolved.filter((t) => t.reopen_count >= 1).length / resolved.length,
        ) < 1e-9,
      );
    });

    test('backlog: tickets open at the end of each week, by team', async () => {
      const result = await query({
        metrics: ['backlog'],
        grain: 'week',
        from: '2026-03-02',
        to: '2026-04-06',
        by: ['team'],
      });
      for (const row of result.rows) {
        const next = new Date(Date.parse(`${row.period}T00:00:00Z`) + 7 * 86_400_000).toISOString().slice(0, 10);
        const end = Date.parse(`${next}T00:00:00+02:00`) - (next >= '2026-03-29' ? 3_600_000 : 0);
        const open = (data.tickets as Rec[]).filter((t) => {
          const until = t.resolved_at ?? t.closed_at;
          return t.team_id === row.group.team && Date.parse(t.created_at) < end && (!until || Date.parse(until) >= end);
        });
        assert.equal(row.value, open.length, `${row.period} ${row.group.team}`);
      }
      assert.equal(result.rows.length, 5 * 4);
    });

    test('customer churn, retention, active and new customers and MRR per month follow the population rules', async () => {
      const subs = data.subscriptions as Rec[];
      const byCustomer = groupBy(subs, (s) => s.customer_id);
      const activeAt = (list: Rec[], t: number) =>
        list.some((s) => Date.parse(s.started_at) <= t && (!s.ended_at || Date.parse(s.ended_at) > t));
      const result = await query({
        metrics: ['customer_churn_rate', 'retention_rate', 'active_customers', 'new_customers', 'mrr'],
        grain: 'month',
        from: '2025-09-01',
        to: '2026-04-01',
      });
      const rows = byKey(result.rows, (r) => `${r.metric}|${r.period}`);
      for (const period of ['2025-09-01', '2025-12-01', '2026-03-01']) {
        const next = new Date(Date.parse(`${period}T00:00:00Z`));
        next.setUTCMonth(next.getUTCMonth() + 1);
        const offset = (date: string) => (date >= '2025-10-26' && date < '2026-03-29' ? 2 : 3) * 3_600_000;
        const start = Date.parse(`${period}T00:00:00Z`) - offset(period);
        const nextDate = next.toISOString().slice(0, 10);
        const end = next.getTime() - offset(nextDate);
        let atStart = 0;
        let churned = 0;
        let atEnd = 0;
        let fresh = 0;
        let mrr = 0;
        for (const list of byCustomer.values()) {
          const s0 = activeAt(list, start);
          const s1 = activeAt(list, end);
          atStart += s0 ? 1 : 0;
          atEnd += s1 ? 1 : 0;
          churned += s0 && !s1 ? 1 : 0;
          const first = Math.min(...list.map((s) => Date.parse(s.started_at)));
          fresh += first >= start && first < end ? 1 : 0;
          for (const s of list)
            if (Date.parse(s.started_at) <= end && (!s.ended_at || Date.parse(s.ended_at) > end)) mrr += Number(s.mrr);
        }
        const churn = rows.get(`customer_churn_rate|${period}`)!;
        assert.equal(churn.n, atStart, period);
        assert.ok(Math.abs(churn.value! - churned / atStart) < 1e-9, period);
        assert.ok(Math.abs(rows.get(`retention_rate|${period}`)!.value! - (1 - churned / atStart)) < 1e-9);
        assert.equal(rows.get(`active_customers|${period}`)!.value, atEnd);
        assert.equal(rows.get(`new_customers|${period}`)!.value, fresh);
        assert.ok(Math.abs(rows.get(`mrr|${period}`)!.value! - mrr) < 0.01, `${period} mrr`);
      }
      // Detractors churn more than promoters (the demo's second story).
      // Monthly churn grouped by the latest NPS answer before each month, summed over the year.
      const byGroup = await query({ metrics: ['customer_churn_rate'], grain: 'month', by: ['nps_group'] });
      const rate = (group: string) => {
        const rows = byGroup.rows.filter((r) => r.group.nps_group === group && r.value !== null);
        return rows.reduce((sum, r) => sum + r.value! * r.n, 0) / rows.reduce((sum, r) => sum + r.n, 0);
      };
      assert.ok(rate('detractor') > 1.5 * rate('promoter'), `${rate('detractor')} vs ${rate('promoter')}`);
    });

    test('support cost is prorated by day; cost per ticket and CAC divide two metrics; order value', async () => {
      const result = await query({
        metrics: [
          'support_cost',
          'cost_per_ticket',
          'tickets_resolved',
          'cac',
          'new_customers',
          'acquisition_cost',
          'average_order_value',
        ],
        grain: 'month',
        from: '2026-01-01',
        to: '2026-03-01',
      });
      const rows = byKey(result.rows, (r) => `${r.metric}|${r.period}`);
      for (const period of ['2026-01-01', '2026-02-01']) {
        const support = (data.costs as Rec[])
          .filter((c) => c.category === 'support' && c.period_start === period)
          .reduce((sum, c) => sum + Number(c.amount), 0);
        assert.ok(Math.abs(rows.get(`support_cost|${period}`)!.value! - support) < 0.01, `${period}: support cost`);
        const perTicket = rows.get(`cost_per_ticket|${period}`)!.value!;
        assert.ok(Math.abs(perTicket - support / rows.get(`tickets_resolved|${period}`)!.value!) < 1e-9);
        const cac = rows.get(`acquisition_cost|${period}`)!.value! / rows.get(`new_customers|${period}`)!.value!;
        assert.ok(Math.abs(rows.get(`cac|${period}`)!.value! - cac) < 1e-9);
        const orders = (data.orders as Rec[]).filter(
          (o) => (o.status ?? 'completed') === 'completed' && month(o.ordered_at) === period,
        );
        assert.equal(rows.get(`average_order_value|${period}`)!.n, orders.length);
      }
      // Half of a monthly cost falls in the first half of the month.
      const half = await query({ metrics: ['support_cost'], grain: 'all', from: '2026-01-01', to: '2026-01-17' });
      const january = (data.costs as Rec[]).filter((c) => c.category === 'support' && c.period_start === '2026-01-01');
      const expected = january.reduce((sum, c) => sum + (Number(c.amount) * 16) / 31, 0);
      assert.ok(Math.abs(half.rows[0]!.value! - expected) < 0.01);
    });

    test('revenue: completed orders plus MRR prorated over the days active; ARPU', async () => {
      const period = '2026-02-01';
      const start = Date.parse('2026-02-01T00:00:00+02:00');
      const end = Date.parse('2026-03-01T00:00:00+02:00');
      let subscriptions = 0;
      for (const s of data.subscriptions as Rec[]) {
        const from = Math.max(Date.parse(s.started_at), start);
        const to = Math.min(s.ended_at ? Date.parse(s.ended_at) : Infinity, end);
        if (to > from) subscriptions += (Number(s.mrr) * (to - from)) / (end - start);
      }
      const result = await query({
        metrics: ['subscription_revenue', 'order_revenue', 'revenue', 'arpu', 'average_active_customers'],
        grain: 'month',
        from: period,
        to: '2026-03-01',
      });
      const rows = byKey(result.rows, (r) => r.metric);
      assert.ok(Math.abs(rows.get('subscription_revenue')!.value! - subscriptions) < 0.01);
      const revenue = rows.get('revenue')!.value!;
      assert.ok(Math.abs(revenue - subscriptions - rows.get('order_revenue')!.value!) < 0.01);
      assert.ok(Math.abs(rows.get('arpu')!.value! - revenue / rows.get('average_active_customers')!.value!) < 1e-9);
    });

    test('drill-down: the rows behind a value, and their export', async () => {
      const where = { team: 'team-technical' };
      const value = await query({ metrics: ['csat'], grain: 'all', from: '2026-03-01', to: '2026-04-01', where });
      const rows = await listMetricRows(db, org, {
        metric: 'csat',
        from: '2026-03-01',
        to: '2026-04-01',
        where,
        limit: 100_000,
      });
      assert.equal(rows.rows.length, value.rows[0]!.n);
      const successes = rows.rows.filter((r) => r.counts_as_success).length;
      assert.ok(Math.abs(successes / rows.rows.length - value.rows[0]!.value!) < 1e-12);
      assert.ok(rows.rows.every((r) => r.team_id === 'team-technical' && r.kind === 'csat'));
      const frt = await listMetricRows(db, org, {
        metric: 'first_response_time',
        from: '2026-03-02',
        to: '2026-03-03',
      });
      assert.ok(frt.rows.every((r) => typeof r.measured_value === 'number' && (r.measured_value as number) >= 0));
      const book = new ExcelJS.Workbook();
      await book.xlsx.load((await writeXlsx([{ name: 'csat', columns: rows.columns, rows: rows.rows }])) as never);
      assert.equal(book.worksheets[0]!.rowCount, rows.rows.length + 1);
      await assert.rejects(
        listMetricRows(db, org, { metric: 'backlog', from: '2026-03-01', to: '2026-04-01' }),
        /not from rows/,
      );
    });

    test('attribute ratings: one series per service attribute', async () => {
      const result = await query({ metrics: ['attribute_rating'], grain: 'all' });
      const answers = (data.survey_responses as Rec[]).filter((r) => r.ratings && inRange(r.submitted_at));
      for (const row of result.rows) {
        const scores = answers.map((r) => r.ratings[row.group.attribute!]).filter((v) => v !== undefined) as number[];
        assert.equal(row.n, scores.length, row.group.attribute!);
        assert.ok(Math.abs(row.value! - scores.reduce((a, b) => a + b, 0) / scores.length) < 1e-9);
      }
      assert.ok(result.rows.some((r) => r.group.attribute === 'speed'));
    });

    test('comparison with the previous period gives delta and significance', async () => {
      const result = await query({
        metrics: ['csat', 'nps', 'ces'],
        grain: 'quarter',
        from: '2025-10-01',
        to: '2026-04-01',
        compare: 'previous',
      });
      for (const row of result.rows) {
        assert.notEqual(row.previous, undefined);
        if (row.value !== null && row.previous !== null)
          assert.ok(Math.abs(row.delta! - (row.value - row.previous!)) < 1e-9);
        assert.equal(typeof row.significant, 'boolean');
      }
    });

    test('filters by reference id and related fields; unknown names are clear errors', async () => {
      const result = await query({
        metrics: ['csat'],
        grain: 'all',
        where: { team: 'team-technical', 'ticket.channel': ['email', 'chat'] },
      });
      const expected = (data.survey_responses as Rec[]).filter((r) => {
        if (r.kind !== 'csat' || !inRange(r.submitted_at) || r.team_id !== 'team-technical') return false;
        const ticket = (data.tickets as Rec[]).find((t) => t.id === r.ticket_id);
        return ticket && ['email', 'chat'].includes(ticket.channel);
      });
      assert.equal(result.rows[0]!.n, expected.length);
      await assert.rejects(query({ metrics: ['csat'], by: ['colour'] }), /cannot be grouped or filtered by "colour"/);
      await assert.rejects(query({ metrics: ['happiness'] }), /no metric "happiness"/);
      await assert.rejects(
        query({ metrics: ['csat'], from: '2026-02-01', to: '2026-01-01' }),
        /from must be before to/,
      );
    });
  });
}
