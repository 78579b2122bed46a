import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { DEMO_STORIES, generateDemo } from './index.ts';

// The generated records are plain JSON; the tests read them loosely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Row = Record<string, any>;

const END = '2026-11-01';
const started = performance.now();
const data = generateDemo({ end: END });
const generationMs = performance.now() - started;

const teams = data.teams as Row[];
const agents = data.agents as Row[];
const customers = data.customers as Row[];
const subscriptions = data.subscriptions as Row[];
const orders = data.orders as Row[];
const tickets = data.tickets as Row[];
const surveys = data.survey_responses as Row[];
const reviews = data.reviews as Row[];
const costs = data.costs as Row[];
const fxRates = data.fx_rates as Row[];

// ---------------------------------------------------------------------------------------------
// Independent time helpers (Intl only), so the tests do not reuse the generator's own clock.

const vilnius = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Vilnius',
  hourCycle: 'h23',
  weekday: 'short',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});
function local(ms: number) {
  const parts: Record<string, string> = {};
  for (const p of vilnius.formatToParts(new Date(ms))) parts[p.type] = p.value;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: parts.weekday!,
    hour: Number(parts.hour),
    minute: Number(parts.minute),
  };
}
/** The instant of a local wall-clock time in Vilnius (never in a DST gap in these tests). */
function vilniusTime(date: string, hour = 0, minute = 0): number {
  for (const offset of ['+02:00', '+03:00']) {
    const ms = Date.parse(`${date}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00${offset}`);
    const l = local(ms);
    if (l.date === date && l.hour === hour && l.minute === minute) return ms;
  }
  throw new Error(`no such local time ${date} ${hour}:${minute}`);
}
const addMonths = (date: string, n: number) => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + n);
  return d.toISOString().slice(0, 10);
};
const addDays = (date: string, n: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const monthStarts = Array.from({ length: 13 }, (_, m) => vilniusTime(addMonths(END, m - 12)));
const START_MS = monthStarts[0]!;
const END_MS = monthStarts[12]!;
const ms = (iso: string) => Date.parse(iso);
const DAY = 86_400_000;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const h = (s.length - 1) / 2;
  return (s[Math.floor(h)]! + s[Math.ceil(h)]!) / 2;
}

const byId = <T extends Row>(rows: T[]) => new Map(rows.map((r) => [r.id as string, r]));
const customerById = byId(customers);
const agentById = byId(agents);
const ticketById = byId(tickets);
const teamIds = new Set(teams.map((t) => t.id as string));

const subsByCustomer = new Map<string, Row[]>();
for (const s of subscriptions) {
  const list = subsByCustomer.get(s.customer_id) ?? [];
  list.push(s);
  subsByCustomer.set(s.customer_id, list);
}
const isActive = (subs: Row[], at: number) =>
  subs.some((s) => ms(s.started_at) <= at && (s.ended_at === undefined || at < ms(s.ended_at)));

/** Customer churn rate of each month, as metrics.md defines it. */
function monthlyChurn(filter?: (customerId: string, monthStart: number) => string | undefined) {
  const out: { month: number; group: string; start: number; churned: number }[] = [];
  for (let m = 0; m < 12; m++) {
    const from = monthStarts[m]!;
    const to = monthStarts[m + 1]!;
    const counts = new Map<string, [number, number]>();
    for (const [customerId, subs] of subsByCustomer) {
      if (!isActive(subs, from)) continue;
      const group = filter ? filter(customerId, from) : 'all';
      if (group === undefined) continue;
      const c = counts.get(group) ?? [0, 0];
      c[0]++;
      if (!isActive(subs, to - 1)) c[1]++;
      counts.set(group, c);
    }
    for (const [group, [start, churned]] of counts) out.push({ month: m, group, start, churned });
  }
  return out;
}

const ISO_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

// ---------------------------------------------------------------------------------------------

test('same options give byte-identical output; another seed gives other data', (t) => {
  t.diagnostic(`generation of the default size took ${generationMs.toFixed(0)} ms`);
  const again = generateDemo({ end: END });
  assert.equal(JSON.stringify(again), JSON.stringify(data));
  const other = generateDemo({ end: END, seed: 7 });
  assert.notEqual(JSON.stringify(other.tickets), JSON.stringify(data.tickets));
  assert.notEqual(JSON.stringify(other.customers), JSON.stringify(data.customers));
  // The default seed is 42.
  assert.equal(
    JSON.stringify(generateDemo({ end: END, seed: 42, months: 2, customers: 200, ticketsPerMonth: 300 })),
    JSON.stringify(generateDemo({ end: END, months: 2, customers: 200, ticketsPerMonth: 300 })),
  );
});

