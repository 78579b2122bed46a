import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { addMember, createApiKey, createUser, OPERATOR, type Access } from '../src/auth/index.ts';
import { main } from '../src/cli/main.ts';
import { loadConfig } from '../src/config.ts';
import type { Db } from '../src/db/connect.ts';
import { createApp } from '../src/http/app.ts';
import { createLogger } from '../src/http/logger.ts';
import { importRecords } from '../src/ingest/index.ts';
import { runDueJobs } from '../src/jobs/index.ts';
import { JOB_KINDS } from '../src/jobs/kinds.ts';
import { createMailer } from '../src/mail/mailer.ts';
import { getMetric, queryMetrics } from '../src/metrics/index.ts';
import type { Organization } from '../src/orgs/index.ts';
import {
  createReport,
  duePeriod,
  formatter,
  generateReport,
  getIssueFile,
  listIssues,
  parseReportPeriod,
  sendReport,
  type Language,
} from '../src/reports/index.ts';
import { captureIo } from './helpers/capture-io.ts';
import { createTestOrg, variants } from './helpers/databases.ts';

// A real SMTP server on the loopback interface.
const inbox: ParsedMail[] = [];
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  size: 50 * 1024 * 1024,
  onData(stream, _session, callback) {
    simpleParser(stream, { keepCidLinks: true }).then((mail) => {
      inbox.push(mail);
      callback();
    }, callback);
  },
});
await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
const mailer = createMailer({
  smtpUrl: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
  mailFrom: 'CX <cx@example.com>',
})!;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cxkpi-reports-'));
after(async () => {
  mailer.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  fs.rmSync(tmp, { recursive: true, force: true });
});

const METRICS = ['csat', 'first_response_time', 'tickets_created'];
const PERIOD = parseReportPeriod('2026-04');
const LT = 'Ačiū, viskas puiku: ąčęėįšųūž';
const RU = 'Спасибо, всё отлично, ёж';
const HOSTILE = '<b>Awful</b> & slow, the Technical team';

/** Twelve months of tickets and CSAT answers for two teams, with comments in April 2026. */
function records() {
  const tickets = [];
  const answers = [];
  for (let m = 0; m < 12; m++) {
    const month = new Date(Date.UTC(2025, 4 + m, 1));
    const ym = month.toISOString().slice(0, 7);
    for (let i = 0; i < 24; i++) {
      const agent = ['a1', 'a2', 'a3'][i % 3]!;
      const day = String(1 + (i % 27)).padStart(2, '0');
      const minutes = 5 + ((i * 7 + m * 11) % 170);
      const created = new Date(`${ym}-${day}T08:00:00Z`);
      tickets.push({
        id: `k${m}-${i}`,
        agent_id: agent,
        team_id: agent === 'a3' ? 't2' : 't1',
        channel: 'email',
        created_at: created.toISOString(),
        first_response_at: new Date(created.getTime() + minutes * 60_000).toISOString(),
        resolved_at: new Date(created.getTime() + minutes * 3 * 60_000).toISOString(),
      });
      answers.push({
        id: `r${m}-${i}`,
        kind: 'csat',
        score: (i + m) % 5 === 0 ? 2 : (i % 4) + 2 > 5 ? 5 : (i % 4) + 2,
        submitted_at: new Date(created.getTime() + 86_400_000).toISOString(),
        ticket_id: `k${m}-${i}`,
        agent_id: agent,
        team_id: agent === 'a3' ? 't2' : 't1',
      });
    }
  }
  answers.push(
    {
      id: 'c-lt',
      kind: 'csat',
      score: 5,
      comment: LT,
      submitted_at: '2026-04-20T10:00:00Z',
      team_id: 't1',
      agent_id: 'a1',
    },
    {
      id: 'c-ru',
      kind: 'csat',
      score: 5,
      comment: RU,
      submitted_at: '2026-04-21T10:00:00Z',
      team_id: 't1',
      agent_id: 'a2',
    },
    {
      id: 'c-bad',
      kind: 'csat',
      score: 1,
      comment: HOSTILE,
      submitted_at: '2026-04-22T10:00:00Z',
      team_id: 't2',
      agent_id: 'a3',
    },
  );
  return { tickets, answers };
}

