/**
 * Time and peak memory to render a 10-KPI monthly report of the demo organization: the queries
 * (queryMetrics for the trend, both comparisons, the team and agent breakdowns and the combined
 * views; the feedback stream; alerts), then the PDF, the XLSX and the HTML e-mail with its PNG
 * charts. Prints figures; never fails on time.
 *
 *   node --import tsx bench/reports.ts [--runs 3] [--postgres] [--database-url postgres://...]
 *
 * Goal (issue 15): under 2 s and 300 MB for the whole report. The demo (seed 42, twelve months up
 * to 2026-05-01) is loaded once into embedded PGlite and kept as a dump under
 * node_modules/.cache/cxkpi; each database is measured in a child process of its own, so its peak
 * RSS (getrusage maxrss) is that of opening the database and rendering, nothing else. --postgres
 * also loads the demo into a scratch database next to the one in the URL and measures there.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadDemo } from '../src/cli/commands/demo.ts';
import { openDatabase, type Db } from '../src/db/connect.ts';
import { createOrganization, findOrganizationBySlug, type Organization } from '../src/orgs/index.ts';
import { buildReportContent, parseReportPeriod } from '../src/reports/index.ts';
import { renderHtml } from '../src/reports/html.ts';
import { renderPdf } from '../src/reports/pdf.ts';
import { renderXlsx } from '../src/reports/xlsx.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    postgres: { type: 'boolean' },
    'database-url': {
      type: 'string',
      default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
    child: { type: 'string' },
  },
});

const DEMO = { seed: 42, end: '2026-05-01' };
const PERIOD = '2026-04';
const METRICS = [
  'nps',
  'csat',
  'ces',
  'first_response_time',
  'resolution_time',
  'fcr_rate',
  'backlog',
  'tickets_created',
  'reopen_rate',
  'customer_churn_rate',
];
const quiet = { out: () => {}, err: () => {}, stdin: process.stdin };
const memory = { dataDir: '', databaseUrl: undefined, poolSize: 1 } as const;

async function demoOrg(db: Db): Promise<Organization> {
  return (await findOrganizationBySlug(db.kysely, 'demo'))!;
}

/** Child: open the database, render once to warm up, then time `runs` reports. */
async function measure(target: string) {
  const opened = Date.now();
  const db = target.startsWith('postgres')
    ? await openDatabase({ dataDir: '', databaseUrl: target, poolSize: 4 })
    : await openDatabase(memory, { inMemory: true, from: new Blob([fs.readFileSync(target)]) });
  const openMs = Date.now() - opened;
  const org = await demoOrg(db);
  const rssOpen = process.memoryUsage().rss;
  const request = {
    title: 'Monthly KPIs',
    metrics: METRICS,
    scope: {},
    period: parseReportPeriod(PERIOD),
    language: 'lt' as const,
  };
  const runs: Array<Record<string, number>> = [];
  for (let i = 0; i <= Number(values.runs); i++) {
    const t0 = performance.now();
    const content = await buildReportContent(db, org, request, undefined);
    const t1 = performance.now();
    const pdf = await renderPdf(content);
    const t2 = performance.now();
    const xlsx = await renderXlsx(content);
    const t3 = performance.now();
    const html = await renderHtml(content);
    const t4 = performance.now();
    if (i === 0) {
      process.stdout.write(
        `    sizes: PDF ${(pdf.length / 1024).toFixed(0)} KB, XLSX ${(xlsx.length / 1024).toFixed(0)} KB, HTML ${(html.length / 1024).toFixed(0)} KB\n`,
      );
      continue; // warm-up: fonts, WebAssembly, query plans
    }
    runs.push({ queries: t1 - t0, pdf: t2 - t1, xlsx: t3 - t2, html: t4 - t3, total: t4 - t0 });
  }
  await db.close();
  const median = (key: string) => {
    const sorted = runs.map((r) => r[key]!).sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)]!;
  };
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(`    database opened in ${s(openMs)}, RSS then ${(rssOpen / 2 ** 20).toFixed(0)} MB`);
  console.log(
    `    median of ${runs.length}: total ${s(median('total'))} = queries ${s(median('queries'))} + PDF ${s(median('pdf'))} + XLSX ${s(median('xlsx'))} + HTML ${s(median('html'))}`,
  );
  console.log(`    runs (total): ${runs.map((r) => s(r.total!)).join(', ')}`);
  console.log(`    peak RSS of the process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
}

function child(target: string, label: string) {
  console.log(`\n${label}`);
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', import.meta.filename, '--child', target, '--runs', values.runs!],
    {
      stdio: 'inherit',
    },
  );
  if (run.status !== 0) throw new Error(`${label}: the measuring process failed`);
}

async function main() {
  if (values.child) return measure(values.child);
  console.log(
    `bench/reports: ${METRICS.length} KPIs, month ${PERIOD}, demo seed ${DEMO.seed}, ${os.cpus().length} cores`,
  );
  console.log(
    `load average: ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  const cache = path.resolve(import.meta.dirname, '../node_modules/.cache/cxkpi');
  const dump = path.join(cache, `bench-reports-demo-${DEMO.seed}-${DEMO.end}.tar.gz`);
  if (!fs.existsSync(dump)) {
    console.log('Loading the demo into PGlite (once; kept in node_modules/.cache/cxkpi) ...');
    fs.mkdirSync(cache, { recursive: true });
    const db = await openDatabase(memory, { inMemory: true });
    const org = await createOrganization(db.kysely, { slug: 'demo', name: 'Demo' });
    await loadDemo(db, org, DEMO, quiet);
    fs.writeFileSync(`${dump}.partial`, Buffer.from(await (await db.dump!()).arrayBuffer()));
    fs.renameSync(`${dump}.partial`, dump);
    await db.close();
  }
  child(dump, 'PGlite (embedded, the default)');
  if (values.postgres) {
    const url = new URL(values['database-url']!);
    const name = `cxkpi_bench_reports_${Date.now()}`;
    const admin = new pg.Client({ connectionString: url.toString() });
    await admin.connect();
    await admin.query(`create database ${name}`);
    url.pathname = `/${name}`;
    try {
      console.log(`\nLoading the demo into PostgreSQL ${url.host}/${name} ...`);
      const db = await openDatabase({ dataDir: '', databaseUrl: url.toString(), poolSize: 4 });
      const org = await createOrganization(db.kysely, { slug: 'demo', name: 'Demo' });
      await loadDemo(db, org, DEMO, quiet);
      await db.close();
      child(url.toString(), 'PostgreSQL server');
    } finally {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  }
}

await main();
