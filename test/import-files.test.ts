import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import { addMember, createApiKey, createUser } from '../src/auth/index.ts';
import { loadConfig } from '../src/config.ts';
import type { Db } from '../src/db/connect.ts';
import { createApp } from '../src/http/app.ts';
import { createLogger } from '../src/http/logger.ts';
import { importRecords, type ImportOptions } from '../src/ingest/index.ts';
import { presetOptions, requirePreset } from '../src/ingest/presets.ts';
import type { Organization } from '../src/orgs/index.ts';
import { createTestOrg, variants } from './helpers/databases.ts';

// The files users really have: legacy code pages, UTF-16, spreadsheets, locale dates and numbers.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxkpi-files-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const fixtures = path.join(import.meta.dirname, 'fixtures/presets');

/** Text in a single-byte code page, with the table TextDecoder itself uses. */
function encode(text: string, encoding: string): Buffer {
  const decoder = new TextDecoder(encoding);
  const table = new Map<string, number>();
  for (let b = 0; b < 256; b++) table.set(decoder.decode(new Uint8Array([b])), b);
  return Buffer.from(
    [...text].map((char) => {
      const byte = table.get(char);
      if (byte === undefined) throw new Error(`${char} is not in ${encoding}`);
      return byte;
    }),
  );
}

const bytesOf = (buffer: Buffer) =>
  (async function* () {
    // Two chunks, split inside the data, as a stream would give them.
    yield buffer.subarray(0, 7);
    yield buffer.subarray(7);
  })();

const customers = (db: Db, org: Organization) =>
  db.kysely
    .selectFrom('customer')
    .select(['id', 'name', 'country'])
    .where('org_id', '=', org.id)
    .orderBy('id')
    .execute();

async function zammadWorkbook(file: string) {
  const workbook = new ExcelJS.Workbook();
  workbook.addWorksheet('Notes').addRow(['Exported from Zammad']);
  const sheet = workbook.addWorksheet('Tickets');
  sheet.addRow([
    '#',
    'Title',
    'State',
    'Priority',
    'Group',
    'Owner',
    'Customer',
    'Organization',
    'Created At',
    'Closed At',
    'First Response At',
    'Tags',
  ]);
  // Excel keeps a date as the serial day with a date format; Zammad writes its own dates as text too.
  const created = sheet.addRow([
    31001,
    'Printer on fire',
    'closed',
    '2 normal',
    'Users',
    'Agent Smith',
    'nicole.braun@zammad.org',
    'Zammad Foundation',
    new Date(Date.UTC(2026, 2, 2, 9, 15)),
    '2026-03-02 15:00',
    null,
    'printer, urgent',
  ]);
  created.getCell(9).numFmt = 'dd.mm.yyyy hh:mm';
  // A formula with the value Excel saved: created + 45 minutes.
  created.getCell(11).value = {
    formula: 'I2+45/1440',
    result: 46083 + 10 / 24 + 0.000000001,
    date1904: false,
  } as never;
  created.getCell(11).numFmt = 'yyyy-mm-dd hh:mm';
  sheet.addRow([
    31002,
    'Paper jam',
    'pending reminder',
    '3 high',
    'Users',
    '-',
    'Ivan Petrov',
    null,
    '03.03.2026 10:00',
    null,
    null,
    null,
  ]);
  await workbook.xlsx.writeFile(file);
}