test('the generator never uses Math.random', () => {
  const dir = new URL('.', import.meta.url);
  for (const file of readdirSync(dir)) {
    if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue;
    assert.doesNotMatch(readFileSync(new URL(file, dir), 'utf8'), new RegExp('Math\\.' + 'random'), file);
  }
});

test('organization and record counts are in the expected ranges', () => {
  assert.deepEqual(data.organization, {
    name: 'Balta Ledger UAB',
    timezone: 'Europe/Vilnius',
    currency: 'EUR',
    language: 'en',
  });
  assert.equal(teams.length, 4);
  assert.ok(agents.length >= 18 && agents.length <= 22, `agents ${agents.length}`);
  assert.equal(agents.filter((a) => a.active === false).length, 1);
  const hiredInWindow = agents.filter((a) => ms(a.hired_at) >= START_MS);
  assert.ok(hiredInWindow.length >= 1 && hiredInWindow.length <= 2);
  assert.equal(customers.length, 5000);
  assert.ok(subscriptions.length >= 5500 && subscriptions.length <= 8000, `subscriptions ${subscriptions.length}`);
  assert.ok(orders.length >= 1500 && orders.length <= 4000, `orders ${orders.length}`);
  assert.ok(tickets.length >= 47_000 && tickets.length <= 53_000, `tickets ${tickets.length}`);
  assert.ok(reviews.length >= 150 && reviews.length <= 500, `reviews ${reviews.length}`);
  const kinds = count(surveys, (s) => s.kind);
  assert.ok(kinds.nps! >= 1000, `nps ${kinds.nps}`);
  assert.ok(kinds.ces! >= 1000, `ces ${kinds.ces}`);
  assert.ok(kinds.enps! >= 20 && kinds.enps! <= 100, `enps ${kinds.enps}`);
  const resolvedWithCustomer = tickets.filter((t) => t.resolved_at && t.customer_id).length;
  const csatShare = kinds.csat! / resolvedWithCustomer;
  assert.ok(csatShare > 0.2 && csatShare < 0.3, `csat share ${csatShare}`);
  const windowDays = Math.round((END_MS - START_MS) / DAY);
  assert.ok(fxRates.length >= windowDays, `fx ${fxRates.length}`);
});

function count<T>(rows: T[], key: (row: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) out[key(r)] = (out[key(r)] ?? 0) + 1;
  return out;
}

test('ids are unique per entity and fields are the public ones', () => {
  const fields: Record<string, { all: string[]; required: string[] }> = {
    teams: { all: ['id', 'name', 'attributes'], required: ['id', 'name'] },
    agents: { all: ['id', 'name', 'email', 'team_id', 'active', 'hired_at', 'attributes'], required: ['id', 'name'] },
    customers: {
      all: [
        'id',
        'name',
        'email',
        'segment',
        'plan',
        'country',
        'language',
        'signed_up_at',
        'acquisition_channel',
        'acquisition_cost',
        'currency',
        'attributes',
      ],
      required: ['id'],
    },
    subscriptions: {
      all: ['id', 'customer_id', 'plan', 'mrr', 'currency', 'started_at', 'ended_at', 'cancel_reason', 'attributes'],
      required: ['id', 'customer_id', 'mrr', 'started_at'],
    },
    orders: {
      all: ['id', 'customer_id', 'amount', 'currency', 'ordered_at', 'status', 'channel', 'attributes'],
      required: ['id', 'customer_id', 'amount', 'ordered_at'],
    },
    tickets: {
      all: [
        'id',
        'customer_id',
        'agent_id',
        'team_id',
        'channel',
        'priority',
        'status',
        'subject',
        'tags',
        'created_at',
        'first_response_at',
        'first_resolved_at',
        'resolved_at',
        'closed_at',
        'reopen_count',
        'agent_replies',
        'customer_replies',
        'handle_time_seconds',
        'first_response_by_bot',
        'attributes',
      ],
      required: ['id', 'created_at'],
    },
    survey_responses: {
      all: [
        'id',
        'kind',
        'score',
        'submitted_at',
        'survey',
        'comment',
        'language',
        'customer_id',
        'ticket_id',
        'agent_id',
        'team_id',
        'channel',
        'ratings',
        'attributes',
      ],
      required: ['id', 'kind', 'score', 'submitted_at'],
    },
    reviews: {
      all: [
        'id',
        'source',
        'published_at',
        'rating',
        'rating_max',
        'title',
        'text',
        'language',
        'author',
        'customer_id',
        'url',
        'attributes',
      ],
      required: ['id', 'source', 'published_at'],
    },
    costs: {
      all: ['id', 'category', 'amount', 'currency', 'period_start', 'period_end', 'team_id', 'description'],
      required: ['id', 'category', 'amount', 'period_start', 'period_end'],
    },
    fx_rates: { all: ['currency', 'date', 'rate'], required: ['currency', 'date', 'rate'] },
  };
  for (const [entity, spec] of Object.entries(fields)) {
    const rows = (data as unknown as Record<string, Row[]>)[entity]!;
    const allowed = new Set(spec.all);
    for (const row of rows) {
      for (const [key, value] of Object.entries(row)) {
        assert.ok(allowed.has(key), `${entity}: unknown field ${key}`);
        assert.ok(value !== null && value !== undefined, `${entity} ${row.id}: ${key} is ${value}`);
      }
      for (const key of spec.required) assert.ok(key in row, `${entity} ${row.id}: missing ${key}`);
      if (row.attributes !== undefined) {
        for (const v of Object.values(row.attributes as Row))
          assert.ok(['string', 'number', 'boolean'].includes(typeof v));
      }
    }
    const keys = rows.map((r) => (entity === 'fx_rates' ? `${r.currency}:${r.date}` : r.id));
    assert.equal(new Set(keys).size, rows.length, `${entity}: duplicate ids`);
  }
  assert.match(tickets[0]!.id, /^t-\d{6}$/);
  assert.match(customers[0]!.id, /^c-\d{4}$/);
  assert.match(agents[0]!.id, /^ag-\d{2}$/);
  assert.ok(costs.some((c) => c.id === 'cost-support-team-billing-2026-03'));
});

