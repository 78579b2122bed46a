/**
 * Latency of queryMetrics on a large organization on a PostgreSQL server, beside the plainest
 * hand-written SQL that computes the same numbers from the raw tables, in the same run. Prints
 * figures; never fails on time.
 *
 *   node --import tsx bench/metrics.ts [--tickets 10000000] [--responses 2000000] [--customers 1000000]
 *     [--database-url postgres://...] [--runs 20] [--budget 120] [--keep] [--reuse DATABASE [--skip-rebuild]]
 *     [--explain FILE] [--load-only] [--only TEXT]
 *
 * A scratch database (cxkpi_bench_<timestamp>) is created next to the one in the URL (default
 * postgres://postgres@127.0.0.1:5432/postgres), migrated, and filled on the server with generated
 * data (INSERT ... SELECT from generate_series). Cases: (a) a 12-month monthly overview of the
 * headline KPIs, (b) the same by team, and each metric of (a) on its own. Before timing, the
 * engine's values are checked against the plain SQL's. Each case gets 2 warm-up rounds (one when
 * a round takes over 10 s), then up to --runs timed runs, engine and plain SQL alternating; a case
 * stops early (after at least 3 runs) once one side's timed runs exceed --budget seconds. --reuse
 * times a database kept by an earlier --keep without loading it again (with --skip-rebuild, and
 * without rebuilding its rollups, which must then be current). --explain writes EXPLAIN
 * (ANALYZE, BUFFERS) of every statement the engine sends for (a) and (b), and of the plain SQL.
 * --load-only loads and keeps a database and stops there (no rollups, no timings), for
 * bench/rollups.ts or a later --reuse. --only TEXT times just the cases whose label contains
 * TEXT, without the value check.
 */
import fs from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openDatabase, type Db } from '../src/db/connect.ts';
import { getMetric, queryMetrics, type MetricQuery, type MetricRow } from '../src/metrics/index.ts';
import { rebuildRollups } from '../src/metrics/rollups/index.ts';
import { createOrganization, findOrganizationBySlug, type Organization } from '../src/orgs/index.ts';
import { OPERATOR } from '../src/auth/access.ts';
import { computeScorecard } from '../src/kpi/scorecard.ts';
import {
  AGENT_SCORECARD,
  FROM,
  HEADLINE,
  OVERVIEW_METRICS as DASHBOARD,
  SCORECARD_AGENT,
  SCORECARD_PERIOD,
  TO,
} from './headline.ts';

