/**
 * The engine on embedded PGlite at the scale of bench/metrics.ts: copies the organization "bench"
 * of a PostgreSQL database kept by `bench/metrics.ts --keep` (teams, agents, customers,
 * subscriptions, tickets, survey answers) into a new PGlite data directory, builds its rollups
 * there, and times the overview queries from them. Prints figures; never fails on time.
 *
 *   node --import tsx bench/metrics-pglite.ts --from DATABASE --data-dir DIR [--database-url postgres://...]
 *     [--runs 10] [--reuse]
 *
 * --reuse times a data directory filled by an earlier run without copying or building again.
 */
import fs from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { openDatabase } from '../src/db/connect.ts';
import { queryMetrics, type MetricQuery } from '../src/metrics/index.ts';
import { rebuildRollups } from '../src/metrics/rollups/index.ts';
import { findOrganizationBySlug } from '../src/orgs/index.ts';
import { OPERATOR } from '../src/auth/access.ts';
import { computeScorecard } from '../src/kpi/scorecard.ts';
import {
  AGENT_SCORECARD,
  FROM,
  HEADLINE,
  OVERVIEW_METRICS,
  SCORECARD_AGENT,
  SCORECARD_PERIOD,
  TO,
} from './headline.ts';

const { values } = parseArgs({
  options: {
    from: { type: 'string' },
    'data-dir': { type: 'string' },
    'database-url': {
      type: 'string',
      default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
    runs: { type: 'string', default: '10' },
    reuse: { type: 'boolean' },
  },
});
if (!values.from || !values['data-dir']) throw new Error('--from DATABASE and --data-dir DIR are required.');
const dataDir = values['data-dir'];
const TABLES = ['team', 'agent', 'customer', 'subscription', 'ticket', 'survey_response'];
const load = () => os.loadavg()[0]!.toFixed(1);
let peakRss = process.memoryUsage().rss;
setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200).unref();

if (!values.reuse && fs.existsSync(dataDir)) throw new Error(`${dataDir} exists; remove it or pass --reuse.`);
const db = await openDatabase({ dataDir, databaseUrl: undefined, poolSize: 1 });
try {
  if (!values.reuse) {
    const url = new URL(values['database-url']!);
    url.pathname = `/${values.from}`;
    const source = new pg.Client({ connectionString: url.toString() });
    await source.connect();
    try {
      const org = (await source.query(`select * from organization where slug = 'bench'`)).rows[0];
      if (!org) throw new Error(`${values.from} has no organization "bench".`);
      const json = (v: unknown) => (v && typeof v === 'object' && !(v instanceof Date) ? JSON.stringify(v) : v);
      await db.kysely
        .insertInto('organization')
        .values(Object.fromEntries(Object.entries(org).map(([k, v]) => [k, json(v)])) as never)
        .execute();
      const copied = performance.now();
      for (const table of TABLES) {
        const t = performance.now();
        const columns = (
          await source.query<{ column_name: string }>(
            `select column_name from information_schema.columns
             where table_schema = current_schema() and table_name = $1 order by ordinal_position`,
            [table],
          )
        ).rows.map((r) => r.column_name);
        let rows = 0;
        await db.session(async (session) => {
          const stream = source.query(
            copyTo(`copy (select ${columns.join(', ')} from ${table} where org_id = '${org.id}') to stdout`),
          );
          let pending = '';
          for await (const chunk of stream) {
            pending += (chunk as Buffer).toString('utf8');
            if (pending.length > 32 * 2 ** 20) {
              const cut = pending.lastIndexOf('\n') + 1;
              await session.copyIn(table, columns, pending.slice(0, cut));
              rows += pending.slice(0, cut).split('\n').length - 1;
              pending = pending.slice(cut);
            }
          }
          if (pending) await session.copyIn(table, columns, pending);
          rows += pending.split('\n').length - 1;
        });
        console.log(
          `  copied ${table.padEnd(16)} ${String(rows).padStart(9)} rows  ${((performance.now() - t) / 1000).toFixed(1)} s`,
        );
      }
      await sql`analyze`.execute(db.kysely);
      console.log(`Copied in ${((performance.now() - copied) / 1000).toFixed(1)} s (load ${load()})`);
    } finally {
      await source.end();
    }
  }
  const org = (await findOrganizationBySlug(db.kysely, 'bench'))!;
  if (!values.reuse) {
    const t = performance.now();
    const built = await rebuildRollups(db, org);
    console.log(
      `Rollups built on PGlite: ${built.rows.toLocaleString('en')} rows in ${((performance.now() - t) / 1000).toFixed(1)} s (load ${load()})`,
    );
  }
  const month = (metrics: readonly string[], extra: Partial<MetricQuery> = {}): MetricQuery => ({
    metrics: [...metrics],
    from: FROM,
    to: TO,
    grain: 'month',
    ...extra,
  });
  const cases: Array<[string, () => Promise<unknown>]> = [
    [`overview, ${HEADLINE.length} KPIs`, () => queryMetrics(db, org, month(HEADLINE))],
    [
      `by team, ${HEADLINE.length - 1} KPIs`,
      () =>
        queryMetrics(
          db,
          org,
          month(
            HEADLINE.filter((m) => m !== 'customer_churn_rate'),
            { by: ['team'] },
          ),
        ),
    ],
    [
      `the dashboard's ${OVERVIEW_METRICS.length} KPIs, compared`,
      () => queryMetrics(db, org, month(OVERVIEW_METRICS, { compare: 'previous' })),
    ],
    [
      `one agent's scorecard, ${AGENT_SCORECARD.length} KPIs`,
      () =>
        computeScorecard(
          db,
          org,
          { ...OPERATOR, orgId: org.id },
          { period: SCORECARD_PERIOD, agent: SCORECARD_AGENT, metrics: [...AGENT_SCORECARD] },
        ),
    ],
  ];
  console.log(`Timing ${values.runs} runs each after one warm-up (load ${load()})`);
  for (const [label, run] of cases) {
    await run();
    const times: number[] = [];
    for (let i = 0; i < Number(values.runs); i++) {
      const t = performance.now();
      await run();
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    console.log(
      `  ${label.padEnd(40)} p50 ${times[Math.floor(times.length / 2)]!.toFixed(0)} ms, max ${times.at(-1)!.toFixed(0)} ms`,
    );
  }
  // Which metrics the overview's queries could not answer from rollups.
  for (const query of [month(HEADLINE), month(OVERVIEW_METRICS)]) {
    const raw = Object.entries((await queryMetrics(db, org, query)).meta.source).filter(([, s]) => s !== 'rollup');
    if (raw.length) console.log(`  not from rollups: ${raw.map(([m, s]) => `${m} ${s}`).join(', ')}`);
  }
  console.log(
    `Peak RSS ${(Math.max(peakRss, process.resourceUsage().maxRSS * 1024) / 2 ** 20).toFixed(0)} MB (load ${load()})`,
  );
} finally {
  await db.close();
}
