import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { main } from '../src/cli/main.ts';
import { openDatabase } from '../src/db/connect.ts';
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

test('cxkpi import: a Windows-1251 file is read as such and says so; --encoding utf-8 refuses it with the hint', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxkpi-cli-encoding-'));
  try {
    const file = path.join(dir, 'customers.csv');
    // "Иван" and "Москва" as Excel saves them for Russian users.
    fs.writeFileSync(
      file,
      new Uint8Array(
        Buffer.concat([
          Buffer.from('id,name,country\nc1,'),
          Buffer.from([0xc8, 0xe2, 0xe0, 0xed]),
          Buffer.from(','),
          Buffer.from([0xcc, 0xee, 0xf1, 0xea, 0xe2, 0xe0]),
          Buffer.from('\n'),
        ]),
      ),
    );
    const db = ['--data-dir', path.join(dir, 'data')];
    let io = capture();
    assert.equal(await main(['import', 'customers', file, ...db, '--encoding', 'utf-8'], io), 1);
    assert.match(io.stderr, /line 2: name: is not valid UTF-8 \(try --encoding windows-1251\)/);

    io = capture();
    assert.equal(await main(['import', 'customers', file, ...db], io), 0);
    assert.match(io.stdout, /Read as windows-1251 \(guessed: the file is not valid UTF-8\); --encoding overrides\./);
    io = capture();
    assert.equal(await main(['import', 'customers', file, ...db, '--encoding', 'windows-1251', '--json'], io), 0);
    assert.equal(JSON.parse(io.stdout).unchanged, 1);
    const opened = await openDatabase({ dataDir: path.join(dir, 'data'), databaseUrl: undefined, poolSize: 1 });
    try {
      const rows = await opened.kysely.selectFrom('customer').select(['name', 'country']).execute();
      assert.deepEqual(rows, [{ name: 'Иван', country: 'Москва' }]);
    } finally {
      await opened.close();
    }

    io = capture();
    assert.equal(await main(['import', 'customers', file, ...db, '--encoding', 'klingon'], io), 2);
    assert.match(io.stderr, /There is no text encoding "klingon"/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('cxkpi orgs set changes settings, refuses a currency once amounts use it; reads create no organization', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxkpi-cli-orgs-'));
  try {
    const db = ['--data-dir', path.join(dir, 'data')];
    let io = capture();
    assert.equal(await main(['query', 'csat', '--from', '2026-01-01', '--to', '2026-02-01', ...db], io), 2);
    assert.match(io.stderr, /There is no organization yet: create one with cxkpi orgs create SLUG/);
    io = capture();
    assert.equal(await main(['orgs', 'list', ...db], io), 0);
    assert.doesNotMatch(io.stdout, /default/);
    io = capture();
    assert.equal(await main(['import', 'orders', path.join(dir, 'none.csv'), '--org', 'retail', ...db], io), 2);
    io = capture();
    fs.writeFileSync(path.join(dir, 'orders.csv'), 'id,customer_id,amount,ordered_at\no1,c1,"12,50",31.12.2026\n');
    assert.equal(await main(['import', 'orders', path.join(dir, 'orders.csv'), '--org', 'retail', ...db], io), 2);
    assert.match(
      io.stderr,
      /No organization "retail": create it with cxkpi orgs create retail --timezone ZONE --currency CUR/,
    );
    io = capture();
    assert.equal(await main(['orgs', 'create', 'retail', '--currency', 'EUR', ...db], io), 0);
    io = capture();
    assert.equal(
      await main(
        [
          'orgs',
          'set',
          'retail',
          '--timezone',
          'Europe/Vilnius',
          '--language',
          'lt',
          '--name',
          'Retail LT',
          '--currency',
          'usd',
          ...db,
        ],
        io,
      ),
      0,
    );
    assert.match(io.stdout, /Organization retail: Retail LT, Europe\/Vilnius, USD, language lt\./);
    io = capture();
    assert.equal(await main(['orgs', 'set', 'retail', '--timezone', 'Mars/Olympus', ...db], io), 2);
    assert.match(io.stderr, /Mars\/Olympus is not an IANA time zone/);
    io = capture();
    assert.equal(await main(['import', 'orders', path.join(dir, 'orders.csv'), '--org', 'retail', ...db], io), 0);
    io = capture();
    assert.equal(await main(['orgs', 'set', 'retail', '--currency', 'EUR', ...db], io), 2);
    assert.match(
      io.stderr,
      /Amounts are stored converted to USD; to report in EUR, create an organization with that currency/,
    );
    io = capture();
    assert.equal(await main(['orgs', 'list', ...db], io), 0);
    assert.match(io.stdout, /retail\s+Europe\/Vilnius\s+USD\s+lt\s+Retail LT/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
