/**
 * Import throughput and peak memory for every large entity, on a PostgreSQL server and on
 * embedded PGlite. Prints figures; never fails on time.
 *
 *   node --import tsx bench/import.ts [--rows 1000000] [--entities tickets,orders,...]
 *     [--database-url postgres://...] [--only pglite|postgresql] [--keep] [--long-record]
 *     [--inputs plain,zendesk,cp1251,cp1251-given,xlsx]
 *
 * For each entity a CSV of --rows records is written, then imported twice (the second time every
 * record is unchanged) by a child process per backend, so that its peak memory (max RSS) is its
 * own. The PostgreSQL run creates and drops a scratch database next to the one in the URL
 * (default postgres://postgres@127.0.0.1:5432/postgres). --long-record instead times the reader
 * on one record of growing length, to show that parsing stays linear. --inputs instead imports
 * the same tickets written several ways, to compare presets and decoding with plain CSV: `plain`
 * (cxkpi's columns, UTF-8), `zendesk` (a Zendesk export: vendor columns, local times, durations in
 * minutes, names of agents and groups, with --preset zendesk creating and matching them),
 * `plain-local` (plain with local times as helpdesks write them), `cp1251` (plain in Windows-1251, the encoding guessed) and `cp1251-given` (--encoding given),
 * and `xlsx` (plain as a workbook with shared strings, streamed). With --read-only the inputs are
 * only read, prepared and validated in this process (no database), in turns over --rounds rounds,
 * keeping each input's best round: the part of the import the input form changes, measured so
 * that the load of a shared machine falls on every input alike.
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
    entities: { type: 'string', default: 'tickets,customers,subscriptions,orders,costs,survey_responses,reviews' },
    'database-url': {
      type: 'string',
      default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
    only: { type: 'string' },
    child: { type: 'string' },
    entity: { type: 'string' },
    file: { type: 'string' },
    keep: { type: 'boolean' },
    'long-record': { type: 'boolean' },
    inputs: { type: 'string' },
    input: { type: 'string' },
    'read-only': { type: 'boolean' },
    rounds: { type: 'string', default: '3' },
  },
});

const DAY = 86_400_000;
const START = Date.parse('2025-01-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

/** A CSV header and its i-th record (of n), realistic enough to exercise every field kind. */
const GENERATORS: Record<string, { header: string; line: (i: number, n: number, rand: () => number) => string }> = {
  tickets: {
    header:
      'id,customer_id,agent_id,team_id,channel,priority,status,subject,tags,created_at,first_response_at,resolved_at,reopen_count,agent_replies,attributes.region',
    line: (i, n, rand) => {
      const created = START + Math.floor(i * ((365 * DAY) / n));
      const first = created + Math.floor(rand() * 8 * 3_600_000);
      const resolved = first + Math.floor(rand() * 48 * 3_600_000);
      return (
        `t${i},c${Math.floor(rand() * 50_000)},a${i % 40},team${i % 4},${['email', 'chat', 'phone', 'web'][i % 4]},` +
        `${['low', 'normal', 'normal', 'high', 'urgent'][i % 5]},solved,"Order ${i}, cannot log in",billing|vip,` +
        `${iso(created)},${iso(first)},${iso(resolved)},${i % 17 === 0 ? 1 : 0},${1 + (i % 3)},${i % 2 ? 'north' : 'south'}`
      );
    },
  },
  customers: {
    header:
      'id,name,email,segment,plan,country,language,signed_up_at,acquisition_channel,acquisition_cost,attributes.tier',
    line: (i, n, rand) =>
      `c${i},"Customer ${i}, Ltd",c${i}@example.com,${['smb', 'mid', 'enterprise'][i % 3]},${['basic', 'pro'][i % 2]},` +
      `${['LT', 'DE', 'RU', 'US'][i % 4]},en,${iso(START + Math.floor(i * ((365 * DAY) / n)))},` +
      `${['ads', 'organic', 'referral'][i % 3]},${(rand() * 200).toFixed(2)},${i % 5 ? 'silver' : 'gold'}`,
  },
  subscriptions: {
    header: 'id,customer_id,plan,mrr,currency,started_at,ended_at,cancel_reason',
    line: (i, n, rand) => {
      const started = START + Math.floor(i * ((365 * DAY) / n));
      const ended = i % 7 === 0 ? iso(started + Math.floor(rand() * 90 * DAY)) : '';
      return `s${i},c${i % 50_000},${['basic', 'pro'][i % 2]},${(10 + rand() * 90).toFixed(2)},${i % 5 ? 'EUR' : 'USD'},${iso(started)},${ended},${ended ? 'price' : ''}`;
    },
  },
  orders: {
    header: 'id,customer_id,amount,currency,ordered_at,status,channel,attributes.coupon',
    line: (i, n, rand) =>
      `o${i},c${Math.floor(rand() * 50_000)},${(rand() * 500).toFixed(2)},${i % 5 ? 'EUR' : 'USD'},` +
      `${iso(START + Math.floor(i * ((365 * DAY) / n)))},${['completed', 'completed', 'refunded'][i % 3]},web,${i % 9 ? '' : 'SPRING'}`,
  },
  costs: {
    header: 'id,category,amount,currency,period_start,period_end,team_id',
    line: (i, n, rand) => {
      const day = iso(START + Math.floor(i * ((365 * DAY) / n))).slice(0, 10);
      return `k${i},${['support', 'acquisition', 'other'][i % 3]},${(rand() * 1000).toFixed(2)},${i % 5 ? 'EUR' : 'USD'},${day},${day},team${i % 4}`;
    },
  },
  survey_responses: {
    header: 'id,kind,score,submitted_at,survey,comment,customer_id,ticket_id,agent_id,channel,ratings.speed',
    line: (i, n, rand) => {
      const kind = ['nps', 'csat', 'ces'][i % 3]!;
      const score =
        kind === 'nps'
          ? Math.floor(rand() * 11)
          : kind === 'csat'
            ? 1 + Math.floor(rand() * 5)
            : 1 + Math.floor(rand() * 7);
      return `r${i},${kind},${score},${iso(START + Math.floor(i * ((365 * DAY) / n)))},relationship,"Fine, thanks",c${i % 50_000},t${i},a${i % 40},email,${1 + (i % 5)}`;
    },
  },
  reviews: {
    header: 'id,source,published_at,rating,title,text,language,author,customer_id',
    line: (i, n, rand) =>
      `v${i},trustpilot,${iso(START + Math.floor(i * ((365 * DAY) / n)))},${1 + Math.floor(rand() * 5)},Good,"Quick answers, kind people",en,A. ${i},c${i % 50_000}`,
  },
};