test('timestamps are UTC ISO strings inside the window, dates are YYYY-MM-DD', () => {
  const stamps: [string, Row[], string[]][] = [
    ['subscriptions', subscriptions, ['started_at', 'ended_at']],
    ['orders', orders, ['ordered_at']],
    ['tickets', tickets, ['created_at', 'first_response_at', 'first_resolved_at', 'resolved_at', 'closed_at']],
    ['survey_responses', surveys, ['submitted_at']],
    ['reviews', reviews, ['published_at']],
    ['agents', agents, ['hired_at']],
    ['customers', customers, ['signed_up_at']],
  ];
  for (const [entity, rows, keys] of stamps) {
    for (const row of rows) {
      for (const key of keys) {
        if (row[key] === undefined) continue;
        assert.match(row[key], ISO_Z, `${entity} ${row.id} ${key}`);
        assert.ok(ms(row[key]) < END_MS, `${entity} ${row.id} ${key} ${row[key]} is after the end`);
      }
    }
  }
  for (const row of [...orders, ...tickets, ...surveys, ...reviews]) {
    const at = row.ordered_at ?? row.created_at ?? row.submitted_at ?? row.published_at;
    assert.ok(ms(at) >= START_MS - DAY, `${row.id} before the window`);
  }
  for (const c of costs) {
    assert.match(c.period_start, DATE);
    assert.match(c.period_end, DATE);
    assert.ok(c.period_end >= c.period_start);
  }
  for (const f of fxRates) assert.match(f.date, DATE);
  // Customers: an existing base before the window and sign-ups in every month of it.
  const before = customers.filter((c) => ms(c.signed_up_at) < START_MS);
  assert.ok(before.length > 2000 && before.length < 4000);
  for (let m = 0; m < 12; m++) {
    const n = customers.filter(
      (c) => ms(c.signed_up_at) >= monthStarts[m]! && ms(c.signed_up_at) < monthStarts[m + 1]!,
    ).length;
    assert.ok(n > 80, `month ${m + 1}: ${n} sign-ups`);
  }
  for (const c of customers) assert.equal(c.acquisition_cost !== undefined, ms(c.signed_up_at) >= START_MS);
});

