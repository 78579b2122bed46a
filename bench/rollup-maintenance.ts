/**
 * What keeping the rollups current costs an import into a large organization: on a database kept
 * by `bench/metrics.ts --keep` or `--load-only` (organization "bench", its rollups built), imports
 * batches of tickets as a helpdesk sync sends them and prints, per batch, the import's time and
 * the part of it spent on rollups (the summary's `rollups_ms`: marking the changed rows' days and
 * computing those days again). Prints figures; never fails on time. The batches stay in the
 * database (run it on a scratch copy); each run adds new ticket ids.
 *
 *   node --import tsx bench/rollup-maintenance.ts --reuse DATABASE [--database-url postgres://...]
 *
 * Batches: one day of new tickets (the data's last day), ten days of new tickets, the same ten
 * days again unchanged, and updates of existing tickets of the last days (resolved, reassigned).
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { openDatabase } from '../src/db/connect.ts';
import { importRecords } from '../src/ingest/index.ts';
import { findOrganizationBySlug } from '../src/orgs/index.ts';

const { values } = parseArgs({
  options: {
    reuse: { type: 'string' },
    'database-url': {
      type: 'string',
      default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
    'per-day': { type: 'string', default: '2000' },
  },
});
if (!values.reuse) throw new Error('--reuse DATABASE names a database kept by bench/metrics.ts.');
const url = new URL(values['database-url']!);
url.pathname = `/${values.reuse}`;
const db = await openDatabase({ dataDir: '', databaseUrl: url.toString(), poolSize: 2 });
const org = await findOrganizationBySlug(db.kysely, 'bench');
if (!org) throw new Error(`Database ${values.reuse} has no organization "bench".`);
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

const stats = (
  await sql<{ tickets: string; last: string; customers: string }>`
    select count(*)::text as tickets, max(created_at)::text as last,
      (select count(*) from customer where org_id = ${org.id}::uuid)::text as customers
    from ticket where org_id = ${org.id}::uuid`.execute(db.kysely)
).rows[0]!;
const ready = await sql<{ entity: string; status: string }>`
  select entity, status from rollup_state where org_id = ${org.id}::uuid`.execute(db.kysely);
if (!ready.rows.some((r) => r.entity === 'tickets' && r.status === 'ready'))
  throw new Error(
    'The organization has no built ticket rollups; run bench/metrics.ts (or cxkpi rollups rebuild) first.',
  );
console.log(
  `Machine: ${os.cpus().length} cores, Node ${process.version}, load ${load()}\n` +
    `Organization: ${Number(stats.tickets).toLocaleString('en')} tickets (the last created ${stats.last}), ` +
    `${Number(stats.customers).toLocaleString('en')} customers\n`,
);

const perDay = Number(values['per-day']);
const run = Date.now().toString(36);
const customers = Number(stats.customers);
const lastDay = Date.parse(stats.last.slice(0, 10) + 'T00:00:00Z');
let seq = 0;
/** New tickets created on `day` (0 = the data's last day, 1 the day before ...), answered and mostly resolved. */
function newTickets(days: number) {
  const rows: Array<Record<string, unknown>> = [];
  for (let day = 0; day < days; day++) {
    for (let i = 0; i < perDay; i++) {
      seq++;
      const created = lastDay - day * 86_400_000 + (((i * 86_400_000) / perDay + 7_000) % 86_400_000);
      const agent = 1 + (seq % 300);
      rows.push({
        id: `inc-${run}-${seq}`,
        customer_id: `c${String(1 + ((seq * 7919) % customers)).padStart(8, '0')}`,
        agent_id: `a${String(agent).padStart(4, '0')}`,
        team_id: `team${String(1 + ((agent - 1) % 20)).padStart(2, '0')}`,
        channel: ['email', 'chat', 'phone', 'web'][seq % 4],
        priority: ['low', 'normal', 'normal', 'high'][seq % 4],
        status: seq % 5 ? 'solved' : 'open',
        subject: `Incremental ticket ${seq}`,
        created_at: new Date(created).toISOString(),
        first_response_at: new Date(created + 600_000 + (seq % 97) * 60_000).toISOString(),
        ...(seq % 5 ? { resolved_at: new Date(created + 7_200_000 + (seq % 89) * 600_000).toISOString() } : {}),
        agent_replies: 1 + (seq % 3),
      });
    }
  }
  return rows;
}

const results: Array<{ label: string; records: number; seconds: number; rollups: number; load: string }> = [];
async function timed(label: string, rows: Array<Record<string, unknown>>) {
  const started = performance.now();
  const summary = await importRecords(db, org!, 'tickets', { objects: rows });
  const seconds = (performance.now() - started) / 1000;
  if (summary.status !== 'succeeded') throw new Error(`${label}: ${summary.message}`);
  results.push({ label, records: rows.length, seconds, rollups: summary.rollups_ms / 1000, load: load() });
  console.log(
    `  ${label.padEnd(48)} ${rows.length.toLocaleString('en').padStart(7)} records in ${seconds.toFixed(2)} s, ` +
      `rollups ${(summary.rollups_ms / 1000).toFixed(2)} s (${summary.inserted} inserted, ${summary.updated} updated, ` +
      `${summary.unchanged} unchanged; load ${load()})`,
  );
  return rows;
}

await timed('one day of new tickets', newTickets(1));
const tenDays = await timed('ten days of new tickets', newTickets(10));
await timed('the same ten days again, unchanged', tenDays);
await timed(
  'updates: a fifth of them resolved, reassigned',
  tenDays
    .filter((_, i) => i % 5 === 0)
    .map((t, i) => ({
      ...t,
      status: 'solved',
      resolved_at: new Date(Date.parse(t.created_at as string) + 3_600_000).toISOString(),
      agent_id: `a${String(1 + (i % 300)).padStart(4, '0')}`,
    })),
);

// The cost against the same import without rollups: rollup time over the rest of the import.
console.log(
  '\n| batch | records | import | of which rollups | rollups / rest | load |\n| --- | --- | --- | --- | --- | --- |',
);
for (const r of results) {
  console.log(
    `| ${r.label} | ${r.records.toLocaleString('en')} | ${r.seconds.toFixed(2)} s | ${r.rollups.toFixed(2)} s | ` +
      `${((100 * r.rollups) / (r.seconds - r.rollups)).toFixed(0)} % | ${r.load} |`,
  );
}
await db.close();