for (const variant of variants) {
  describe(`files on ${variant.name}`, () => {
    test('Windows-1257 (Lithuanian) and Windows-1251 (Russian) are guessed and said; --encoding overrides', async () => {
      const db = await variant.db();
      const org = await createTestOrg(db);
      const lithuanian = Buffer.concat([
        Buffer.from('id,name,country\n'),
        encode('c1,Žydrūnė Šimkutė,Lietuva\nc2,Ąžuolas Čepas,Šiauliai\n', 'windows-1257'),
      ]);
      const lt = await importRecords(db, org, 'customers', { bytes: bytesOf(lithuanian) });
      assert.equal(lt.encoding, 'windows-1257 (guessed: the file is not valid UTF-8)');
      assert.match(lt.message, /Read as windows-1257/);
      const russian = Buffer.concat([
        Buffer.from('id,name,country\n'),
        encode('c3,Иван Сергеевич,Россия\n', 'windows-1251'),
      ]);
      const ru = await importRecords(db, org, 'customers', { bytes: bytesOf(russian) });
      assert.equal(ru.encoding, 'windows-1251 (guessed: the file is not valid UTF-8)');
      assert.deepEqual(await customers(db, org), [
        { id: 'c1', name: 'Žydrūnė Šimkutė', country: 'Lietuva' },
        { id: 'c2', name: 'Ąžuolas Čepas', country: 'Šiauliai' },
        { id: 'c3', name: 'Иван Сергеевич', country: 'Россия' },
      ]);
      // ISO-8859-13 differs from Windows-1257 only outside the letters: said, it is read as said.
      const told = await importRecords(
        db,
        org,
        'customers',
        { bytes: bytesOf(encode('id,name\nc4,Ūla „Žalia“\n', 'iso-8859-13')) },
        { encoding: 'iso-8859-13' },
      );
      assert.equal(told.encoding, 'iso-8859-13');
      assert.deepEqual((await customers(db, org))[3], { id: 'c4', name: 'Ūla „Žalia“', country: null });
    });

    test('UTF-16 with a byte order mark and UTF-8 with one are read without being told', async () => {
      const db = await variant.db();
      const org = await createTestOrg(db);
      const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('id;name\r\nc1;Ačiū\r\n', 'utf16le')]);
      const a = await importRecords(db, org, 'customers', { bytes: bytesOf(utf16) });
      assert.deepEqual([a.inserted, a.encoding], [1, 'utf-16le']);
      const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('id\tname\nc2\tСпасибо\n')]);
      const b = await importRecords(db, org, 'customers', { bytes: bytesOf(bom) });
      assert.deepEqual([b.inserted, b.encoding], [1, 'utf-8']);
      assert.deepEqual(
        (await customers(db, org)).map((c) => c.name),
        ['Ačiū', 'Спасибо'],
      );
    });

    test('locale dates and decimal commas; day and month that cannot be told apart ask for --date-format', async () => {
      const db = await variant.db();
      const org = await createTestOrg(db, { timezone: 'Europe/Vilnius', currency: 'EUR' });
      const csv =
        'id;customer_id;amount;ordered_at\no1;c1;1 234,50;31.12.2026 14:05\no2;c1;12,5;2026-12-31 14:05\no3;c1;7;12/31/2026\n';
      const load = (options: ImportOptions = {}) =>
        importRecords(db, org, 'orders', { bytes: bytesOf(Buffer.from(csv)) }, options);
      const unsure = await load();
      assert.deepEqual(unsure.errors, [
        {
          line: 4,
          id: 'o3',
          field: 'ordered_at',
          reason:
            '"12/31/2026" is not an ISO 8601 timestamp, and its day and month cannot be told apart: import with --date-format DD/MM/YYYY or MM/DD/YYYY',
        },
      ]);
      const summary = await load({ dateOrder: 'MDY' });
      assert.equal(summary.inserted, 3, summary.message);
      const stored = await db.kysely
        .selectFrom('customer_order')
        .select(['id', 'amount', 'ordered_at'])
        .where('org_id', '=', org.id)
        .orderBy('id')
        .execute();
      assert.deepEqual(
        stored.map((o) => [o.id, Number(o.amount), new Date(o.ordered_at as unknown as string).toISOString()]),
        [
          ['o1', 1234.5, '2026-12-31T12:05:00.000Z'],
          ['o2', 12.5, '2026-12-31T12:05:00.000Z'],
          ['o3', 7, '2026-12-30T22:00:00.000Z'],
        ],
      );
      const ambiguous = await importRecords(db, org, 'orders', {
        bytes: bytesOf(Buffer.from('id,customer_id,amount,ordered_at\no4,c1,"1,234",2026-01-01\n')),
      });
      assert.match(ambiguous.errors[0]!.reason, /ambiguous.*--decimal-comma/);
      const comma = await importRecords(
        db,
        org,
        'orders',
        { bytes: bytesOf(Buffer.from('id;customer_id;amount;ordered_at\no4;c1;1.234,5;2026-01-01\n')) },
        { decimalComma: true },
      );
      assert.equal(comma.inserted, 1);
    });

    test('XLSX: a named sheet, Excel dates, text dates and formulas through the zammad preset; XLS that is XLSX', async () => {
      const db = await variant.db();
      const org = await createTestOrg(db, { timezone: 'Europe/Berlin' });
      const file = path.join(dir, `zammad-${variant.name}.xls`); // Zammad and others name XLSX .xls
      await zammadWorkbook(file);
      const options = { ...presetOptions(requirePreset('zammad', 'tickets'), {}), sheet: 'Tickets' };
      const summary = await importRecords(db, org, 'tickets', { bytes: fs.createReadStream(file) }, options);
      assert.deepEqual(
        [summary.format, summary.inserted, summary.rejected],
        ['xlsx', 2, 0],
        JSON.stringify(summary.errors),
      );
      const tickets = await db.kysely
        .selectFrom('ticket')
        .selectAll()
        .where('org_id', '=', org.id)
        .orderBy('id')
        .execute();
      const [a, b] = tickets as Array<Record<string, unknown>>;
      const at = (v: unknown) => (v === null ? null : new Date(v as string).toISOString());
      // Berlin is UTC+1 in March: the sheet's 09:15 is 08:15Z; the formula's cached value is 10:00.
      assert.deepEqual(
        [
          a!.id,
          a!.subject,
          a!.status,
          a!.priority,
          a!.team_id,
          a!.agent_id,
          a!.customer_id,
          at(a!.created_at),
          at(a!.resolved_at),
          at(a!.first_response_at),
          a!.tags,
        ],
        [
          '31001',
          'Printer on fire',
          'solved',
          'normal',
          'Users',
          'Agent Smith',
          'nicole.braun@zammad.org',
          '2026-03-02T08:15:00.000Z',
          '2026-03-02T14:00:00.000Z',
          '2026-03-02T09:00:00.000Z',
          ['printer', 'urgent'],
        ],
      );
      assert.deepEqual((a!.attributes as Record<string, unknown>).organization, 'Zammad Foundation');
      assert.deepEqual(
        [b!.status, b!.priority, b!.agent_id, at(b!.created_at)],
        ['pending', 'high', null, '2026-03-03T09:00:00.000Z'],
      );
      const agents = await db.kysely
        .selectFrom('agent')
        .select(['id', 'team_id'])
        .where('org_id', '=', org.id)
        .execute();
      assert.deepEqual(agents, [{ id: 'Agent Smith', team_id: 'Users' }]);
      await assert.rejects(
        importRecords(db, org, 'tickets', { bytes: fs.createReadStream(file) }, { ...options, sheet: 'Tikets' }),
        { status: 400, message: 'The workbook has no sheet "Tikets"; it has "Notes", "Tickets".' },
      );
      const legacy = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]);
      await assert.rejects(importRecords(db, org, 'tickets', { bytes: bytesOf(legacy) }), {
        status: 400,
        message: /Excel 97-2003.*save it as \.xlsx/,
      });
    });

    test('the preview answers columns, first rows, encoding, the suggested preset and its mapping', async () => {
      const db = await variant.db();
      const org = await createTestOrg(db);
      const app = createApp({ db, config: loadConfig({}, {}), logger: createLogger('silent', () => {}) });
      const key = (await createApiKey(db.kysely, org.id, { name: 'test', scope: 'full' })).key;
      const response = await app.request('/api/v1/import/tickets/preview', {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'text/csv' },
        body: fs.readFileSync(path.join(fixtures, 'zendesk-tickets.csv')) as unknown as BodyInit,
      });
      assert.equal(response.status, 200);
      const preview = (await response.json()) as Record<string, any>;
      assert.equal(preview.format, 'csv');
      assert.equal(preview.encoding, 'utf-8');
      assert.deepEqual(preview.suggested_preset, {
        name: 'zendesk',
        entity: 'tickets',
        description: 'Zendesk Support ticket export (CSV, or JSON with the same names)',
      });
      assert.equal(preview.preset, 'zendesk');
      assert.equal(preview.columns.length, 22);
      assert.equal(preview.rows.length, 4);
      assert.equal(preview.rows[0].Assignee, 'Jonas Jonaitis');
      assert.equal(preview.mapping.Assignee, 'agent_id');
      assert.equal(preview.mapping['Updated at'], 'attributes.updated_at');
      // Nothing was stored by the preview.
      const count = await db.kysely
        .selectFrom('ticket')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('org_id', '=', org.id)
        .executeTakeFirstOrThrow();
      assert.equal(Number(count.n), 0);
      // The import with the suggested preset takes the same file.
      const imported = await app.request('/api/v1/import/tickets?preset=zendesk', {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'text/csv' },
        body: fs.readFileSync(path.join(fixtures, 'zendesk-tickets.csv')) as unknown as BodyInit,
      });
      assert.equal(imported.status, 200);
      assert.equal(((await imported.json()) as { inserted: number }).inserted, 4);
      const wrong = await app.request('/api/v1/import/orders?preset=zendesk', {
        method: 'POST',
        headers: { authorization: `Bearer ${key}` },
        body: 'x',
      });
      assert.equal(wrong.status, 400);
      assert.match(
        ((await wrong.json()) as { error: { message: string } }).error.message,
        /Preset zendesk is for tickets, not orders/,
      );
    });

    test('the organization switcher: a user in two organizations moves the session to the other, not to a third', async () => {
      const db = await variant.db();
      const first = await createTestOrg(db, { name: 'First' });
      const second = await createTestOrg(db, { name: 'Second' });
      const third = await createTestOrg(db, { name: 'Third' });
      const app = createApp({ db, config: loadConfig({}, {}), logger: createLogger('silent', () => {}) });
      const email = `switch-${first.slug}@example.com`;
      const user = await createUser(db.kysely, { email, password: 'correct horse battery' });
      await addMember(db.kysely, first.id, user.id, { role: 'manager' });
      await addMember(db.kysely, second.id, user.id, { role: 'viewer' });
      const login = await app.request('/api/v1/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: 'correct horse battery' }),
      });
      const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
      const me = (await login.json()) as {
        csrf_token: string;
        organization: { slug: string };
        organizations: unknown[];
      };
      assert.equal(me.organization.slug, first.slug);
      assert.equal(me.organizations.length, 2);
      const post = (slug: string) =>
        app.request('/api/v1/auth/organization', {
          method: 'POST',
          headers: { cookie, 'x-csrf-token': me.csrf_token, 'content-type': 'application/json' },
          body: JSON.stringify({ organization: slug }),
        });
      assert.equal((await post(third.slug)).status, 403);
      const switched = await post(second.slug);
      assert.equal(switched.status, 200);
      const next = (await switched.json()) as { role: string; organization: { slug: string }; csrf_token: string };
      assert.deepEqual([next.organization.slug, next.role], [second.slug, 'viewer']);
      const newCookie = switched.headers.get('set-cookie')!.split(';')[0]!;
      const again = await app.request('/api/v1/auth/me', { headers: { cookie: newCookie } });
      assert.equal(((await again.json()) as { organization: { slug: string } }).organization.slug, second.slug);
      // The old session ended with the switch.
      assert.equal((await app.request('/api/v1/auth/me', { headers: { cookie } })).status, 401);
    });
  });
}