test('ticket invariants hold', () => {
  const order = (a: string | undefined, b: string | undefined, what: string, id: string) => {
    if (a !== undefined && b !== undefined) assert.ok(a <= b, `${id}: ${what} (${a} > ${b})`);
  };
  for (const t of tickets) {
    order(t.created_at, t.first_response_at, 'first_response_at < created_at', t.id);
    order(t.created_at, t.first_resolved_at, 'first_resolved_at < created_at', t.id);
    order(t.first_response_at, t.first_resolved_at, 'first_resolved_at < first_response_at', t.id);
    order(t.first_resolved_at, t.resolved_at, 'resolved_at < first_resolved_at', t.id);
    order(t.resolved_at, t.closed_at, 'closed_at < resolved_at', t.id);
    if (t.resolved_at) assert.ok(t.first_resolved_at, `${t.id}: resolved without first_resolved_at`);
    if (t.closed_at) assert.ok(t.resolved_at, `${t.id}: closed without resolved_at`);
    assert.ok(['email', 'chat', 'phone', 'social', 'web'].includes(t.channel));
    assert.ok(['low', 'normal', 'high', 'urgent'].includes(t.priority));
    const expected = t.closed_at ? 'closed' : t.resolved_at ? 'solved' : null;
    if (expected) assert.equal(t.status, expected, t.id);
    else assert.ok(['open', 'pending'].includes(t.status), t.id);
    assert.ok(Array.isArray(t.tags) && t.tags.length >= 2 && t.tags.every((x: unknown) => typeof x === 'string'));
    assert.ok(t.subject.length > 5);
    assert.ok(Number.isInteger(t.agent_replies) && t.agent_replies >= 0 && t.agent_replies <= 6);
    if (t.resolved_at) assert.ok(t.agent_replies >= 1, `${t.id}: resolved without a reply`);
    assert.ok(Number.isInteger(t.customer_replies) && t.customer_replies >= 0);
    if (t.reopen_count > 0 && t.resolved_at)
      assert.ok(t.resolved_at > t.first_resolved_at, `${t.id}: reopened but resolved_at not later`);
    if (t.reopen_count === 0 && t.resolved_at) assert.equal(t.resolved_at, t.first_resolved_at, t.id);
    if (t.handle_time_seconds !== undefined)
      assert.ok(Number.isInteger(t.handle_time_seconds) && t.handle_time_seconds > 0);
    if (t.first_response_by_bot) {
      assert.equal(t.channel, 'chat');
      assert.ok(ms(t.first_response_at) - ms(t.created_at) <= 60_000, `${t.id}: slow bot`);
    }
  }
  const resolved = tickets.filter((t) => t.resolved_at);
  const oneReply = resolved.filter((t) => t.agent_replies === 1).length / resolved.length;
  assert.ok(oneReply >= 0.55 && oneReply <= 0.7, `one-reply share ${oneReply}`);
  const reopened = resolved.filter((t) => t.reopen_count >= 1).length / resolved.length;
  assert.ok(reopened >= 0.04 && reopened <= 0.08, `reopen share ${reopened}`);
  const chats = tickets.filter((t) => t.channel === 'chat');
  const bot = chats.filter((t) => t.first_response_by_bot).length / chats.length;
  assert.ok(bot >= 0.03 && bot <= 0.07, `bot share ${bot}`);
  const withCustomer = tickets.filter((t) => t.customer_id).length / tickets.length;
  assert.ok(withCustomer >= 0.95 && withCustomer <= 0.99, `customer share ${withCustomer}`);
  assert.ok(tickets.filter((t) => t.closed_at).length > tickets.length * 0.9);
});

test('tickets follow the working week and old tickets are solved', () => {
  // Weekday vs weekend volume.
  const byWeekday = count(tickets, (t) => local(ms(t.created_at)).weekday);
  const weekdayMean = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'].reduce((s, d) => s + byWeekday[d]!, 0) / 5;
  const weekendMean = (byWeekday.Sat! + byWeekday.Sun!) / 2;
  assert.ok(weekdayMean > 3 * weekendMean, `weekday ${weekdayMean} weekend ${weekendMean}`);
  // Human first responses mostly in working hours (Mon-Fri 08:00-18:00 Vilnius).
  const human = tickets.filter((t) => t.first_response_at && !t.first_response_by_bot);
  const inHours = human.filter((t) => {
    const l = local(ms(t.first_response_at));
    return !['Sat', 'Sun'].includes(l.weekday) && l.hour >= 8 && l.hour < 18;
  }).length;
  assert.ok(inHours / human.length > 0.9, `in working hours ${inHours / human.length}`);
  // Some monthly growth.
  const firstQuarter = tickets.filter((t) => ms(t.created_at) < monthStarts[3]!).length;
  const lastQuarter = tickets.filter((t) => ms(t.created_at) >= monthStarts[9]!).length;
  assert.ok(lastQuarter > firstQuarter * 1.15, `growth ${firstQuarter} -> ${lastQuarter}`);
  // Open and pending tickets are recent.
  const recentCut = END_MS - 14 * DAY;
  const old = tickets.filter((t) => ms(t.created_at) < recentCut);
  const oldOpen = old.filter((t) => !t.resolved_at);
  assert.ok(oldOpen.length <= old.length * 0.001, `old open ${oldOpen.length}`);
  assert.ok(tickets.filter((t) => ms(t.created_at) < END_MS - 30 * DAY && !t.resolved_at).length === 0);
  const recent = tickets.filter((t) => ms(t.created_at) >= recentCut);
  const recentOpen = recent.filter((t) => !t.resolved_at).length / recent.length;
  assert.ok(recentOpen > 0.03 && recentOpen < 0.4, `recent open share ${recentOpen}`);
  assert.ok(tickets.some((t) => t.status === 'pending') && tickets.some((t) => t.status === 'open'));
  // Repeat contacts: the same customer opens another ticket within 7 days.
  const byCustomer = new Map<string, number[]>();
  for (const t of tickets)
    if (t.customer_id) byCustomer.set(t.customer_id, [...(byCustomer.get(t.customer_id) ?? []), ms(t.created_at)]);
  let repeats = 0;
  let known = 0;
  for (const times of byCustomer.values()) {
    times.sort((a, b) => a - b);
    for (let i = 0; i < times.length; i++) {
      known++;
      if (i + 1 < times.length && times[i + 1]! - times[i]! <= 7 * DAY) repeats++;
    }
  }
  assert.ok(repeats / known > 0.05 && repeats / known < 0.4, `repeat contacts ${repeats / known}`);
});