const { values } = parseArgs({
  options: {
    tickets: { type: 'string', default: '10000000' },
    responses: { type: 'string', default: '2000000' },
    customers: { type: 'string', default: '1000000' },
    'database-url': {
      type: 'string',
      default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
    runs: { type: 'string', default: '20' },
    budget: { type: 'string', default: '120' },
    keep: { type: 'boolean' },
    reuse: { type: 'string' },
    'skip-rebuild': { type: 'boolean' },
    explain: { type: 'string' },
    'load-only': { type: 'boolean' },
    only: { type: 'string' },
  },
});

const TZ = 'Europe/Vilnius';
// The data covers two years of local time; the benchmark asks for the last twelve months.
const DATA_FROM = '2024-01-01';
const DATA_TO = '2026-01-01';
const TEAMS = 20;
const AGENTS = 300;
const WARMUPS = 2;
const METRICS = HEADLINE;
type MetricId = (typeof METRICS)[number];
// Customer metrics have no team dimension (a customer is not in a team), so (b) leaves churn out.
const BY_TEAM = METRICS.filter((m) => getMetric(m)?.entity !== 'customers');

for (const id of [...METRICS, ...DASHBOARD, ...AGENT_SCORECARD])
  if (!getMetric(id)) throw new Error(`The catalog has no metric ${id}`);

const sizes = {
  tickets: Number(values.tickets),
  responses: Number(values.responses),
  customers: Number(values.customers),
};
const runs = Number(values.runs);
const budgetMs = Number(values.budget) * 1000;
const serverUrl = values['database-url']!;

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
sampler.unref();

async function main() {
  const name = values.reuse ?? `cxkpi_bench_${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}`;
  url = new URL(serverUrl);
  url.pathname = `/${name}`;
  if (!values.reuse) await admin(`create database ${name}`);

  let db: Db | undefined;
  const client = new pg.Client({ connectionString: url.toString() });
  try {
    db = await openDatabase({ dataDir: '', databaseUrl: url.toString(), poolSize: 4 }, { migrate: true });
    await client.connect();
    const server = await client.query<{ version: string }>('select version()');
    const settings = await client.query<{ name: string; setting: string; unit: string | null }>(
      `select name, setting, unit from pg_settings
       where name in ('shared_buffers', 'work_mem', 'max_parallel_workers_per_gather', 'jit') order by name`,
    );
    console.log(
      `Machine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
    );
    console.log(
      `Server: ${server.rows[0]!.version.split(' on ')[0]}; ${settings.rows.map(describeSetting).join(', ')}`,
    );
    console.log(`Database: ${name}\n`);

    let org: Organization;
    if (values.reuse) {
      const found = await findOrganizationBySlug(db.kysely, 'bench');
      if (!found) throw new Error(`Database ${name} has no organization "bench"; was it made by this benchmark?`);
      org = found;
    } else {
      org = await createOrganization(db.kysely, { slug: 'bench', name: 'Benchmark', timezone: TZ, currency: 'EUR' });
      await load(client, org.id);
    }
    if (values['load-only']) {
      await printSizes(client);
      return;
    }
    // The data is loaded with INSERT ... SELECT, not through imports: the rollups are built once here.
    if (!(values.reuse && values['skip-rebuild'])) {
      const rebuild = performance.now();
      const built = await rebuildRollups(db, org);
      console.log(
        `Rollups rebuilt from raw rows: ${built.rows.toLocaleString('en')} rows in ${seconds(performance.now() - rebuild)}\n`,
      );
    }
    await printSizes(client);
    const bounds = await client.query<{ date: string; at: string }>(
      `select d as date, (d::timestamp at time zone '${TZ}')::text as at from unnest($1::text[]) d`,
      [[FROM, TO]],
    );
    instants = Object.fromEntries(bounds.rows.map((r) => [r.date, r.at]));
    if (values.explain) await explain(db, client, org, values.explain);
    await measure(db, client, org);
  } finally {
    await client.end().catch(() => {});
    await db?.close();
    if (!values.keep && !values.reuse && !values['load-only']) await admin(`drop database if exists ${name}`);
    else console.log(`\nThe database ${name} is kept.`);
  }
}

async function admin(statement: string) {
  const connection = new pg.Client({ connectionString: serverUrl });
  await connection.connect();
  try {
    await connection.query(statement);
  } finally {
    await connection.end();
  }
}

function describeSetting(s: { name: string; setting: string; unit: string | null }) {
  if (s.unit === '8kB') return `${s.name} ${(Number(s.setting) * 8) / 1024} MB`;
  if (s.unit === 'kB') return `${s.name} ${Number(s.setting) / 1024} MB`;
  return `${s.name} ${s.setting}`;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const local = (date: string) => `(timestamp '${date}' at time zone '${TZ}')`;

/**
 * Generates the organization's data on the server. Secondary indexes are dropped first and
 * rebuilt from their own definitions afterwards (one sort each instead of 10 million inserts).
 */
async function load(c: pg.Client, orgId: string) {
  const started = performance.now();
  const step = async (label: string, fn: () => Promise<unknown>) => {
    const t = performance.now();
    await fn();
    console.log(`  ${label.padEnd(44)} ${seconds(performance.now() - t)}`);
  };
  console.log(
    `Loading ${sizes.tickets.toLocaleString('en')} tickets, ${sizes.responses.toLocaleString('en')} survey responses, ` +
      `${sizes.customers.toLocaleString('en')} customers`,
  );
  await c.query(`set synchronous_commit = off; set jit = off; set maintenance_work_mem = '1GB'`);
  const indexes = await c.query<{ indexname: string; indexdef: string }>(
    `select indexname, indexdef from pg_indexes
     where schemaname = current_schema() and tablename in ('ticket', 'survey_response', 'customer', 'subscription')
       and indexname not in (select conname from pg_constraint)`,
  );
  for (const index of indexes.rows) await c.query(`drop index ${index.indexname}`);

  await step('teams and agents', async () => {
    await c.query(
      `insert into team (org_id, id, name, attributes, updated_at)
       select $1, 'team' || lpad(g::text, 2, '0'), 'Team ' || g, '{}', now() from generate_series(1, ${TEAMS}) g`,
      [orgId],
    );
    await c.query(
      `insert into agent (org_id, id, name, email, team_id, active, hired_at, attributes, updated_at)
       select $1, 'a' || lpad(g::text, 4, '0'), 'Agent ' || g, 'agent' || g || '@example.com',
         'team' || lpad((1 + (g - 1) % ${TEAMS})::text, 2, '0'), g % 17 <> 0,
         ${local('2020-01-01')} + (g * interval '5 days'), '{}', now()
       from generate_series(1, ${AGENTS}) g`,
      [orgId],
    );
  });
  await step('customers', () => c.query(customerSql(), [orgId]));
  await step('subscriptions', async () => {
    await c.query(firstSubscriptionSql(), [orgId]);
    await c.query(secondSubscriptionSql(), [orgId]);
  });
  await step('tickets', async () => {
    // Batches on two connections: generation is CPU-bound and the server has two cores.
    const batch = 500_000;
    const queue: Array<[number, number]> = [];
    for (let lo = 1; lo <= sizes.tickets; lo += batch) queue.push([lo, Math.min(sizes.tickets, lo + batch - 1)]);
    const workers = [c, new pg.Client({ connectionString: url.toString() })];
    await workers[1]!.connect();
    await workers[1]!.query(`set synchronous_commit = off; set jit = off`);
    try {
      await Promise.all(
        workers.map(async (w) => {
          for (let next = queue.shift(); next; next = queue.shift()) {
            // A seed per batch keeps the data the same whichever connection takes the batch.
            await w.query(`select setseed(${(next[0] % 1_000_003) / 1_000_003})`);
            await w.query(ticketSql(), [orgId, next[0], next[1]]);
          }
        }),
      );
    } finally {
      await workers[1]!.end();
    }
  });
  // Survey responses join their ticket by primary key, so they come after the tickets.
  await step('survey responses', () => c.query(responseSql(), [orgId]));
  for (const index of indexes.rows) await step(`index ${index.indexname}`, () => c.query(index.indexdef));
  await step('vacuum analyze', () =>
    c.query('vacuum (analyze) team, agent, customer, subscription, ticket, survey_response'),
  );
  console.log(`Load time: ${seconds(performance.now() - started)}\n`);
}

function customerSql() {
  return `
    insert into customer (org_id, id, name, email, segment, plan, country, language, signed_up_at,
      acquisition_channel, acquisition_cost, currency, acquisition_cost_reporting, attributes, updated_at)
    select $1, 'c' || lpad(g::text, 8, '0'), 'Customer ' || g, 'customer' || g || '@example.com', segment,
      case segment when 'enterprise' then 'enterprise' when 'mid-market' then 'pro'
        else case when u_plan < 0.3 then 'pro' else 'basic' end end,
      (array['LT', 'LV', 'EE', 'PL', 'DE', 'FI', 'SE', 'GB'])[1 + floor(u_country * u_country * 8)::int],
      (array['lt', 'en', 'ru'])[1 + g % 3],
      signed_up_at, (array['organic', 'search', 'partner', 'social'])[1 + g % 4], cost, 'EUR', cost,
      jsonb_build_object('region', (array['north', 'south', 'east', 'west'])[1 + g % 4]), signed_up_at
    from (
      select g, random() as u_plan, random() as u_country,
        case when random() < 0.7 then 'smb' when random() < 0.7 then 'mid-market' else 'enterprise' end as segment,
        ${local('2021-01-01')} + (${local(DATA_TO)} - ${local('2021-01-01')}) * sqrt(random()) as signed_up_at,
        round((20 + 300 * random())::numeric, 2) as cost
      from generate_series(1, ${sizes.customers}) g
    ) a`;
}

/** One subscription per customer from sign-up; about 2.5 % of them end each month. */
function firstSubscriptionSql() {
  return `
    insert into subscription (org_id, id, customer_id, plan, mrr, currency, mrr_reporting, started_at, ended_at,
      cancel_reason, attributes, updated_at)
    select org_id, 's' || substr(id, 2) || '-1', id, plan, mrr, 'EUR', mrr, started_at,
      case when ended_at < ${local(DATA_TO)} then ended_at end,
      case when ended_at < ${local(DATA_TO)} then (array['price', 'features', 'service', 'closed'])[1 + floor(u * 4)::int] end,
      '{}', least(ended_at, ${local(DATA_TO)})
    from (
      select c.org_id, c.id, c.plan, random() as u,
        case c.plan when 'basic' then 29 when 'pro' then 99 else 499 end * (0.8 + round((0.4 * random())::numeric, 2)) as mrr,
        c.signed_up_at + floor(14 * random()) * interval '1 day' as started_at,
        c.signed_up_at + (1 + floor(-ln(1 - random()) * 30.4 / 0.025)) * interval '1 day' as ended_at
      from customer c where c.org_id = $1
    ) a`;
}

/** A third of the customers who left come back after one to six months. */
function secondSubscriptionSql() {
  return `
    insert into subscription (org_id, id, customer_id, plan, mrr, currency, mrr_reporting, started_at, ended_at,
      cancel_reason, attributes, updated_at)
    select org_id, 's' || substr(customer_id, 2) || '-2', customer_id, plan, mrr, 'EUR', mrr, started_at,
      case when ended_at < ${local(DATA_TO)} then ended_at end, null, '{}', least(ended_at, ${local(DATA_TO)})
    from (
      select s.org_id, s.customer_id, s.plan, s.mrr,
        s.ended_at + (30 + floor(150 * random())) * interval '1 day' as started_at,
        s.ended_at + (180 + floor(-ln(1 - random()) * 30.4 / 0.025)) * interval '1 day' as ended_at,
        random() as u
      from subscription s where s.org_id = $1 and s.ended_at is not null
    ) a
    where u < 0.33 and started_at < ${local(DATA_TO)}`;
}

/**
 * Tickets $2..$3: creation times over two years, growing linearly (twice as many at the end),
 * nearly in id order as an import appends them; log-normal first response (by channel) and
 * resolution delays; 3 % unanswered, 2 % never resolved, and whatever falls after the end of the
 * data is not there yet (open). Customers are skewed (a few have hundreds of tickets), agents
 * too; a ticket's team is its agent's.
 */
function ticketSql() {
  const end = local(DATA_TO);
  return `
    insert into ticket (org_id, id, customer_id, agent_id, team_id, channel, priority, status, subject, tags,
      created_at, first_response_at, first_resolved_at, resolved_at, closed_at, reopen_count, agent_replies,
      customer_replies, handle_time_seconds, first_response_by_bot, attributes, updated_at)
    select $1, 't' || lpad(g::text, 9, '0'), customer_id, case when first_response_at is not null then agent_id end,
      team_id, channel, priority,
      case when resolved_at is null then case when first_response_at is null then 'open' else 'pending' end
        when closed_at is null then 'solved' else 'closed' end,
      subject, tags, created_at, first_response_at,
      case when reopen_count = 0 then resolved_at else created_at + (resolved_at - created_at) * 0.4 end,
      resolved_at, closed_at, reopen_count, agent_replies, customer_replies, handle_time_seconds, by_bot,
      attributes, coalesce(closed_at, resolved_at, first_response_at, created_at)
    from (
      select g, customer_id, agent_id, team_id, channel, priority, subject, tags, created_at, by_bot, attributes,
        reopen_count, agent_replies, customer_replies, handle_time_seconds,
        case when first_response_at < ${end} then first_response_at end as first_response_at,
        case when resolved_at < ${end} then resolved_at end as resolved_at,
        case when resolved_at + interval '3 days' < ${end} then resolved_at + interval '3 days' end as closed_at
      from (
        select g, created_at, channel, priority, by_bot, reopen_count,
          case when u_customer < 0.02 then null
            else 'c' || lpad((1 + floor(${sizes.customers} * power((u_customer - 0.02) / 0.98, 1.5)))::int::text, 8, '0') end
            as customer_id,
          'a' || lpad(agent::text, 4, '0') as agent_id,
          'team' || lpad((1 + (agent - 1) % ${TEAMS})::text, 2, '0') as team_id,
          (array['Cannot log in', 'Refund request', 'Invoice question', 'Delivery delayed', 'Change of plan',
            'Bug report', 'Feature request', 'Password reset'])[1 + g % 8] || ' #' || g as subject,
          case when u_priority > 0.97 then '{vip,escalated}'::text[] when channel = 'email' and u_bot < 0.3
            then '{billing}'::text[] else '{}'::text[] end as tags,
          jsonb_build_object('region', (array['north', 'south', 'east', 'west'])[1 + g % 4]) as attributes,
          first_response_at,
          case when u_resolve < 0.02 then null
            when first_response_at is null then case when u_resolve < 0.5 then null
              else created_at + exp(ln(86400) + z_resolve) * interval '1 second' end
            else first_response_at + exp(ln(72000) + 1.3 * z_resolve) * interval '1 second' end as resolved_at,
          case when first_response_at is null then 0 else 1 + floor(-ln(1 - u_replies))::int + reopen_count end
            as agent_replies,
          case when first_response_at is null then 1 else floor(-ln(1 - u_replies) * 1.5)::int + 1 end as customer_replies,
          case when first_response_at is null then null else 120 + floor(900 * u_replies)::int end as handle_time_seconds
        from (
          select *,
            case when u_answer < 0.03 then null
              else created_at + exp(case when by_bot then ln(5) when channel = 'chat' then ln(90)
                when channel = 'phone' then ln(30) when channel = 'email' then ln(3 * 3600) else ln(4 * 3600) end
                + 1.1 * z_response) * interval '1 second' end as first_response_at,
            case when u_reopen < 0.08 then 1 when u_reopen < 0.1 then 2 else 0 end as reopen_count,
            1 + floor(${AGENTS} * power(u_agent, 1.3))::int as agent
          from (
            select *,
              case when u_channel < 0.4 then 'email' when u_channel < 0.7 then 'chat'
                when u_channel < 0.85 then 'phone' else 'web' end as channel,
              case when u_priority < 0.2 then 'low' when u_priority < 0.75 then 'normal'
                when u_priority < 0.95 then 'high' else 'urgent' end as priority,
              u_channel >= 0.4 and u_channel < 0.7 and u_bot < 0.25 as by_bot
            from (
              select g,
                ${local(DATA_FROM)} + (${end} - ${local(DATA_FROM)})
                  * (sqrt(1 + 3 * ((g - 1 + random()) / ${sizes.tickets})) - 1) as created_at,
                random() as u_channel, random() as u_priority, random() as u_customer, random() as u_agent,
                random() as u_answer, random() as u_resolve, random() as u_reopen, random() as u_replies,
                random() as u_bot,
                sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) as z_response,
                sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) as z_resolve
              from generate_series($2::int, $3::int) g
            ) r
          ) s
        ) t
      ) u
    ) v`;
}

/**
 * Survey responses spread evenly over the tickets, sent after the ticket's resolution: 40 % NPS,
 * 45 % CSAT, 15 % CES (by ticket, so an answer given twice keeps its kind). Every 33rd answer
 * answers the previous answer's ticket again, a day later (only the latest counts); a quarter of
 * the NPS answers come from the relationship survey, without a ticket or team.
 */
function responseSql() {
  const end = local(DATA_TO);
  return `
    insert into survey_response (org_id, id, kind, score, submitted_at, survey, comment, language, customer_id,
      ticket_id, agent_id, team_id, channel, ratings, attributes, updated_at)
    select $1, 'r' || lpad(g::text, 9, '0'), kind,
      case kind
        when 'nps' then case when u_score < 0.22 then floor(u_score / 0.22 * 7)::int
          when u_score < 0.45 then 7 + floor((u_score - 0.22) / 0.23 * 2)::int else 9 + (u_score > 0.75)::int end
        when 'csat' then case when u_score < 0.06 then 1 when u_score < 0.12 then 2 when u_score < 0.22 then 3
          when u_score < 0.5 then 4 else 5 end
        else case when u_score < 0.04 then 1 when u_score < 0.08 then 2 when u_score < 0.14 then 3
          when u_score < 0.25 then 4 when u_score < 0.45 then 5 when u_score < 0.75 then 6 else 7 end end,
      submitted_at, case when relationship then 'relationship' else 'after-ticket' end, null,
      (array['lt', 'en', 'ru'])[1 + g % 3], customer_id,
      case when not relationship then ticket_id end, case when not relationship then agent_id end,
      case when not relationship then team_id end, case when not relationship then channel end,
      '{}', '{}', submitted_at
    from (
      select *, kind = 'nps' and h_relationship < 0.25 as relationship,
        case when at < ${end} then at else base + (${end} - base) * u_late end as submitted_at
      from (
        select *,
          case when h_kind < 0.4 then 'nps' when h_kind < 0.85 then 'csat' else 'ces' end as kind,
          base + (exp(ln(7200) + 1.5 * z) + case when g % 33 = 0 then 86400 else 0 end) * interval '1 second' as at
        from (
          select g, t.id as ticket_id, t.customer_id, t.agent_id, t.team_id, t.channel,
            coalesce(t.resolved_at, t.first_response_at, t.created_at) as base,
            (hashint4(k) & 65535) / 65536.0 as h_kind, (hashint4(g) & 65535) / 65536.0 as h_relationship,
            random() as u_score, random() as u_late,
            sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) as z
          from (
            select g, 1 + floor((g - 1 - (g % 33 = 0)::int) * ${sizes.tickets}::float8 / ${sizes.responses})::int as k
            from generate_series(1, ${sizes.responses}) g
          ) n
          join ticket t on t.org_id = $1 and t.id = 't' || lpad(k::text, 9, '0')
        ) a
      ) b
    ) c`;
}

async function printSizes(c: pg.Client) {
  const result = await c.query<{ relname: string; rows: string; total: string }>(
    `select relname, (xpath('/row/n/text()', query_to_xml('select count(*) as n from ' || relname, false, true, '')))[1]::text as rows,
       pg_size_pretty(pg_total_relation_size(oid)) as total
     from pg_class where relname in ('ticket', 'survey_response', 'customer', 'subscription') order by relname`,
  );
  console.log('Tables (rows, with indexes):');
  for (const r of result.rows)
    console.log(`  ${r.relname.padEnd(16)} ${Number(r.rows).toLocaleString('en').padStart(11)}  ${r.total}`);
  const total = await c.query<{ size: string }>('select pg_size_pretty(pg_database_size(current_database())) as size');
  console.log(`  database total   ${total.rows[0]!.size}\n`);
}

// ---------------------------------------------------------------------------------------------
// The plainest SQL for the same numbers: one statement per metric, straight from the raw tables.
// $1 organization, $2 and $3 the range's first and last instant (local midnights).

interface Plain {
  sql: (byTeam: boolean) => string;
  value: (row: Record<string, unknown>) => number | null;
}

const month = (column: string) => `date_trunc('month', ${column} at time zone '${TZ}')::date::text`;
const team = (byTeam: boolean, alias = '') => (byTeam ? `${alias}team_id as team,` : '');
const groupBy = (byTeam: boolean) => (byTeam ? 'group by 1, 2' : 'group by 1');
const num = (value: unknown) => Number(value ?? 0);
const latestOnly = `(r.ticket_id is null or not exists (select 1 from survey_response d
  where d.org_id = r.org_id and d.ticket_id = r.ticket_id and d.kind = r.kind and d.survey is not distinct from r.survey
    and (d.submitted_at, d.id) > (r.submitted_at, r.id)))`;
const survey = (kind: string, components: string) => (byTeam: boolean) => `
  select ${month('r.submitted_at')} as period, ${team(byTeam, 'r.')} ${components}
  from survey_response r
  where r.org_id = $1 and r.kind = '${kind}' and r.submitted_at >= $2 and r.submitted_at < $3 and ${latestOnly}
  ${groupBy(byTeam)}`;
const median =
  (time: string, from: string, where = 'true') =>
  (byTeam: boolean) => `
  select ${month(time)} as period, ${team(byTeam)}
    percentile_cont(0.5) within group (order by extract(epoch from ${time} - ${from})) as value
  from ticket
  where org_id = $1 and ${time} >= $2 and ${time} < $3 and ${where}
  ${groupBy(byTeam)}`;
const months = `generate_series(timestamp '${FROM}', timestamp '${TO}' - interval '1 month', interval '1 month') as m(start_local)`;

const PLAIN: Record<MetricId, Plain> = {
  nps: {
    sql: survey(
      'nps',
      `count(*) as n, count(*) filter (where score >= 9) as p, count(*) filter (where score <= 6) as d`,
    ),
    value: (r) => (100 * (num(r.p) - num(r.d))) / num(r.n),
  },
  csat: {
    sql: survey('csat', `count(*) as n, count(*) filter (where score >= 4) as k`),
    value: (r) => num(r.k) / num(r.n),
  },
  ces: { sql: survey('ces', `avg(score)::float8 as value`), value: (r) => num(r.value) },
  first_response_time: {
    sql: median('first_response_at', 'created_at', 'not first_response_by_bot'),
    value: (r) => num(r.value),
  },
  resolution_time: { sql: median('resolved_at', 'created_at'), value: (r) => num(r.value) },
  fcr_rate: {
    sql: (byTeam) => `
      select ${month('t.resolved_at')} as period, ${team(byTeam, 't.')} count(*) as n,
        count(*) filter (where coalesce(t.agent_replies, 0) <= 1 and t.reopen_count = 0 and not exists (
          select 1 from ticket n where n.org_id = t.org_id and n.customer_id = t.customer_id and n.id <> t.id
            and n.created_at > t.resolved_at and n.created_at <= t.resolved_at + interval '7 days')) as k
      from ticket t
      where t.org_id = $1 and t.resolved_at >= $2 and t.resolved_at < $3
      ${groupBy(byTeam)}`,
    value: (r) => num(r.k) / num(r.n),
  },
  backlog: {
    sql: (byTeam) => `
      select m.start_local::date::text as period, ${team(byTeam, 't.')} count(*) as value
      from ${months}
      join ticket t on t.org_id = $1 and t.created_at < (m.start_local + interval '1 month') at time zone '${TZ}'
        and (coalesce(t.resolved_at, t.closed_at) is null
          or coalesce(t.resolved_at, t.closed_at) >= (m.start_local + interval '1 month') at time zone '${TZ}')
      ${groupBy(byTeam)}`,
    value: (r) => num(r.value),
  },
  tickets_created: {
    sql: (byTeam) => `
      select ${month('created_at')} as period, ${team(byTeam)} count(*) as value
      from ticket where org_id = $1 and created_at >= $2 and created_at < $3
      ${groupBy(byTeam)}`,
    value: (r) => num(r.value),
  },
  customer_churn_rate: {
    // Per month: each customer's subscriptions around it, active at the start, and at the end.
    sql: () => `
      select m.start_local::date::text as period,
        count(*) filter (where a.at_start) as n_start, count(*) filter (where a.at_start and not a.at_end) as churned
      from ${months}
      cross join lateral (select m.start_local at time zone '${TZ}' as start_at,
        (m.start_local + interval '1 month') at time zone '${TZ}' as end_at) p
      cross join lateral (
        select bool_or(s.started_at <= p.start_at and (s.ended_at is null or s.ended_at > p.start_at)) as at_start,
          bool_or(s.started_at <= p.end_at and (s.ended_at is null or s.ended_at > p.end_at)) as at_end
        from subscription s
        where s.org_id = $1 and s.started_at <= p.end_at and (s.ended_at is null or s.ended_at > p.start_at)
        group by s.customer_id
      ) a
      group by 1`,
    value: (r) => (num(r.n_start) ? num(r.churned) / num(r.n_start) : null),
  },
};

/** $1 .. $n as far as the statement uses them (the server refuses unused parameters it cannot type). */
const rangeParams = (orgId: string, text: string) =>
  [orgId, instantOf(FROM), instantOf(TO)].slice(0, Math.max(...[...text.matchAll(/\$(\d)/g)].map((m) => Number(m[1]))));
let instants: Record<string, string> = {};
let url: URL;
const instantOf = (date: string) => instants[date]!;

async function runPlain(c: pg.Client, orgId: string, metric: MetricId, byTeam: boolean) {
  const text = PLAIN[metric].sql(byTeam);
  const result = await c.query<Record<string, unknown>>(text, rangeParams(orgId, text));
  return result.rows;
}

function engineQuery(metrics: readonly string[], byTeam: boolean): MetricQuery {
  return { metrics: [...metrics], from: FROM, to: TO, grain: 'month', by: byTeam ? ['team'] : [] };
}

// ---------------------------------------------------------------------------------------------

interface Case {
  label: string;
  engine: () => Promise<unknown>;
  /** Null: no plain SQL is written for the case (its figures print as "-"). */
  plain: (() => Promise<unknown>) | null;
}

interface Timing {
  label: string;
  runs: number;
  engine: number[];
  /** Null: the case has no plain SQL. */
  plain: number[] | null;
}

/** How many times faster the engine is: 2,097x, 1.9x, 0.53x. */
const speedUp = (ratio: number) =>
  `${ratio >= 10 ? Math.round(ratio).toLocaleString('en') : ratio.toFixed(ratio >= 1 ? 1 : 2)}x`;

async function measure(db: Db, c: pg.Client, org: Organization) {
  // --only times just the cases whose label contains the text (the values are checked only with all).
  if (!values.only) await checkValues(db, c, org);

  const cases: Case[] = [];
  const plainAll = (metrics: readonly MetricId[], byTeam: boolean) => async () => {
    for (const m of metrics) await runPlain(c, org.id, m, byTeam);
  };
  cases.push({
    label: `(a) overview, ${METRICS.length} metrics`,
    engine: () => queryMetrics(db, org, engineQuery(METRICS, false)),
    plain: plainAll(METRICS, false),
  });
  cases.push({
    label: `(b) by team, ${BY_TEAM.length} metrics`,
    engine: () => queryMetrics(db, org, engineQuery(BY_TEAM, true)),
    plain: plainAll(BY_TEAM, true),
  });
  cases.push({
    label: `(a) overview from raw rows (exact)`,
    engine: () => queryMetrics(db, org, { ...engineQuery(METRICS, false), exact: true }),
    plain: plainAll(METRICS, false),
  });
  // One agent's scorecard for a month (src/kpi/scorecard.ts, as GET /api/v1/scorecard): each KPI
  // against the month before, and the organization's value beside it.
  cases.push({
    label: `(c) one agent's scorecard, ${AGENT_SCORECARD.length} KPIs, compared`,
    engine: () =>
      computeScorecard(
        db,
        org,
        { ...OPERATOR, orgId: org.id },
        { period: SCORECARD_PERIOD, agent: SCORECARD_AGENT, metrics: [...AGENT_SCORECARD] },
      ),
    plain: null,
  });
  // The dashboard's overview (src/contract/overview.ts): its 11 cards and trends in one request,
  // compared with the period before. This data has no orders or costs, so order revenue and
  // support cost are empty scans; no plain SQL is written for ARPU, CLV and cost to revenue.
  cases.push({
    label: `(d) the dashboard's ${DASHBOARD.length} KPIs, compared`,
    engine: () => queryMetrics(db, org, { ...engineQuery(DASHBOARD, false), compare: 'previous' }),
    plain: null,
  });
  const dashboard = (await queryMetrics(db, org, engineQuery(DASHBOARD, false))).meta.source;
  console.log(
    `The dashboard's KPIs answered from: ${Object.entries(dashboard)
      .map(([m, s]) => `${m} ${s}`)
      .join(', ')}`,
  );
  const sources = (await queryMetrics(db, org, engineQuery(METRICS, false))).meta.source;
  console.log(
    `Answered from: ${Object.entries(sources)
      .map(([m, s]) => `${m} ${s}`)
      .join(', ')}\n`,
  );
  for (const m of METRICS) {
    cases.push({
      label: `(a) ${m}`,
      engine: () => queryMetrics(db, org, engineQuery([m], false)),
      plain: () => runPlain(c, org.id, m, false),
    });
  }

  console.log(
    `Timing: ${WARMUPS} warm-ups (one if it takes over 10 s), then up to ${runs} runs per side ` +
      `(at least 3, and no more once a side has taken ${seconds(budgetMs)})`,
  );
  const timings: Timing[] = [];
  for (const item of cases.filter((c) => !values.only || c.label.includes(values.only))) {
    const timing = await timeCase(item);
    timings.push(timing);
    console.log(`  ${formatTiming(timing)}`);
  }
  printTable(timings);
}