async function seed(db: Db, org: Organization) {
  await importRecords(db, org, 'teams', {
    objects: [
      { id: 't1', name: 'Billing' },
      { id: 't2', name: 'Technical' },
    ],
  });
  await importRecords(db, org, 'agents', {
    objects: [
      { id: 'a1', name: 'Ann', team_id: 't1' },
      { id: 'a2', name: 'Bob', team_id: 't1' },
      { id: 'a3', name: 'Cid', team_id: 't2' },
    ],
  });
  const { tickets, answers } = records();
  await importRecords(db, org, 'tickets', { objects: tickets });
  await importRecords(db, org, 'survey_responses', { objects: answers as never });
}

function pdfText(pdf: Buffer, name: string): string {
  const file = path.join(tmp, `${name}.pdf`);
  fs.writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

/** Renders every page with pdftoppm (which exits non-zero on a broken file) and counts them. */
function renderPages(pdf: Buffer, name: string): number {
  const file = path.join(tmp, `${name}.pdf`);
  fs.writeFileSync(file, pdf);
  execFileSync('pdftoppm', ['-r', '40', '-png', file, path.join(tmp, name)], { stdio: ['ignore', 'ignore', 'pipe'] });
  return fs.readdirSync(tmp).filter((f) => f.startsWith(`${name}-`) && f.endsWith('.png')).length;
}

async function workbook(xlsx: Buffer) {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(xlsx as never);
  return book;
}

/** The KPI sheet's data rows, keyed by metric id (column A). */
function kpiRows(book: ExcelJS.Workbook) {
  const sheet = book.worksheets[0]!;
  const rows = new Map<string, ExcelJS.Row>();
  sheet.eachRow((row) => {
    const id = row.getCell(1).value;
    if (typeof id === 'string' && METRICS.includes(id)) rows.set(id, row);
  });
  return rows;
}

for (const variant of variants) {
  describe(`reports on ${variant.name}`, async () => {
    const db = await variant.db();

    test('the PDF and the XLSX hold the values of the metric query, in en, ru and lt', async () => {
      const org = await createTestOrg(db, { timezone: 'Europe/Vilnius', currency: 'EUR' });
      await seed(db, org);
      const query = await queryMetrics(db, org, {
        metrics: METRICS,
        from: PERIOD.from,
        to: PERIOD.to,
        grain: 'month',
        compare: 'previous',
      });
      const trend = await queryMetrics(db, org, {
        metrics: METRICS,
        from: '2025-05-01',
        to: PERIOD.to,
        grain: 'month',
      });
      for (const language of ['en', 'ru', 'lt'] as Language[]) {
        const report = await generateReport(
          db,
          org,
          { title: 'Monthly CX', metrics: METRICS, scope: {}, period: PERIOD, language },
          undefined,
        );
        const text = pdfText(report.pdf, `values-${variant.name}-${language}`);
        const fmt = formatter(language, 'EUR');
        for (const row of query.rows) {
          const unit = getMetric(row.metric)!.unit;
          assert.ok(row.value !== null && row.n > 0, `${row.metric} has data in the period`);
          assert.ok(
            text.includes(fmt.value(row.value, unit)),
            `${language} PDF shows ${row.metric} ${fmt.value(row.value, unit)}`,
          );
          assert.ok(text.includes(fmt.integer(row.n)), `${language} PDF shows n ${row.n}`);
          if (row.delta !== null && row.delta !== undefined)
            assert.ok(
              text.includes(fmt.change(row.delta, unit)),
              `${language} PDF shows the change ${fmt.change(row.delta, unit)}`,
            );
        }
        // The shipped font carries both alphabets: extracted text keeps every letter.
        assert.ok(text.includes(LT), `${language}: Lithuanian letters survive`);
        assert.ok(text.includes(RU), `${language}: Cyrillic letters survive`);
        assert.ok(text.includes(getMetric('csat')!.names[language].split(' ')[0]!), 'KPI names in the language');
        assert.match(text, language === 'ru' ? /Стр\. 1 из \d/ : language === 'lt' ? /Psl\. 1 iš \d/ : /Page 1 of \d/);
        assert.ok(renderPages(report.pdf, `pages-${variant.name}-${language}`) >= 2, 'pdftoppm renders the pages');

        const book = await workbook(report.xlsx);
        const rows = kpiRows(book);
        for (const row of query.rows) {
          const cells = rows.get(row.metric)!;
          assert.equal(cells.getCell(3).value, row.value, `${row.metric} value is the number`);
          assert.equal(cells.getCell(4).value, row.n);
          assert.equal(cells.getCell(8).value, row.previous);
          assert.equal(typeof cells.getCell(3).numFmt, 'string');
        }
        assert.equal(rows.get('csat')!.getCell(3).numFmt, '0.0%');
        for (const metric of METRICS) {
          const sheet = book.getWorksheet(metric)!;
          const values: unknown[] = [];
          sheet.eachRow((row, i) => i > 2 && values.push(row.getCell(2).value));
          assert.deepEqual(
            values,
            trend.rows.filter((r) => r.metric === metric).map((r) => r.value),
            `${metric}: 12 trend periods as numbers`,
          );
        }
        // Comments from customers are escaped in the HTML.
        assert.ok(report.html.includes('&lt;b&gt;Awful&lt;/b&gt; &amp; slow'));
        assert.ok(!report.html.includes('<b>Awful'));
        assert.match(report.html, /<img src="data:image\/png;base64,/);
      }
    });

    test("a scheduled report goes out once per period through SMTP, and a team lead's copy holds only their teams", async () => {
      const org = await createTestOrg(db, { timezone: 'Europe/Vilnius', language: 'lt' });
      await seed(db, org);
      const tag = org.slug.slice(-8);
      const lead = await createUser(db.kysely, {
        email: `lead-${tag}@example.com`,
        password: 'a long enough password 1',
      });
      await addMember(db.kysely, org.id, lead.id, { role: 'team_lead', teams: ['t1'] });
      const owner: Access = { ...OPERATOR, orgId: org.id };
      const report = await createReport(db, org, owner, {
        name: 'Mėnesio ataskaita',
        metrics: METRICS,
        recipients: [{ email: `director-${tag}@example.com` }, { user: `lead-${tag}@example.com` }],
      });
      // As if defined in mid-April: April's report is the first one due (1 May, 08:00 in Vilnius).
      await db.kysely
        .updateTable('report_definition')
        .set({ created_at: new Date('2026-04-15T12:00:00Z') })
        .where('org_id', '=', org.id)
        .execute();
      const kinds = {
        'reports.schedule': JOB_KINDS['reports.schedule']!,
        'report.send': JOB_KINDS['report.send']!,
        'report.mail': JOB_KINDS['report.mail']!,
      };
      const run = (iso: string) =>
        runDueJobs({ db, mailer, publicUrl: 'http://cx.test', now: new Date(iso) }, { kinds });
      const mine = () => inbox.filter((m) => String((m.to as { text: string }).text).includes(tag));

      await run('2026-05-01T04:59:00Z');
      assert.equal(mine().length, 0, 'nothing before the local send time');
      await run('2026-05-01T05:00:00Z');
      assert.equal(mine().length, 2, 'the director and the team lead');
      // The server restarts twice the same morning, and later in the month: nothing again.
      await run('2026-05-01T05:03:00Z');
      await run('2026-05-01T07:30:00Z');
      await run('2026-05-20T10:00:00Z');
      assert.equal(mine().length, 2, 'once per period');

      const director = mine().find((m) => String((m.to as { text: string }).text).startsWith('director'))!;
      const leadMail = mine().find((m) => String((m.to as { text: string }).text).startsWith('lead'))!;
      assert.match(director.subject!, /^Mėnesio ataskaita – Balandis 2026|^Mėnesio ataskaita – 2026 m\. balandis/i);
      const files = (mail: ParsedMail) => mail.attachments.filter((a) => a.contentDisposition === 'attachment');
      assert.deepEqual(
        files(director)
          .map((a) => a.filename)
          .sort(),
        ['menesio-ataskaita-2026-04.pdf', 'menesio-ataskaita-2026-04.xlsx'],
      );
      assert.ok(director.html && /src="cid:chart1@cxkpi"/.test(director.html), 'charts are cid: images');
      assert.equal(director.attachments.filter((a) => a.contentType === 'image/png').length, METRICS.length);

      const directorPdf = pdfText(
        files(director).find((a) => a.filename!.endsWith('.pdf'))!.content,
        `dir-${variant.name}`,
      );
      const leadPdf = pdfText(
        files(leadMail).find((a) => a.filename!.endsWith('.pdf'))!.content,
        `lead-${variant.name}`,
      );
      assert.ok(directorPdf.includes(HOSTILE), "the director's copy has every team's comments");
      assert.ok(
        !leadPdf.includes('Technical') && !leadPdf.includes('Cid'),
        "the lead's copy names no other team or agent",
      );
      assert.ok(leadPdf.includes(LT));
      // The lead's numbers are the query as the lead may see it: team t1 only.
      const leadQuery = await queryMetrics(
        db,
        org,
        { metrics: METRICS, from: PERIOD.from, to: PERIOD.to, grain: 'month' },
        { scope: { teams: ['t1'] } },
      );
      const whole = await queryMetrics(db, org, { metrics: METRICS, from: PERIOD.from, to: PERIOD.to, grain: 'month' });
      const leadXlsx = kpiRows(await workbook(files(leadMail).find((a) => a.filename!.endsWith('.xlsx'))!.content));
      for (const row of leadQuery.rows) assert.equal(leadXlsx.get(row.metric)!.getCell(4).value, row.n);
      const tickets = (rows: typeof whole.rows) => rows.find((r) => r.metric === 'tickets_created')!.value;
      assert.ok(tickets(leadQuery.rows)! < tickets(whole.rows)!, 'the lead sees fewer tickets than the organization');

      const issues = await listIssues(db, org.id, owner);
      assert.deepEqual(issues.map((i) => [i.period, i.audience, i.mail_state]).sort(), [
        ['2026-04', '', 'sent'],
        ['2026-04', `user:${lead.id}`, 'sent'],
      ]);
      // The lead's own view of the archive: their copy only.
      const leadAccess: Access = {
        orgId: org.id,
        kind: 'user',
        role: 'team_lead',
        actorId: lead.id,
        actor: lead.email,
        teams: ['t1'],
      };
      assert.deepEqual(
        (await listIssues(db, org.id, leadAccess)).map((i) => i.audience),
        [`user:${lead.id}`],
      );
      await assert.rejects(
        getIssueFile(db, org.id, leadAccess, issues.find((i) => !i.audience)!.id, 'pdf'),
        /No stored report/,
      );

      // The server was down over 1 June and 1 July: when it is back, the latest period is sent, once.
      await run('2026-07-03T09:00:00Z');
      await run('2026-07-03T09:10:00Z');
      assert.deepEqual(
        mine()
          .slice(2)
          .map((m) => files(m).length),
        [2, 2],
      );
      assert.deepEqual((await listIssues(db, org.id, owner)).map((i) => i.period).sort(), [
        '2026-04',
        '2026-04',
        '2026-06',
        '2026-06',
      ]);
      assert.equal(report.schedule, 'monthly');
    });

    test('without SMTP reports are stored and marked not mailed; the HTTP API previews and lists them', async () => {
      const org = await createTestOrg(db, { timezone: 'UTC', language: 'ru' });
      await seed(db, org);
      const app = createApp({ db, config: loadConfig({}, {}), logger: createLogger('silent') });
      const key = (await createApiKey(db.kysely, org.id, { name: 'full', scope: 'full' })).key;
      const call = (method: string, url: string, body?: unknown) =>
        app.request(url, {
          method,
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      let response = await call('POST', '/api/v1/reports', {
        name: 'Квартальный',
        schedule: 'quarterly',
        metrics: ['csat', 'no_such_kpi'],
        recipients: [{ email: 'cfo@example.com' }],
      });
      assert.equal(response.status, 400);
      assert.match(JSON.stringify(await response.json()), /no_such_kpi/);
      response = await call('POST', '/api/v1/reports', {
        name: 'Квартальный',
        schedule: 'quarterly',
        metrics: ['csat', 'tickets_created'],
        recipients: [{ email: 'not an address' }],
      });
      assert.equal(response.status, 400);
      assert.match(JSON.stringify(await response.json()), /recipients/);
      response = await call('POST', '/api/v1/reports', {
        name: 'Квартальный',
        schedule: 'quarterly',
        metrics: ['csat', 'tickets_created'],
        recipients: [{ email: 'cfo@example.com' }],
      });
      assert.equal(response.status, 201);
      const created = await response.json();
      response = await call('GET', '/api/v1/reports');
      assert.deepEqual((await response.json()).mail, { configured: false });

      response = await call(
        'GET',
        '/api/v1/reports/preview?report=%D0%9A%D0%B2%D0%B0%D1%80%D1%82%D0%B0%D0%BB%D1%8C%D0%BD%D1%8B%D0%B9&period=2026-Q1&format=xlsx',
      );
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type')!, /spreadsheetml/);
      const q1 = await queryMetrics(db, org, {
        metrics: ['tickets_created'],
        from: '2026-01-01',
        to: '2026-04-01',
        grain: 'quarter',
      });
      const book = await workbook(Buffer.from(await response.arrayBuffer()));
      let cell: unknown;
      book.worksheets[0]!.eachRow((row) => row.getCell(1).value === 'tickets_created' && (cell = row.getCell(3).value));
      assert.equal(cell, q1.rows[0]!.value);
      response = await call('GET', '/api/v1/reports/preview?metrics=csat&period=2026-13&format=pdf');
      assert.equal(response.status, 400);

      response = await call('POST', `/api/v1/reports/${created.id}/send`, { period: '2026-Q1' });
      assert.equal(response.status, 200);
      const sent = await response.json();
      assert.deepEqual(
        sent.issues.map((i: { mail_state: string }) => i.mail_state),
        ['not_mailed'],
      );
      response = await call('GET', `/api/v1/reports/archive/${sent.issues[0].id}/pdf`);
      assert.equal(response.status, 200);
      const pdf = Buffer.from(await response.arrayBuffer());
      assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
      assert.match(pdfText(pdf, `q1-${variant.name}`), /1 кв\. 2026/);
      // Sending the stored period again with SMTP now configured mails it, once.
      const before = inbox.length;
      const issues = await sendReport(db, {
        org,
        report: { ...created, created_at: new Date(created.created_at) },
        period: parseReportPeriod('2026-Q1'),
        mailer,
        now: new Date(),
      });
      assert.deepEqual(
        issues.map((i) => i.mail_state),
        ['queued'],
      );
      const kinds = { 'report.mail': JOB_KINDS['report.mail']! };
      await runDueJobs({ db, mailer, publicUrl: 'http://cx.test', now: new Date() }, { kinds });
      await runDueJobs({ db, mailer, publicUrl: 'http://cx.test', now: new Date() }, { kinds });
      assert.equal(inbox.length - before, 1);
      assert.equal((await listIssues(db, org.id, { ...OPERATOR, orgId: org.id }))[0]!.mail_state, 'sent');
    });
  });
}

test('due periods: monthly on day N at a local time, quarterly, never one before the report existed', () => {
  const report = { schedule: 'monthly' as const, day: 3, time: '09:30', created_at: new Date('2026-01-10T00:00:00Z') };
  const at = (iso: string) => duePeriod(report, 'Europe/Vilnius', new Date(iso))?.label;
  assert.equal(at('2026-02-03T07:29:00Z'), undefined, 'January is due at 09:30 Vilnius (07:30 UTC) on 3 February');
  assert.equal(at('2026-02-03T07:30:00Z'), '2026-01');
  assert.equal(at('2026-03-02T12:00:00Z'), '2026-01', 'February not yet due');
  assert.equal(at('2026-03-03T08:00:00Z'), '2026-02');
  const quarterly = { ...report, schedule: 'quarterly' as const };
  assert.equal(duePeriod(quarterly, 'UTC', new Date('2026-04-03T09:30:00Z'))?.label, '2026-Q1');
  assert.equal(duePeriod(quarterly, 'UTC', new Date('2026-06-30T09:30:00Z'))?.label, '2026-Q1');
  assert.equal(duePeriod(quarterly, 'UTC', new Date('2026-04-03T09:29:00Z'))?.label, undefined);
});

test('cxkpi reports preview writes the values cxkpi query prints, for any period and format', async () => {
  const dir = fs.mkdtempSync(path.join(tmp, 'cli-'));
  const data = ['--data-dir', path.join(dir, 'data')];
  const { tickets, answers } = records();
  const jsonl = (name: string, rows: unknown[]) => {
    const file = path.join(dir, `${name}.jsonl`);
    fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n'));
    return file;
  };
  const io = () => captureIo();
  assert.equal(
    await main(
      [
        'import',
        'teams',
        jsonl('teams', [
          { id: 't1', name: 'Billing' },
          { id: 't2', name: 'Technical' },
        ]),
        ...data,
      ],
      io(),
    ),
    0,
  );
  assert.equal(await main(['import', 'tickets', jsonl('tickets', tickets), ...data], io()), 0);
  assert.equal(await main(['import', 'survey_responses', jsonl('answers', answers), ...data], io()), 0);
  let out = io();
  assert.equal(
    await main(
      [
        'query',
        METRICS.join(','),
        '--from',
        '2026-04-01',
        '--to',
        '2026-05-01',
        '--compare',
        'previous',
        '--format',
        'json',
        ...data,
      ],
      out,
    ),
    0,
  );
  const { rows } = JSON.parse(out.text) as { rows: Array<{ metric: string; value: number; n: number; delta: number }> };
  const pdf = path.join(dir, 'april.pdf');
  out = io();
  assert.equal(
    await main(
      [
        'reports',
        'preview',
        '--metrics',
        METRICS.join(','),
        '--period',
        '2026-04',
        '--language',
        'lt',
        '--out',
        pdf,
        ...data,
      ],
      out,
    ),
    0,
  );
  assert.match(out.text, /Wrote .*april\.pdf/);
  const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  const fmt = formatter('lt', 'EUR');
  for (const row of rows) {
    const unit = getMetric(row.metric)!.unit;
    assert.ok(text.includes(fmt.value(row.value, unit)), `${row.metric}: ${fmt.value(row.value, unit)}`);
    assert.ok(text.includes(fmt.change(row.delta, unit)), `${row.metric}: ${fmt.change(row.delta, unit)}`);
  }
  out = io();
  assert.equal(
    await main(
      ['reports', 'preview', '--metrics', 'csat', '--period', '2026-04', '--out', path.join(dir, 'x.doc'), ...data],
      out,
    ),
    2,
  );
  assert.match(out.text, /--out names a \.pdf, \.html or \.xlsx file/);
  out = io();
  assert.equal(
    await main(
      ['reports', 'create', 'Monthly', '--metrics', 'csat', '--to', 'a@example.com,user:nobody@example.com', ...data],
      out,
    ),
    2,
  );
  assert.match(out.text, /nobody@example\.com is not a member/);
  out = io();
  assert.equal(
    await main(
      [
        'reports',
        'create',
        'Monthly',
        '--metrics',
        'csat,tickets_created',
        '--to',
        'a@example.com',
        '--day',
        '2',
        ...data,
      ],
      out,
    ),
    0,
  );
  out = io();
  assert.equal(await main(['reports', 'send', 'Monthly', '--period', '2026-04', ...data], out), 0);
  assert.match(out.text, /Monthly 2026-04 report scope: not_mailed \(a@example\.com\)\. No SMTP server/);
  out = io();
  assert.equal(await main(['reports', 'list', '--format', 'json', ...data], out), 0);
  assert.equal(JSON.parse(out.text).reports[0].day, 2);
});