test('references point at existing records and agree with each other', () => {
  for (const a of agents) assert.ok(teamIds.has(a.team_id), a.id);
  for (const s of subscriptions) assert.ok(customerById.has(s.customer_id), s.id);
  for (const o of orders) assert.ok(customerById.has(o.customer_id), o.id);
  for (const r of reviews) if (r.customer_id) assert.ok(customerById.has(r.customer_id), r.id);
  for (const c of costs) if (c.team_id) assert.ok(teamIds.has(c.team_id), c.id);
  for (const t of tickets) {
    if (t.customer_id) assert.ok(customerById.has(t.customer_id), t.id);
    const agent = agentById.get(t.agent_id);
    assert.ok(agent, t.id);
    assert.equal(t.team_id, agent.team_id, `${t.id}: team differs from the agent's`);
    assert.ok(ms(agent.hired_at) <= ms(t.created_at), `${t.id}: agent not hired yet`);
  }
  for (const s of surveys) {
    if (s.customer_id) assert.ok(customerById.has(s.customer_id), s.id);
    if (s.team_id) assert.ok(teamIds.has(s.team_id), s.id);
    if (s.ticket_id) {
      const t = ticketById.get(s.ticket_id);
      assert.ok(t, `${s.id}: unknown ticket ${s.ticket_id}`);
      assert.equal(s.customer_id, t.customer_id);
      assert.equal(s.agent_id, t.agent_id);
      assert.equal(s.team_id, t.team_id);
      assert.equal(s.channel, t.channel);
      assert.ok(t.resolved_at && s.submitted_at > t.resolved_at, `${s.id}: submitted before the resolution`);
      assert.ok(ms(s.submitted_at) - ms(t.resolved_at) <= 2 * DAY, `${s.id}: more than 2 days after the resolution`);
    }
    if (s.customer_id) assert.equal(s.language, customerById.get(s.customer_id)!.language, s.id);
  }
});

test('subscriptions: one or more rows per customer, continuous plan changes, churn reasons', () => {
  for (const c of customers) {
    const subs = subsByCustomer.get(c.id)!;
    assert.ok(subs.length >= 1, c.id);
    assert.equal(subs[0]!.started_at, c.signed_up_at, c.id);
    assert.equal(c.plan, subs.at(-1)!.plan, c.id);
    for (let i = 0; i < subs.length; i++) {
      const s = subs[i]!;
      if (s.ended_at) assert.ok(s.ended_at > s.started_at, s.id);
      const next = subs[i + 1];
      if (!next) continue;
      assert.ok(s.ended_at, `${s.id} has a successor but no end`);
      if (s.cancel_reason) assert.ok(next.started_at > s.ended_at, `${next.id}: reactivation not after the churn`);
      else assert.equal(next.started_at, s.ended_at, `${s.id}: plan change with a gap`);
    }
  }
  const changes = count(
    subscriptions.filter((s) => s.attributes?.change),
    (s) => s.attributes.change,
  );
  for (const kind of ['upgrade', 'downgrade', 'reactivation', 'price_increase']) assert.ok(changes[kind]! > 0, kind);
  const churn = monthlyChurn().map((r) => r.churned / r.start);
  for (const rate of churn.filter((_, m) => m !== 6)) assert.ok(rate > 0.015 && rate < 0.04, `monthly churn ${rate}`);
  for (const s of subscriptions) {
    assert.ok(Number.isFinite(s.mrr) && s.mrr > 0 && Math.round(s.mrr * 100) / 100 === s.mrr);
    assert.equal(s.currency, 'EUR');
  }
});