async function timeCase(item: Case): Promise<Timing> {
  for (let i = 0; i < WARMUPS; i++) {
    const t = performance.now();
    await item.engine();
    await item.plain?.();
    // A case that reads gigabytes has its pages cached after one round; a second would only cost minutes.
    if (performance.now() - t > 10_000) break;
  }
  const engine: number[] = [];
  const plain: number[] = [];
  const total = (list: number[]) => list.reduce((a, b) => a + b, 0);
  while (engine.length < runs && (engine.length < 3 || Math.max(total(engine), total(plain)) < budgetMs)) {
    // Alternating keeps both sides under the same cache and load conditions.
    let t = performance.now();
    await item.engine();
    engine.push(performance.now() - t);
    if (!item.plain) continue;
    t = performance.now();
    await item.plain();
    plain.push(performance.now() - t);
  }
  return { label: item.label, runs: engine.length, engine, plain: item.plain ? plain : null };
}

function percentile(list: number[], q: number): number {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}

const ms = (value: number) => (value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`);

function formatTiming(t: Timing) {
  return (
    `${t.label}: engine p50 ${ms(percentile(t.engine, 0.5))} p95 ${ms(percentile(t.engine, 0.95))}, ` +
    (t.plain ? `plain SQL p50 ${ms(percentile(t.plain, 0.5))} p95 ${ms(percentile(t.plain, 0.95))}` : 'no plain SQL') +
    ` (${t.runs} runs)`
  );
}

function printTable(timings: Timing[]) {
  const head = ['case', 'runs', 'engine p50', 'engine p95', 'plain p50', 'plain p95', 'plain/engine'];
  const body = timings.map((t) => [
    t.label,
    String(t.runs),
    ms(percentile(t.engine, 0.5)),
    ms(percentile(t.engine, 0.95)),
    t.plain ? ms(percentile(t.plain, 0.5)) : '-',
    t.plain ? ms(percentile(t.plain, 0.95)) : '-',
    t.plain ? speedUp(percentile(t.plain, 0.5) / percentile(t.engine, 0.5)) : '-',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join(' | ')} |`;
  console.log(`\n${line(head)}\n| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`);
  for (const row of body) console.log(line(row));
  console.log(
    `\nPeak RSS of this process: ${(Math.max(peakRss, process.resourceUsage().maxRSS * 1024) / 2 ** 20).toFixed(0)} MB`,
  );
}

