/**
 * Import throughput and peak memory for a large tickets CSV, on embedded PGlite and on a
 * PostgreSQL server. Prints figures; never fails on time.
 *
 *   node --import tsx bench/import.ts [--rows 1000000] [--database-url postgres://...] [--only pglite|postgresql] [--keep]
 *
 * Each backend runs in its own child process so that its peak memory (max RSS) is its own.
 * The PostgreSQL run creates and drops a scratch database next to the one in the URL
 * (default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    'database-url': {
      type: 'string',
      default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
    only: { type: 'string' },
    child: { type: 'string' },
    file: { type: 'string' },
    keep: { type: 'boolean' },
  },
});

if (values.child) {
  await runChild(values.child, values.file!, values['database-url']!);
} else {
  await runParent();
}

async function runParent() {
  const rows = Number(values.rows);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxkpi-bench-'));
  const file = path.join(dir, 'tickets.csv');
  const started = performance.now();
  await writeTickets(file, rows);
  const size = fs.statSync(file).size;
  console.log(
    `Generated ${rows.toLocaleString('en')} tickets, ${(size / 1e6).toFixed(0)} MB CSV in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  console.log(`Machine: ${os.cpus().length} cores, Node ${process.version}\n`);
  const backends = values.only
    ? values.only.split(',').filter((b) => b === 'pglite' || b === 'postgresql')
    : ['postgresql', 'pglite'];
  for (const backend of backends) {
    const child = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        import.meta.filename,
        '--child',
        backend,
        '--file',
        file,
        '--database-url',
        values['database-url']!,
      ],
      { stdio: 'inherit' },
    );
    if (child.status !== 0) console.log(`${backend}: failed (exit ${child.status})`);
  }
  if (values.keep) console.log(`The CSV stays at ${file}`);
  else fs.rmSync(dir, { recursive: true, force: true });
}

/** Realistic tickets: several timestamps, a list, an attribute, quoted subjects with commas. */
async function writeTickets(file: string, rows: number) {
  const out = fs.createWriteStream(file);
  const write = (text: string) =>
    out.write(text) ? Promise.resolve() : new Promise<void>((resolve) => out.once('drain', () => resolve()));
  await write(
    'id,customer_id,agent_id,team_id,channel,priority,status,subject,tags,created_at,first_response_at,resolved_at,reopen_count,agent_replies,attributes.region\n',
  );
  const channels = ['email', 'chat', 'phone', 'web'];
  const priorities = ['low', 'normal', 'normal', 'high', 'urgent'];
  const start = Date.parse('2025-01-01T00:00:00Z');
  let seed = 1;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    const created = start + Math.floor(i * ((365 * 86_400_000) / rows));
    const first = created + Math.floor(rand() * 8 * 3_600_000);
    const resolved = first + Math.floor(rand() * 48 * 3_600_000);
    chunk +=
      `t${i},c${Math.floor(rand() * 50_000)},a${i % 40},team${i % 4},${channels[i % 4]},${priorities[i % 5]},solved,` +
      `"Order ${i}, cannot log in",billing|vip,${new Date(created).toISOString()},${new Date(first).toISOString()},` +
      `${new Date(resolved).toISOString()},${i % 17 === 0 ? 1 : 0},${1 + (i % 3)},${i % 2 ? 'north' : 'south'}\n`;
    if (chunk.length > 1 << 20) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk);
  await new Promise<void>((resolve) => out.end(() => resolve()));
}

async function runChild(backend: string, file: string, serverUrl: string) {
  const { openDatabase } = await import('../src/db/connect.ts');
  const { importRecords } = await import('../src/ingest/index.ts');
  const { createOrganization } = await import('../src/orgs/index.ts');
  let scratch: { url: string; drop: () => Promise<void> } | undefined;
  let dataDir: string | undefined;
  if (backend === 'postgresql') scratch = await scratchDatabase(serverUrl);
  else dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxkpi-bench-pglite-'));

  const db = await openDatabase({ dataDir: dataDir ?? '', databaseUrl: scratch?.url, poolSize: 2 });
  const org = await createOrganization(db.kysely, { slug: 'bench', name: 'bench' });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  const started = performance.now();
  const summary = await importRecords(
    db,
    org,
    'tickets',
    { bytes: fs.createReadStream(file, { highWaterMark: 1 << 20 }) },
    { format: 'csv' },
  );
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const maxRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1024);

  const again = performance.now();
  const second = await importRecords(
    db,
    org,
    'tickets',
    { bytes: fs.createReadStream(file, { highWaterMark: 1 << 20 }) },
    { format: 'csv' },
  );
  const secondsAgain = (performance.now() - again) / 1000;
  await db.close();
  if (scratch) await scratch.drop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });

  const rate = (n: number, s: number) => Math.round(n / s).toLocaleString('en');
  console.log(
    `${backend.padEnd(10)} first import:  ${summary.inserted.toLocaleString('en')} inserted in ${seconds.toFixed(1)} s = ${rate(summary.records, seconds)} rows/s`,
  );
  console.log(
    `${''.padEnd(10)} re-import:     ${second.unchanged.toLocaleString('en')} unchanged in ${secondsAgain.toFixed(1)} s = ${rate(second.records, secondsAgain)} rows/s`,
  );
  console.log(
    `${''.padEnd(10)} peak memory:   ${(maxRss / 1024 / 1024).toFixed(0)} MB RSS (whole process, including the embedded database when PGlite)\n`,
  );
}

async function scratchDatabase(serverUrl: string) {
  const name = `cxkpi_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`drop database if exists ${name}`);
      await client.end();
    },
  };
}