test('surveys: scores on their scales, ratings, comments in the respondent language', () => {
  const scales: Record<string, [number, number]> = { nps: [0, 10], csat: [1, 5], ces: [1, 7], enps: [0, 10] };
  const surveyName: Record<string, string> = {
    nps: 'nps-relationship',
    csat: 'csat-after-ticket',
    ces: 'ces-after-ticket',
    enps: 'enps-quarterly',
  };
  for (const s of surveys) {
    const [lo, hi] = scales[s.kind]!;
    assert.ok(Number.isInteger(s.score) && s.score >= lo && s.score <= hi, `${s.id}: ${s.kind} ${s.score}`);
    assert.equal(s.survey, surveyName[s.kind]);
    if (s.kind === 'enps') assert.equal(s.customer_id, undefined);
    if (s.kind === 'csat' || s.kind === 'ces') assert.ok(s.ticket_id);
    if (s.ratings) {
      for (const [k, v] of Object.entries(s.ratings as Row)) {
        assert.ok(['speed', 'friendliness', 'competence', 'communication', 'price'].includes(k));
        assert.ok(Number.isInteger(v) && v >= 1 && v <= 5);
      }
    }
  }
  const csat = surveys.filter((s) => s.kind === 'csat');
  assert.ok(csat.filter((s) => s.ratings).length > csat.length * 0.5);
  assert.ok(csat.some((s) => s.ratings?.price !== undefined));
  // Ratings follow the score.
  const meanSpeed = (rows: Row[]) => rows.reduce((a, s) => a + s.ratings.speed, 0) / rows.length;
  const rated = csat.filter((s) => s.ratings);
  assert.ok(meanSpeed(rated.filter((s) => s.score >= 4)) > meanSpeed(rated.filter((s) => s.score <= 2)) + 1);
  // NPS goes to customers in waves, one per quarter.
  const waves = new Set(surveys.filter((s) => s.kind === 'nps').map((s) => s.attributes.wave));
  assert.equal(waves.size, 4);

  const commented = surveys.filter((s) => s.comment);
  const share = commented.length / surveys.length;
  assert.ok(share > 0.3 && share < 0.5, `comment share ${share}`);
  for (const lang of ['en', 'ru', 'lt']) {
    const texts = new Set(commented.filter((s) => s.language === lang).map((s) => s.comment));
    assert.ok(texts.size >= 25, `${lang}: ${texts.size} distinct comments`);
    for (const text of texts) {
      const cyrillic = /[а-яё]/i.test(text);
      assert.equal(cyrillic, lang === 'ru', `${lang}: ${text}`);
      assert.doesNotMatch(text, /lorem|ipsum/i);
    }
  }
  // Low scores get negative words, high scores positive ones (spot check in English).
  const en = commented.filter((s) => s.kind === 'csat' && s.language === 'en');
  assert.ok(en.filter((s) => s.score === 5).every((s) => !/terrible|rude|disappointed/i.test(s.comment)));
});

test('reviews, orders, fx rates and costs', () => {
  for (const r of reviews) {
    assert.ok(['google', 'trustpilot', 'app_store'].includes(r.source));
    assert.ok(Number.isInteger(r.rating) && r.rating >= 1 && r.rating <= r.rating_max && r.rating_max === 5);
    assert.ok(['en', 'ru', 'lt'].includes(r.language) && r.title && r.text && r.author);
  }
  assert.ok(reviews.some((r) => r.customer_id) && reviews.some((r) => !r.customer_id));

  const usd = orders.filter((o) => o.currency === 'USD').length / orders.length;
  assert.ok(usd > 0.02 && usd < 0.1, `USD share ${usd}`);
  for (const o of orders) assert.ok(o.amount > 0 && Math.round(o.amount * 100) / 100 === o.amount, o.id);
  const statuses = count(orders, (o) => o.status);
  assert.ok(statuses.completed! > orders.length * 0.9 && statuses.refunded! > 0 && statuses.cancelled! > 0);
  for (const o of orders) {
    const subs = subsByCustomer.get(o.customer_id)!;
    assert.ok(isActive(subs, ms(o.ordered_at)), `${o.id}: customer not active`);
  }

  const rates = new Map(fxRates.map((f) => [f.date, f.rate]));
  for (let day = START_MS - DAY; day < END_MS; day += DAY / 2) {
    assert.ok(rates.has(new Date(day).toISOString().slice(0, 10)), `no USD rate near ${new Date(day).toISOString()}`);
    assert.ok(rates.has(local(day).date));
  }
  for (const o of orders)
    if (o.currency === 'USD')
      assert.ok(rates.has(o.ordered_at.slice(0, 10)) && rates.has(local(ms(o.ordered_at)).date));
  for (const f of fxRates) assert.ok(f.currency === 'USD' && f.rate >= 0.9 && f.rate <= 0.95);

  for (const c of costs) {
    assert.ok(['support', 'acquisition', 'other'].includes(c.category));
    assert.equal(c.currency, 'EUR');
    assert.ok(c.amount > 0 && Math.round(c.amount * 100) / 100 === c.amount);
  }
  // Support costs follow the agents employed: 2,000-4,500 EUR per agent and month.
  for (const c of costs.filter((c) => c.category === 'support')) {
    const from = vilniusTime(c.period_start);
    const staff = agents.filter(
      (a) =>
        a.team_id === c.team_id &&
        ms(a.hired_at) < from + 15 * DAY &&
        (!a.attributes.left_on || a.attributes.left_on > c.period_start),
    );
    const perAgent = c.amount / staff.length;
    assert.ok(perAgent > 2000 && perAgent < 4500, `${c.id}: ${perAgent} per agent`);
  }
  assert.equal(costs.filter((c) => c.category === 'support').length, 48);
  // Acquisition costs add up to the new customers' acquisition_cost, month by month.
  for (let m = 0; m < 12; m++) {
    const key = addMonths(END, m - 12).slice(0, 7);
    const spent = costs
      .filter((c) => c.category === 'acquisition' && c.period_start.startsWith(key))
      .reduce((a, c) => a + c.amount, 0);
    const perCustomer = customers
      .filter(
        (c) =>
          c.acquisition_cost !== undefined &&
          ms(c.signed_up_at) >= monthStarts[m]! &&
          ms(c.signed_up_at) < monthStarts[m + 1]!,
      )
      .reduce((a, c) => a + c.acquisition_cost, 0);
    assert.ok(Math.abs(spent - perCustomer) < 0.05, `${key}: costs ${spent} vs customers ${perCustomer}`);
  }
  assert.ok(costs.some((c) => c.category === 'other'));
});