/** The engine and the plain SQL must give the same numbers, or the comparison means nothing. */
async function checkValues(db: Db, c: pg.Client, org: Organization) {
  for (const byTeam of [false, true]) {
    const engine = await queryMetrics(db, org, engineQuery(byTeam ? BY_TEAM : METRICS, byTeam));
    const byMetric = new Map<string, MetricRow[]>();
    for (const row of engine.rows) byMetric.set(row.metric, [...(byMetric.get(row.metric) ?? []), row]);
    const report: string[] = [];
    for (const m of byTeam ? BY_TEAM : METRICS) {
      const expected = new Map<string, number | null>();
      for (const row of await runPlain(c, org.id, m, byTeam))
        expected.set(`${row.period}|${row.team ?? ''}`, PLAIN[m].value(row));
      let worst = 0;
      let compared = 0;
      for (const row of byMetric.get(m) ?? []) {
        const key = `${row.period}|${row.group.team ?? ''}`;
        const want = expected.get(key) ?? null;
        expected.delete(key);
        if (row.value === null && want === null) continue;
        compared++;
        worst = Math.max(worst, row.value === null || want === null ? Infinity : relativeDifference(row.value, want));
      }
      if (expected.size) worst = Infinity;
      // Percentiles of months kept in buckets are within the error the answer declares.
      const declared = engine.meta.percentile_error[m] ?? 0;
      report.push(
        worst < 1e-9
          ? `${m} ok (${compared})`
          : worst <= declared + 1e-9
            ? `${m} ok within the declared ${declared * 100} % (${compared}, worst ${(worst * 100).toFixed(2)} %)`
            : `${m} DIFFERS (worst relative difference ${worst})`,
      );
    }
    console.log(`Engine vs plain SQL values, ${byTeam ? 'by team' : 'overview'}: ${report.join(', ')}`);
  }
  console.log();
}

