import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { main } from '../src/cli/main.ts';
import type { Io } from '../src/cli/context.ts';

function capture(): Io & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    stdin: process.stdin,
    out: (text: string) => void (io.stdout += `${text}\n`),
    err: (text: string) => void (io.stderr += `${text}\n`),
  };
  return io;
}

test('cxkpi import on the embedded database: all-or-nothing, --skip-invalid with a rejects file, re-import', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxkpi-cli-'));
  try {
    const file = path.join(dir, 'responses.csv');
    fs.writeFileSync(
      file,
      'Response,Type,Score,When\nr1,nps,10,2026-01-01T10:00:00Z\nr2,nps,-1,2026-01-01T10:00:00Z\nr3,csat,5,2026-01-02T10:00:00Z\n',
    );
    const db = ['--data-dir', path.join(dir, 'data')];
    const map = ['--map', 'Response=id', '--map', 'Type=kind', '--map', 'Score=score', '--map', 'When=submitted_at'];

    let io = capture();
    assert.equal(await main(['import', 'survey_responses', file, ...db, ...map], io), 1);
    assert.match(io.stdout, /Nothing was stored: 1 of 3 records are invalid/);
    assert.match(io.stderr, /line 3 \(id r2\): score: -1 is outside the nps scale 0-10/);

    io = capture();
    const rejects = path.join(dir, 'rejects.csv');
    assert.equal(
      await main(['import', 'survey_responses', file, ...db, ...map, '--skip-invalid', '--rejects', rejects], io),
      0,
    );
    assert.match(io.stdout, /3 records: 2 inserted, 0 updated, 0 unchanged, 1 rejected/);
    const lines = fs.readFileSync(rejects, 'utf8').trim().split('\r\n');
    assert.deepEqual(lines, [
      '_line,_errors,Response,Type,Score,When',
      '3,score: -1 is outside the nps scale 0-10,r2,nps,-1,2026-01-01T10:00:00Z',
    ]);

    io = capture();
    assert.equal(await main(['import', 'survey_responses', file, ...db, ...map, '--skip-invalid', '--json'], io), 0);
    const summary = JSON.parse(io.stdout);
    assert.deepEqual([summary.inserted, summary.updated, summary.unchanged, summary.rejected], [0, 0, 2, 1]);

    io = capture();
    assert.equal(await main(['import', 'widgets', file, ...db], io), 2);
    assert.match(io.stderr, /There is no entity "widgets"/);
    io = capture();
    assert.equal(await main(['import', 'tickets', path.join(dir, 'missing.csv'), ...db], io), 2);
    assert.match(io.stderr, /There is no file/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('bad configuration stops a command with the setting named', async () => {
  const io = capture();
  assert.equal(await main(['import', 'teams', 'x.csv', '--database-url', 'mysql://nope'], io), 2);
  assert.match(io.stderr, /databaseUrl \(DATABASE_URL\): must start with postgres/);
});

test('help and unknown commands', async () => {
  let io = capture();
  assert.equal(await main(['--help'], io), 0);
  assert.match(io.stdout, /Usage: cxkpi <command>/);
  io = capture();
  assert.equal(await main(['frobnicate'], io), 2);
  assert.match(io.stderr, /unknown command "frobnicate"/);
});

test('cxkpi orgs create gives an organization its own time zone and currency for --org', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxkpi-cli-'));
  try {
    const db = ['--data-dir', path.join(dir, 'data')];
    let io = capture();
    assert.equal(
      await main(['orgs', 'create', 'retail', '--timezone', 'Europe/London', '--currency', 'gbp', ...db], io),
      0,
    );
    assert.match(io.stdout, /Created organization retail \(Europe\/London, GBP\)/);
    io = capture();
    assert.equal(await main(['orgs', 'create', 'retail', ...db], io), 2);
    assert.match(io.stderr, /exists/);
    const file = path.join(dir, 'orders.jsonl');
    fs.writeFileSync(
      file,
      '{"id":"536365","customer_id":"17850","amount":"15.30","ordered_at":"2011-07-01 08:26:00"}\n',
    );
    io = capture();
    assert.equal(await main(['import', 'orders', file, '--org', 'retail', '--json', ...db], io), 0);
    assert.equal(JSON.parse(io.stdout).inserted, 1);
    const { openDatabase } = await import('../src/db/connect.ts');
    const database = await openDatabase({ dataDir: path.join(dir, 'data'), databaseUrl: undefined, poolSize: 1 });
    try {
      const row = await database.kysely
        .selectFrom('customer_order')
        .select(['ordered_at', 'currency', 'amount_reporting'])
        .executeTakeFirstOrThrow();
      assert.equal(row.ordered_at.toISOString(), '2011-07-01T07:26:00.000Z', 'London summer time, UTC+1');
      assert.deepEqual([row.currency, row.amount_reporting], ['GBP', 15.3]);
    } finally {
      await database.close();
    }
    io = capture();
    assert.equal(await main(['import', 'orders', file, '--org', 'nowhere', ...db], io), 2);
    assert.match(io.stderr, /No organization "nowhere"/);

    // A custom KPI of that organization: defined, listed, queried; a mistake names its position.
    io = capture();
    const define = ['metrics', 'define', 'big_orders', '--org', 'retail', '--name', 'Orders over 10', ...db];
    assert.equal(await main([...define, '--formula', 'count(orders where amount >'], io), 2);
    assert.match(io.stderr, /formula, character 28: expected a value/);
    io = capture();
    assert.equal(await main([...define, '--formula', 'count(orders where amount > 10)', '--unit', 'count'], io), 0);
    io = capture();
    assert.equal(await main(['metrics', '--org', 'retail', ...db], io), 0);
    assert.match(io.stdout, /big_orders\s+count\s+Orders over 10: \(custom\) count\(orders where amount > 10\)/);
    io = capture();
    const query = ['query', 'big_orders', '--from', '2011-07-01', '--to', '2011-08-01', '--format', 'json'];
    assert.equal(await main([...query, '--org', 'retail', ...db], io), 0);
    assert.deepEqual(
      JSON.parse(io.stdout).rows.map((r: { value: number }) => r.value),
      [1],
    );
    io = capture();
    assert.equal(await main(['metrics', 'delete', 'big_orders', '--org', 'retail', ...db], io), 0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a second process cannot open an embedded database that is in use', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxkpi-lock-'));
  try {
    fs.writeFileSync(path.join(dir, 'cxkpi.lock'), String(process.ppid));
    const io = capture();
    assert.equal(await main(['orgs', 'list', '--data-dir', dir], io), 2);
    assert.match(io.stderr, new RegExp(`open in process ${process.ppid}`));
    fs.writeFileSync(path.join(dir, 'cxkpi.lock'), '999999999'); // no such process: a stale lock
    assert.equal(await main(['orgs', 'list', '--data-dir', dir], capture()), 0);
    assert.equal(fs.existsSync(path.join(dir, 'cxkpi.lock')), false, 'released on close');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('cxkpi user: create with a generated or piped password, list, reset-password', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxkpi-cli-'));
  try {
    const db = ['--data-dir', path.join(dir, 'data')];
    let io = capture();
    assert.equal(await main(['user', 'create', '--email', 'Lead@Example.com', '--role', 'team_lead', ...db], io), 2);
    assert.match(io.stderr, /A team lead needs the teams they lead/);
    io = capture();
    assert.equal(await main(['user', 'create', '--email', 'Boss@Example.com', '--role', 'owner', ...db], io), 0);
    const generated = /Password \(shown only now\): (\S+)/.exec(io.stdout)![1]!;
    assert.ok(generated.length >= 16);
    io = capture();
    const piped = capture();
    piped.stdin = Readable.from(['a piped passphrase\n']) as typeof process.stdin;
    assert.equal(
      await main(['user', 'reset-password', '--email', 'boss@example.com', '--password-stdin', ...db], piped),
      0,
    );
    assert.match(piped.stdout, /Password of boss@example.com set/);
    assert.equal(await main(['user', 'list', ...db], io), 0);
    assert.match(io.stdout, /boss@example.com\s+owner\s+\(never logged in\)/);
    const { openDatabase } = await import('../src/db/connect.ts');
    const { authenticate, listAudit } = await import('../src/auth/index.ts');
    const database = await openDatabase({ dataDir: path.join(dir, 'data'), databaseUrl: undefined, poolSize: 1 });
    try {
      await assert.rejects(authenticate(database.kysely, 'boss@example.com', generated), /wrong/);
      const user = await authenticate(database.kysely, 'boss@example.com', 'a piped passphrase');
      assert.equal(user.email, 'boss@example.com');
      const org = await database.kysely.selectFrom('organization').select('id').executeTakeFirstOrThrow();
      const actions = (await listAudit(database.kysely, org.id)).map((e) => `${e.actor_type} ${e.action} ${e.target}`);
      assert.deepEqual(actions, ['operator password.reset boss@example.com', 'operator user.created boss@example.com']);
    } finally {
      await database.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** The packages a fresh process loads to run `cxkpi <argv>` (resolve hooks see every import). */
function packagesLoadedBy(argv: string[]): string[] {
  const hooks = `let port;
export function initialize(data) { port = data.port; }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  port.postMessage(result.url);
  return result;
}`;
  const script = `
import { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';
const { port1, port2 } = new MessageChannel();
const urls = new Set();
port1.on('message', (url) => urls.add(url));
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hooks)}), { data: { port: port2 }, transferList: [port2] });
const { main } = await import('./src/cli/main.ts');
const quiet = { out: () => {}, err: () => {}, stdin: process.stdin };
await main(${JSON.stringify(argv)}, quiet);
await new Promise((resolve) => setTimeout(resolve, 200));
port1.close();
const packages = [...urls].map((url) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(url)?.[1]).filter(Boolean);
console.log(JSON.stringify([...new Set(packages)].sort()));`;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: path.resolve(import.meta.dirname, '..'),
    encoding: 'utf8',
  });
  assert.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!);
}

test('--help and --version load no database driver, Kysely or Hono', () => {
  for (const argv of [['--help'], ['--version']]) {
    const heavy = packagesLoadedBy(argv).filter((name) =>
      ['kysely', '@electric-sql/pglite', 'pg', 'hono', 'zod'].includes(name),
    );
    assert.deepEqual(heavy, [], argv.join(' '));
  }
  // The probe sees packages when they load: a command that opens a database loads its driver only.
  const orgs = packagesLoadedBy(['orgs', 'list', '--database-url', 'postgres://nobody@127.0.0.1:1/none']);
  assert.ok(orgs.includes('kysely') && orgs.includes('pg'), orgs.join(' '));
  assert.ok(!orgs.includes('@electric-sql/pglite'), 'PostgreSQL does not load PGlite');
});

test('cxkpi demo uses --data-dir or CXKPI_DATA_DIR, and never replaces data it did not make', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxkpi-demo-dir-'));
  const saved = process.env.CXKPI_DATA_DIR;
  try {
    const teams = path.join(dir, 'teams.csv');
    fs.writeFileSync(teams, 'id,name\nsupport,Support\n');
    assert.equal(await main(['import', 'teams', teams, '--data-dir', path.join(dir, 'data')], capture()), 0);
    let io = capture();
    assert.equal(await main(['demo', '--no-serve', '--data-dir', path.join(dir, 'data')], io), 2);
    assert.match(io.stderr, /holds data that `cxkpi demo` did not make.*--data-dir/);
    process.env.CXKPI_DATA_DIR = path.join(dir, 'data');
    io = capture();
    assert.equal(await main(['demo', '--no-serve'], io), 2);
    assert.match(io.stderr, /holds data that `cxkpi demo` did not make/);
    assert.equal(fs.existsSync('cxkpi-demo-data'), false, 'nothing went to the default directory');
    const { openDatabase } = await import('../src/db/connect.ts');
    const database = await openDatabase({ dataDir: path.join(dir, 'data'), databaseUrl: undefined, poolSize: 1 });
    try {
      const kept = await database.kysely.selectFrom('team').select('id').execute();
      assert.deepEqual(kept, [{ id: 'support' }], 'the refusal came before anything was deleted');
    } finally {
      await database.close();
    }
  } finally {
    if (saved === undefined) delete process.env.CXKPI_DATA_DIR;
    else process.env.CXKPI_DATA_DIR = saved;
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