// ---------------------------------------------------------------------------------------------
// The four stories, measured from the records as a dashboard would.

test('story 1: Technical Support answers slowly and its CSAT is lower', (t) => {
  const frt = new Map<string, number[]>();
  for (const tk of tickets) {
    if (!tk.first_response_at || tk.first_response_by_bot) continue;
    const list = frt.get(tk.team_id) ?? [];
    list.push((ms(tk.first_response_at) - ms(tk.created_at)) / 60_000);
    frt.set(tk.team_id, list);
  }
  const tech = median(frt.get('team-technical')!);
  const others = median([...frt].filter(([k]) => k !== 'team-technical').flatMap(([, v]) => v));
  const csat = (team: (id: string) => boolean) => {
    const rows = surveys.filter((s) => s.kind === 'csat' && team(s.team_id));
    return rows.filter((s) => s.score >= 4).length / rows.length;
  };
  const techCsat = csat((id) => id === 'team-technical');
  const otherCsat = csat((id) => id !== 'team-technical');
  t.diagnostic(
    `median first response: technical ${tech.toFixed(0)} min, others ${others.toFixed(0)} min (${(tech / others).toFixed(2)}x)`,
  );
  t.diagnostic(`CSAT top-2-box: technical ${(techCsat * 100).toFixed(1)} %, others ${(otherCsat * 100).toFixed(1)} %`);
  assert.ok(tech >= 1.8 * others);
  for (const [team, values] of frt) if (team !== 'team-technical') assert.ok(tech > 1.5 * median(values), team);
  assert.ok(techCsat < otherCsat - 0.1);
  assert.ok(techCsat > 0.6 && techCsat < 0.8);
  assert.ok(otherCsat > 0.83 && otherCsat < 0.93);
});

test('story 2: detractors churn about three times as often as promoters', (t) => {
  const nps = new Map<string, { at: number; score: number }[]>();
  for (const s of surveys)
    if (s.kind === 'nps')
      nps.set(s.customer_id, [...(nps.get(s.customer_id) ?? []), { at: ms(s.submitted_at), score: s.score }]);
  const group = (customerId: string, monthStart: number) => {
    const latest = (nps.get(customerId) ?? [])
      .filter((r) => r.at < monthStart)
      .sort((a, b) => a.at - b.at)
      .at(-1);
    if (!latest) return undefined;
    return latest.score >= 9 ? 'promoter' : latest.score >= 7 ? 'passive' : 'detractor';
  };
  const totals: Record<string, [number, number]> = {};
  for (const r of monthlyChurn(group)) {
    const c = (totals[r.group] ??= [0, 0]);
    c[0] += r.start;
    c[1] += r.churned;
  }
  const rate = (g: string) => totals[g]![1] / totals[g]![0];
  t.diagnostic(
    `monthly churn by latest NPS group: promoters ${(rate('promoter') * 100).toFixed(2)} %, passives ${(rate('passive') * 100).toFixed(2)} %, detractors ${(rate('detractor') * 100).toFixed(2)} % (${(rate('detractor') / rate('promoter')).toFixed(2)}x)`,
  );
  assert.ok(rate('detractor') > 2 * rate('promoter'));
  assert.ok(rate('passive') > rate('promoter') && rate('passive') < rate('detractor'));

  // A low CSAT in the previous 90 days also raises churn.
  const csat = new Map<string, { at: number; score: number }[]>();
  for (const s of surveys)
    if (s.kind === 'csat')
      csat.set(s.customer_id, [...(csat.get(s.customer_id) ?? []), { at: ms(s.submitted_at), score: s.score }]);
  const csatGroup = (customerId: string, monthStart: number) => {
    const recent = (csat.get(customerId) ?? []).filter((r) => r.at < monthStart && r.at >= monthStart - 90 * DAY);
    if (recent.length === 0) return undefined;
    return Math.min(...recent.map((r) => r.score)) <= 2 ? 'low' : 'fine';
  };
  const byCsat: Record<string, [number, number]> = {};
  for (const r of monthlyChurn(csatGroup)) {
    const c = (byCsat[r.group] ??= [0, 0]);
    c[0] += r.start;
    c[1] += r.churned;
  }
  const low = byCsat.low![1] / byCsat.low![0];
  const fine = byCsat.fine![1] / byCsat.fine![0];
  t.diagnostic(
    `monthly churn after a CSAT of 1-2: ${(low * 100).toFixed(2)} %, otherwise ${(fine * 100).toFixed(2)} %`,
  );
  assert.ok(low > 1.3 * fine);
});