if (values.child) {
  await runChild(values.child, values.entity!, values.file!, values['database-url']!);
} else if (values.inputs) {
  await runInputs(values.inputs.split(',').filter(Boolean));
} else if (values['long-record']) {
  await benchLongRecords();
} else {
  await runParent();
}

async function runParent() {
  const rows = Number(values.rows);
  const entities = values.entities!.split(',').filter(Boolean);
  for (const entity of entities) if (!GENERATORS[entity]) throw new Error(`no generator for ${entity}`);
  const backends = values.only
    ? values.only.split(',').filter((b) => b === 'pglite' || b === 'postgresql')
    : ['postgresql', 'pglite'];
  console.log(
    `Machine: ${os.cpus().length} cores, Node ${process.version}, load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}\n`,
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxkpi-bench-'));
  for (const entity of entities) {
    const file = path.join(dir, `${entity}.csv`);
    const started = performance.now();
    await writeCsv(file, entity, rows);
    const size = fs.statSync(file).size;
    console.log(
      `${entity}: ${rows.toLocaleString('en')} records, ${(size / 1e6).toFixed(0)} MB CSV, written in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    for (const backend of backends) {
      const child = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          import.meta.filename,
          '--child',
          backend,
          '--entity',
          entity,
          '--file',
          file,
          '--database-url',
          values['database-url']!,
        ],
        { stdio: 'inherit' },
      );
      if (child.status !== 0) console.log(`  ${backend}: failed (exit ${child.status})`);
    }
    if (values.keep) console.log(`  The CSV stays at ${file}`);
    else fs.rmSync(file, { force: true });
  }
  if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });
  console.log(
    `\nload at the end: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
}

async function writeCsv(file: string, entity: string, rows: number) {
  const { header, line } = GENERATORS[entity]!;
  const out = fs.createWriteStream(file);
  const write = (text: string) =>
    out.write(text) ? Promise.resolve() : new Promise<void>((resolve) => out.once('drain', () => resolve()));
  let seed = 1;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  let chunk = `${header}\n`;
  for (let i = 0; i < rows; i++) {
    chunk += `${line(i, rows, rand)}\n`;
    if (chunk.length > 1 << 20) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk);
  await new Promise<void>((resolve) => out.end(() => resolve()));
}

/** Reads one CSV record of growing length: the time per megabyte should stay flat. */
async function benchLongRecords() {
  const { readRecords } = await import('../src/ingest/read-records.ts');
  console.log(
    `load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  for (const megabytes of [1, 2, 4, 8, 16, 32]) {
    const cell = 'x'.repeat(megabytes << 20);
    const text = `id,subject\nt1,"${cell}"\n`;
    // 64 KiB chunks, as a file or a request body arrives.
    const chunks = (async function* () {
      for (let at = 0; at < text.length; at += 65_536) yield Buffer.from(text.slice(at, at + 65_536));
    })();
    const started = performance.now();
    let records = 0;
    for await (const item of readRecords(chunks, 'csv', { maxRecordBytes: Number.MAX_SAFE_INTEGER })) {
      if (item.type === 'record') records++;
    }
    const ms = performance.now() - started;
    console.log(
      `  one ${String(megabytes).padStart(2)} MB record: ${ms.toFixed(0).padStart(5)} ms = ${(ms / megabytes).toFixed(1)} ms/MB (${records} record)`,
    );
  }
}

async function runChild(backend: string, entity: string, file: string, serverUrl: string) {
  const { openDatabase } = await import('../src/db/connect.ts');
  const { importRecords } = await import('../src/ingest/index.ts');
  const { createOrganization } = await import('../src/orgs/index.ts');
  let scratch: { url: string; drop: () => Promise<void> } | undefined;
  let dataDir: string | undefined;
  if (backend === 'postgresql') scratch = await scratchDatabase(serverUrl);
  else dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxkpi-bench-pglite-'));

  const db = await openDatabase({ dataDir: dataDir ?? '', databaseUrl: scratch?.url, poolSize: 2 });
  const org = await createOrganization(db.kysely, { slug: 'bench', name: 'bench', currency: 'EUR' });
  // Every fifth money record is in USD, converted with a daily rate.
  const rates = Array.from({ length: 400 }, (_, day) => ({
    currency: 'USD',
    date: iso(START - 30 * DAY + day * DAY).slice(0, 10),
    rate: (0.9 + (day % 10) / 100).toFixed(4),
  }));
  await importRecords(db, org, 'fx_rates', { objects: rates });

  const { presetOptions, requirePreset } = await import('../src/ingest/presets.ts');
  const input = values.input ?? 'plain';
  const options =
    input === 'zendesk'
      ? presetOptions(requirePreset('zendesk', 'tickets'), {})
      : input === 'cp1251-given'
        ? { encoding: 'windows-1251' }
        : {};
  const importFile = async () => {
    const started = performance.now();
    const summary = await importRecords(
      db,
      org,
      entity,
      { bytes: fs.createReadStream(file, { highWaterMark: 1 << 20 }) },
      { ...(input === 'xlsx' ? {} : { format: 'csv' as const }), ...options },
    );
    if (summary.status !== 'succeeded')
      throw new Error(`${entity}: ${summary.message} ${JSON.stringify(summary.errors.slice(0, 3))}`);
    return { summary, seconds: (performance.now() - started) / 1000 };
  };
  let peakHeap = 0;
  const sampler = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 50);
  const first = await importFile();
  const second = await importFile();
  clearInterval(sampler);
  const maxRss = process.resourceUsage().maxRSS * 1024;
  await db.close();
  if (scratch) await scratch.drop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });

  const rate = (n: number, s: number) => Math.round(n / s).toLocaleString('en');
  // The part of the import spent keeping rollups current, and what it adds to the rest.
  const rollups = (r: typeof first) => {
    const s = r.summary.rollups_ms / 1000;
    return s ? ` (rollups ${s.toFixed(1)} s, +${((100 * s) / (r.seconds - s)).toFixed(0)} % on the rest)` : '';
  };
  console.log(
    `  ${backend.padEnd(10)} ${values.inputs || values.input ? `${input.padEnd(12)} ` : ''}first import ${first.summary.inserted.toLocaleString('en')} inserted in ${first.seconds.toFixed(1)} s = ${rate(first.summary.records, first.seconds)} rows/s${rollups(first)}; ` +
      `re-import ${second.summary.unchanged.toLocaleString('en')} unchanged in ${second.seconds.toFixed(1)} s = ${rate(second.summary.records, second.seconds)} rows/s${rollups(second)}; ` +
      `peak ${(maxRss / 1024 / 1024).toFixed(0)} MB RSS (JS heap ${(peakHeap / 1024 / 1024).toFixed(0)} MB); load ${os.loadavg()[0]!.toFixed(2)}`,
  );
}

/**
 * The same tickets as plain CSV, a Zendesk export, Windows-1251 text and an XLSX workbook, each
 * imported twice by a child process per backend.
 */
async function runInputs(inputs: string[]) {
  if (values['read-only']) return readInputs(inputs);
  const rows = Number(values.rows);
  const backends = values.only
    ? values.only.split(',').filter((b) => b === 'pglite' || b === 'postgresql')
    : ['postgresql', 'pglite'];
  console.log(
    `Machine: ${os.cpus().length} cores, Node ${process.version}, load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}; ${rows.toLocaleString('en')} tickets each\n`,
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxkpi-bench-inputs-'));
  for (const input of inputs) {
    const file = path.join(dir, `tickets-${input}.${input === 'xlsx' ? 'xlsx' : 'csv'}`);
    const started = performance.now();
    await writeTickets(file, input, rows);
    console.log(
      `${input}: ${(fs.statSync(file).size / 1e6).toFixed(0)} MB, written in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    for (const backend of backends) {
      const child = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          import.meta.filename,
          '--child',
          backend,
          '--entity',
          'tickets',
          '--file',
          file,
          '--input',
          input,
          '--database-url',
          values['database-url']!,
        ],
        { stdio: 'inherit' },
      );
      if (child.status !== 0) console.log(`  ${backend}: failed (exit ${child.status})`);
    }
    if (!values.keep) fs.rmSync(file, { force: true });
  }
  if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });
  console.log(
    `\nload at the end: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
}

async function readInputs(inputs: string[]) {
  const rows = Number(values.rows);
  const { readRecords } = await import('../src/ingest/read-records.ts');
  const { RecordShaper } = await import('../src/ingest/shape-record.ts');
  const { getEntity } = await import('../src/ingest/entities.ts');
  const { presetOptions, requirePreset } = await import('../src/ingest/presets.ts');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxkpi-bench-read-'));
  const files = new Map<string, string>();
  for (const input of new Set(inputs)) {
    const file = path.join(dir, `tickets-${input}.${input === 'xlsx' ? 'xlsx' : 'csv'}`);
    await writeTickets(file, input, rows);
    files.set(input, file);
  }
  const best = new Map<string, number>();
  const load = () =>
    os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
  console.log(
    `Machine: ${os.cpus().length} cores, Node ${process.version}, load ${load()}; ${rows.toLocaleString('en')} tickets, read only`,
  );
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const input of new Set(inputs)) {
      const options: ReturnType<typeof presetOptions> & { encoding?: string } =
        input === 'zendesk'
          ? presetOptions(requirePreset('zendesk', 'tickets'), {})
          : input === 'cp1251-given'
            ? { encoding: 'windows-1251' }
            : {};
      const ctx = { timezone: 'UTC', serialDates: input === 'xlsx' };
      const shaper = new RecordShaper(getEntity('tickets')!, ctx, options);
      const started = performance.now();
      let valid = 0;
      for await (const item of readRecords(
        fs.createReadStream(files.get(input)!, { highWaterMark: 1 << 20 }),
        undefined,
        {
          ...('encoding' in options ? { encoding: options.encoding } : {}),
        },
      )) {
        if (item.type !== 'record') continue;
        const prepared = 'prepare' in options && options.prepare ? options.prepare(item.values, ctx) : undefined;
        if (shaper.shape(prepared?.values ?? item.values).row) valid++;
      }
      const seconds = (performance.now() - started) / 1000;
      if (valid !== rows) throw new Error(`${input}: ${valid} of ${rows} valid`);
      best.set(input, Math.min(best.get(input) ?? Infinity, seconds));
      console.log(
        `  round ${round + 1} ${input.padEnd(12)} ${seconds.toFixed(2)} s = ${Math.round(rows / seconds).toLocaleString('en')} rows/s; load ${os.loadavg()[0]!.toFixed(2)}`,
      );
    }
  }
  const plain = best.get('plain');
  console.log('best rounds:');
  for (const [input, seconds] of best)
    console.log(
      `  ${input.padEnd(12)} ${Math.round(rows / seconds).toLocaleString('en')} rows/s${plain ? ` (${(((seconds - plain) / plain) * 100).toFixed(1)} % time against plain)` : ''}`,
    );
  console.log(`load at the end: ${load()}`);
  fs.rmSync(dir, { recursive: true, force: true });
}

/** One ticket's values, the same for every input form. */
function ticket(i: number, n: number, rand: () => number) {
  const created = START + Math.floor(i * ((365 * DAY) / n));
  const firstMinutes = Math.floor(rand() * 8 * 60);
  const resolvedMinutes = firstMinutes + Math.floor(rand() * 48 * 60);
  return {
    id: `t${i}`,
    customer: `c${Math.floor(rand() * 50_000)}`,
    agent: `Agent ${i % 40}`,
    team: `Team ${i % 4}`,
    channel: ['email', 'chat', 'phone', 'web'][i % 4]!,
    priority: ['low', 'normal', 'normal', 'high', 'urgent'][i % 5]!,
    subject: `Заказ ${i}, не могу войти`,
    created,
    firstMinutes,
    resolvedMinutes,
    reopens: i % 17 === 0 ? 1 : 0,
    replies: 1 + (i % 3),
  };
}

async function writeTickets(file: string, input: string, rows: number) {
  let seed = 1;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const plainHeader =
    'id,customer_id,agent_id,team_id,channel,priority,status,subject,tags,created_at,first_response_at,resolved_at,reopen_count,agent_replies';
  const local = (ms: number) => iso(ms).slice(0, 16).replace('T', ' ');
  // plain-local: cxkpi's columns with times as helpdesks write them (local, no offset).
  const when = input === 'plain-local' ? local : iso;
  const plain = (t: ReturnType<typeof ticket>) => [
    t.id,
    t.customer,
    t.agent,
    t.team,
    t.channel,
    t.priority,
    'solved',
    t.subject,
    'billing|vip',
    when(t.created),
    when(t.created + t.firstMinutes * 60_000),
    when(t.created + t.resolvedMinutes * 60_000),
    t.reopens,
    t.replies,
  ];
  if (input === 'xlsx') {
    const { default: ExcelJS } = await import('exceljs');
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true });
    const sheet = workbook.addWorksheet('Tickets');
    sheet.addRow(plainHeader.split(',')).commit();
    for (let i = 0; i < rows; i++) sheet.addRow(plain(ticket(i, rows, rand))).commit();
    sheet.commit();
    await workbook.commit();
    return;
  }
  const out = fs.createWriteStream(file);
  const encode1251 = encoder1251();
  const write = (text: string) => {
    const bytes = input.startsWith('cp1251') ? encode1251(text) : Buffer.from(text);
    return out.write(bytes) ? Promise.resolve() : new Promise<void>((resolve) => out.once('drain', () => resolve()));
  };
  const via: Record<string, string> = { email: 'Mail', chat: 'Chat', phone: 'Voice', web: 'Web form' };
  let chunk =
    input === 'zendesk'
      ? 'Id,Requester id,Assignee,Group,Subject,Tags,Status,Priority,Via,Created at,Solved at,First reply time in minutes,Full resolution time in minutes,Reopens,Replies,Satisfaction Score\n'
      : `${plainHeader}\n`;
  for (let i = 0; i < rows; i++) {
    const t = ticket(i, rows, rand);
    const cells =
      input === 'zendesk'
        ? [
            t.id.slice(1),
            t.customer,
            t.agent,
            t.team,
            t.subject,
            'billing vip',
            'Solved',
            t.priority[0]!.toUpperCase() + t.priority.slice(1),
            via[t.channel]!,
            local(t.created),
            local(t.created + t.resolvedMinutes * 60_000),
            t.firstMinutes,
            t.resolvedMinutes,
            t.reopens,
            t.replies,
            i % 3 === 0 ? 'Good' : i % 3 === 1 ? 'Bad' : 'Offered',
          ]
        : plain(t);
    chunk += `${cells.map((c) => (typeof c === 'string' && c.includes(',') ? `"${c}"` : c)).join(',')}\n`;
    if (chunk.length > 1 << 20) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk);
  await new Promise<void>((resolve) => out.end(() => resolve()));
}

function encoder1251(): (text: string) => Buffer {
  const decoder = new TextDecoder('windows-1251');
  const table = new Map<string, number>();
  for (let b = 0; b < 256; b++) table.set(decoder.decode(new Uint8Array([b])), b);
  return (text) => {
    const bytes = Buffer.allocUnsafe(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = table.get(text[i]!) ?? 0x3f;
    return bytes;
  };
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