function relativeDifference(a: number, b: number) {
  return a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
}

// ---------------------------------------------------------------------------------------------

/** EXPLAIN (ANALYZE, BUFFERS) of what the engine sends, captured from the driver, and of the plain SQL. */
async function explain(db: Db, c: pg.Client, org: Organization, file: string) {
  const captured: Array<{ text: string; values: unknown[] }> = [];
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    if (this !== c && typeof args[0] === 'string')
      captured.push({ text: args[0], values: (args[1] as unknown[] | undefined) ?? [] });
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  try {
    await queryMetrics(db, org, engineQuery(METRICS, false));
    await queryMetrics(db, org, engineQuery(BY_TEAM, true));
  } finally {
    pg.Client.prototype.query = original;
  }
  const out: string[] = [];
  const plan = async (title: string, text: string, params: unknown[]) => {
    const t = performance.now();
    const result = await c.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${text}`, params);
    out.push(`=== ${title} (${ms(performance.now() - t)})`, text.trim(), JSON.stringify(params), '');
    out.push(...result.rows.map((r) => r['QUERY PLAN']), '');
  };
  for (const [i, q] of captured.entries()) await plan(`engine statement ${i + 1}`, q.text, q.values);
  for (const byTeam of [false, true])
    for (const m of byTeam ? BY_TEAM : METRICS)
      await plan(
        `plain ${m}${byTeam ? ' by team' : ''}`,
        PLAIN[m].sql(byTeam),
        rangeParams(org.id, PLAIN[m].sql(byTeam)),
      );
  fs.writeFileSync(file, out.join('\n'));
  console.log(`EXPLAIN ANALYZE of ${captured.length} engine statements and the plain SQL written to ${file}\n`);
}

await main();