test('story 3: the Basic price increase in month 7 causes a churn spike and raises Basic MRR', (t) => {
  const rates = monthlyChurn().map((r) => r.churned / r.start);
  const others = rates.filter((_, m) => m !== 6);
  const average = others.reduce((a, b) => a + b, 0) / others.length;
  t.diagnostic(
    `monthly churn: ${rates.map((r) => (r * 100).toFixed(2) + ' %').join(', ')}; month 7 = ${(rates[6]! / average).toFixed(2)}x the others' average`,
  );
  assert.ok(rates[6]! > 1.8 * average);
  assert.equal(rates.indexOf(Math.max(...rates)), 6);

  const endedIn = (m: number) =>
    subscriptions.filter(
      (s) => s.cancel_reason && ms(s.ended_at) >= monthStarts[m]! && ms(s.ended_at) < monthStarts[m + 1]!,
    );
  const m7 = endedIn(6);
  const price = m7.filter((s) => s.cancel_reason === 'price');
  assert.ok(price.length > m7.length / 2, `price churn ${price.length} of ${m7.length}`);
  assert.ok(price.filter((s) => s.plan === 'basic').length >= 0.9 * price.length);
  for (const m of [0, 3, 9]) assert.ok(endedIn(m).filter((s) => s.cancel_reason === 'price').length < price.length / 4);

  // Basic MRR per subscriber: 29 before, 35 after (new subscription rows, attributes.change).
  const basicMrr = (at: number) => {
    const active = subscriptions.filter(
      (s) => s.plan === 'basic' && ms(s.started_at) <= at && (!s.ended_at || at < ms(s.ended_at)),
    );
    return active.reduce((a, s) => a + s.mrr, 0) / active.length;
  };
  const before = basicMrr(monthStarts[6]! - 1);
  const after = basicMrr(monthStarts[7]! - 1);
  t.diagnostic(`Basic MRR per subscriber: ${before.toFixed(2)} before, ${after.toFixed(2)} after month 7`);
  assert.equal(before, 29);
  assert.equal(after, 35);
  const raised = subscriptions.filter((s) => s.attributes?.change === 'price_increase');
  assert.ok(raised.length > 1000);
  for (const s of raised)
    assert.ok(ms(s.started_at) >= monthStarts[6]! && ms(s.started_at) < monthStarts[7]! && s.mrr === 35);
});

test('story 4: tickets pile up over the weekend', (t) => {
  const created = tickets.map((tk) => ms(tk.created_at));
  const resolved = tickets.map((tk) => (tk.resolved_at ? ms(tk.resolved_at) : Infinity));
  const backlog = (at: number) => {
    let n = 0;
    for (let i = 0; i < created.length; i++) if (created[i]! <= at && resolved[i]! > at) n++;
    return n;
  };
  let weeks = 0;
  let higher = 0;
  const ratios: number[] = [];
  for (let day = START_MS + 12 * 3_600_000; day < END_MS - 3 * DAY; day += DAY) {
    const l = local(day);
    if (l.weekday !== 'Fri') continue;
    const friday = vilniusTime(l.date, 9);
    const sunday = vilniusTime(addDays(l.date, 2), 23, 59);
    const f = backlog(friday);
    const s = backlog(sunday);
    weeks++;
    if (s > f) higher++;
    ratios.push(s / f);
  }
  t.diagnostic(
    `backlog Sunday 23:59 > Friday 09:00 in ${higher} of ${weeks} weeks; median ratio ${median(ratios).toFixed(2)}`,
  );
  assert.ok(higher >= 0.8 * weeks);
  assert.ok(median(ratios) > 1.3);
});

test('DEMO_STORIES describe the four stories', () => {
  assert.equal(DEMO_STORIES.length, 4);
  for (const s of DEMO_STORIES) {
    assert.match(s.id, /^[a-z0-9-]+$/);
    assert.ok(s.title.length > 10 && s.how_to_see.length > 40);
  }
});
