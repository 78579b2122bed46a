import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { createApiKey } from '../src/auth/index.ts';
import { loadConfig } from '../src/config.ts';
import { createApp } from '../src/http/app.ts';
import { createLogger } from '../src/http/logger.ts';
import { importRecords } from '../src/ingest/index.ts';
import { createMailer, type Mailer } from '../src/mail/mailer.ts';
import { queryMetrics } from '../src/metrics/index.ts';
import { saveSurvey } from '../src/surveys/definitions.ts';
import { runDueJobs } from '../src/jobs/index.ts';
import { JOB_KINDS } from '../src/jobs/kinds.ts';
import { createTestOrg, variants } from './helpers/databases.ts';

// Surveys end to end with a real SMTP server started here: invitations in the customer's
// language with working one-click links, answers with their attribution, reminders only to
// non-responders, unsubscribes honoured, fatigue, and hostile input rendered inert.
const inbox: ParsedMail[] = [];
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onData(stream, _session, callback) {
    simpleParser(stream).then((mail) => {
      inbox.push(mail);
      callback();
    }, callback);
  },
});
await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
const smtpPort = (smtp.server.address() as AddressInfo).port;
const mailers: Mailer[] = [];
after(async () => {
  mailers.forEach((m) => m.close());
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

const PUBLIC = 'http://cx.test';
// Times relative to now, so that links made "then" are still valid when the test follows them.
const BASE = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 6 * 3_600_000;
const at = (hours: number) => new Date(BASE + hours * 3_600_000).toISOString();
const day = (hours: number) => at(hours).slice(0, 10);
const linkIn = (mail: ParsedMail, pattern: RegExp) => {
  const match = pattern.exec(mail.text ?? '');
  assert.ok(match, `no link ${pattern} in ${mail.text}`);
  return match[0].slice(PUBLIC.length);
};

for (const variant of variants) {
  describe(`surveys on ${variant.name}`, async () => {
    const db = await variant.db();

    async function setup() {
      const org = await createTestOrg(db, { timezone: 'UTC', language: 'en' });
      const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${smtpPort}`, mailFrom: 'CX <cx@example.com>' })!;
      mailers.push(mailer);
      const logs: string[] = [];
      const app = createApp({
        db,
        config: loadConfig({}, {}),
        logger: createLogger('info', (l) => void logs.push(l)),
        mailer,
      });
      const key = (await createApiKey(db.kysely, org.id, { name: 't', scope: 'full' })).key;
      const tag = org.slug.slice(-6);
      await importRecords(db, org, 'customers', {
        objects: [
          { id: 'c-ru', email: `olga-${tag}@example.com`, language: 'ru-RU' },
          { id: 'c-lt', email: `ruta-${tag}@example.com`, language: 'lt' },
          { id: 'c-en', email: `emily-${tag}@example.com` },
          { id: 'c-none' },
        ],
      });
      await importRecords(db, org, 'tickets', {
        objects: ['c-ru', 'c-lt', 'c-en', 'c-none'].map((customer, i) => ({
          id: `k-${customer}`,
          customer_id: customer,
          agent_id: 'a1',
          team_id: 't1',
          channel: 'email',
          created_at: at(-2),
          resolved_at: at(i),
        })),
      });
      const survey = await saveSurvey(
        db,
        org,
        {
          id: 'after-ticket',
          name: 'After a ticket',
          kind: 'csat',
          attributes: ['speed', 'competence'],
          trigger: { ticket_solved: { delay_minutes: 60 } },
          reminder_hours: 48,
        },
        'create',
      );
      // The survey starts before the tickets were solved.
      await db.kysely
        .updateTable('survey')
        .set({ created_at: new Date(at(-24)) })
        .where('org_id', '=', org.id)
        .execute();
      const jobs = async (hours: number) => {
        const { totals } = await runDueJobs(
          { db, mailer, publicUrl: PUBLIC, now: new Date(at(hours)) },
          { kinds: JOB_KINDS },
        );
        return { invited: 0, sent: 0, reminded: 0, ...totals };
      };
      const mine = () => inbox.filter((m) => (m.to as { text: string }).text.includes(tag));
      return { org, app, key, survey, jobs, mine, tag, logs };
    }

    test('solved tickets invite in the customer language; one click answers; reminders only to non-responders', async () => {
      const { org, app, jobs, mine, tag } = await setup();
      // Tickets were solved at hours 0, 1, 2 and 3; the survey waits an hour.
      let report = await jobs(1.5);
      assert.deepEqual([report.invited, report.sent], [1, 1]);
      report = await jobs(4);
      assert.deepEqual([report.invited, report.sent], [3, 2], 'c-none has no address: invited, not e-mailed');
      const mails = mine();
      assert.equal(mails.length, 3);
      const byTo = (who: string) => mails.find((m) => (m.to as { text: string }).text.startsWith(`${who}-${tag}`))!;
      assert.match(byTo('olga').subject!, /Как мы справились\?/);
      assert.match(byTo('ruta').subject!, /Kaip mums sekėsi\?/);
      assert.match(byTo('emily').subject!, /How did we do\?/);
      assert.match(byTo('olga').text!, /Насколько вы довольны полученной помощью\?/);
      const header = (mail: ParsedMail, key: string) => mail.headerLines.find((h) => h.key === key)?.line ?? '';
      assert.match(header(byTo('ruta'), 'list-unsubscribe-post'), /List-Unsubscribe=One-Click/);
      assert.match(header(byTo('ruta'), 'list-unsubscribe'), /<http:\/\/cx\.test\/s\/[A-Za-z0-9_-]{64}\/unsubscribe>/);

      // Olga clicks 5 in the e-mail: saved at once, with the ticket's attribution.
      const five = linkIn(byTo('olga'), /http:\/\/cx\.test\/s\/[A-Za-z0-9_-]{64}\?score=5/);
      const click = await app.request(five);
      assert.equal(click.status, 303);
      const page = await app.request(click.headers.get('location')!);
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.match(html, /<html lang="ru">/);
      assert.match(html, /aria-pressed="true">5</);
      const stored = await db.kysely
        .selectFrom('survey_response')
        .selectAll()
        .where('org_id', '=', org.id)
        .executeTakeFirstOrThrow();
      assert.deepEqual(
        [
          stored.kind,
          stored.score,
          stored.ticket_id,
          stored.agent_id,
          stored.team_id,
          stored.channel,
          stored.language,
          stored.survey,
        ],
        ['csat', 5, 'k-c-ru', 'a1', 't1', 'email', 'ru', 'after-ticket'],
      );

      // Ruta unsubscribes with one click from her mail program.
      const unsubscribe = linkIn(byTo('ruta'), /http:\/\/cx\.test\/s\/[A-Za-z0-9_-]{64}\/unsubscribe/);
      assert.equal(
        (
          await app.request(unsubscribe, {
            method: 'POST',
            body: 'List-Unsubscribe=One-Click',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
          })
        ).status,
        200,
      );

      // 48 hours later: one reminder, to Emily only (Olga answered, Ruta left).
      report = await jobs(4 + 49);
      assert.equal(report.reminded, 1);
      const reminders = mine().filter((m) => /Reminder|Напоминание|Priminimas/.test(m.subject!));
      assert.deepEqual(
        reminders.map((m) => (m.to as { text: string }).text),
        [`emily-${tag}@example.com`],
      );
      assert.equal((await jobs(4 + 73)).reminded, 0, 'one reminder at most');

      // A new ticket for Olga within the fatigue window does not invite her again.
      await importRecords(db, org, 'tickets', {
        objects: [
          {
            id: 'k-again',
            customer_id: 'c-ru',
            created_at: at(8),
            resolved_at: at(10),
          },
        ],
      });
      assert.equal((await jobs(12)).invited, 0);

      // CSAT and the response rate see the answer at once (3 delivered, 1 answered).
      const result = await queryMetrics(db, org, {
        metrics: ['csat', 'survey_response_rate'],
        from: day(-48),
        to: day(96),
        grain: 'all',
        by: ['team'],
      });
      const row = (metric: string) => result.rows.find((r) => r.metric === metric)!;
      assert.deepEqual([row('csat').value, row('csat').n, row('csat').group.team], [1, 1, 't1']);
      assert.deepEqual([row('survey_response_rate').value, row('survey_response_rate').n], [1 / 3, 3]);
    });

    test('the page: comment and ratings after the score, changes count, hostile input is inert', async () => {
      const { org, app, key, survey, logs } = await setup();
      const invite = await app.request(`/api/v1/surveys/${survey.id}/invitations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'text/csv' },
        body: 'customer_id,ticket_id\nc-en,k-c-en\n',
      });
      assert.equal(invite.status, 201);
      const { created, email } = (await invite.json()) as any;
      assert.match(email, /e-mailed within a minute/);
      const path = new URL(created[0].url).pathname;
      const post = (form: Record<string, string> | Buffer) =>
        app.request(path, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: Buffer.isBuffer(form) ? new Uint8Array(form) : new URLSearchParams(form).toString(),
        });
      assert.equal((await post({ comment: 'no score yet' })).status, 400);
      assert.equal((await post({ score: '9' })).status, 400, 'CSAT is 1-5');
      assert.equal((await post({ score: '2' })).status, 303);
      const hostile = '<script>alert(1)</script><img src=x onerror=alert(2)> "quoted" \u0007bell';
      assert.equal((await post({ comment: hostile, 'rating.speed': '4', 'rating.competence': '5' })).status, 303);
      const html = await (await app.request(path)).text();
      assert.ok(!html.includes('<script>alert'), 'never rendered as markup');
      assert.match(
        html,
        /&lt;script&gt;alert\(1\)&lt;\/script&gt;&lt;img src=x onerror=alert\(2\)&gt; &quot;quoted&quot;/,
      );
      assert.match(html, /name="rating.speed" value="4" checked/);
      const tooLong = await post({ comment: 'x'.repeat(5001) });
      assert.equal(tooLong.status, 400);
      assert.match(await tooLong.text(), /at most 5000 characters/);
      // Invalid UTF-8 in the form becomes U+FFFD; the change of score counts, once.
      assert.equal((await post(Buffer.concat([Buffer.from('score=4&comment=bad%FF%FEbytes')]))).status, 303);
      const rows = await db.kysely.selectFrom('survey_response').selectAll().where('org_id', '=', org.id).execute();
      assert.equal(rows.length, 1);
      assert.deepEqual(
        [rows[0]!.score, rows[0]!.comment, rows[0]!.ratings],
        [4, 'bad\ufffd\ufffdbytes', { speed: 4, competence: 5 }],
      );
      const before = await db.kysely
        .selectFrom('survey_response')
        .select('comment')
        .where('org_id', '=', org.id)
        .executeTakeFirstOrThrow();
      assert.ok(!before.comment!.includes('\u0007'));

      // Tampered, unknown and closed links get a friendly page and reveal nothing.
      const tampered = path.slice(0, -3) + (path.endsWith('AAA') ? 'BBB' : 'AAA');
      const bad = await app.request(tampered);
      assert.equal(bad.status, 404);
      assert.match(await bad.text(), /This link does not work/);
      assert.equal((await app.request('/s/not-a-token')).status, 404);
      await app.request(`/api/v1/surveys/${survey.id}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: survey.name, kind: 'csat', status: 'closed' }),
      });
      const closed = await app.request(path);
      assert.equal(closed.status, 410);
      assert.match(await closed.text(), /This survey is closed/);
      assert.equal((await post({ score: '1' })).status, 410, 'no changes after closing');
      assert.equal(
        (await app.request(path)).headers.get('content-security-policy')?.includes("default-src 'none'"),
        true,
      );
    });

    test('batch invitations apply unsubscribes and fatigue; the widget answers anonymously', async () => {
      const { app, key, survey, org } = await setup();
      const api = (path: string, init: RequestInit = {}) =>
        app.request(path, {
          ...init,
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...(init.headers as object) },
        });
      const first = (await (
        await api(`/api/v1/surveys/${survey.id}/invitations`, {
          method: 'POST',
          body: JSON.stringify([{ customer_id: 'c-lt' }, { customer_id: 'c-en' }, { email: 'someone@example.com' }]),
        })
      ).json()) as any;
      assert.equal(first.created.length, 3);
      const unsubscribe = new URL(first.created[0].url).pathname + '/unsubscribe';
      assert.match(await (await app.request(unsubscribe)).text(), /Atsisakyti/);
      await app.request(unsubscribe, { method: 'POST' });
      const second = (await (
        await api(`/api/v1/surveys/${survey.id}/invitations`, {
          method: 'POST',
          body: JSON.stringify([{ customer_id: 'c-lt' }, { customer_id: 'c-en' }, { customer_id: 'c-ru' }]),
        })
      ).json()) as any;
      assert.deepEqual(
        second.skipped.map((s: any) => [s.customer_id, s.reason]),
        [
          ['c-lt', 'unsubscribed'],
          ['c-en', 'asked within the last 30 days'],
        ],
      );
      const invalid = await api(`/api/v1/surveys/${survey.id}/invitations`, {
        method: 'POST',
        body: JSON.stringify([{ phone: '1' }]),
      });
      assert.equal(invalid.status, 400);
      assert.match(((await invalid.json()) as any).error.message, /line|Unrecognized key/);

      const embed = (await (await api(`/api/v1/surveys/${survey.id}/embed`)).json()) as any;
      assert.match(embed.snippet, /^<iframe src="http:\/\/localhost\/w\/[A-Za-z0-9_.-]+"/);
      const widget = new URL(embed.url).pathname;
      const form = await app.request(widget, { headers: { 'accept-language': 'lt-LT,lt;q=0.9' } });
      assert.match(await form.text(), /Kiek esate patenkinti gauta pagalba\?/);
      const answered = await app.request(`${widget}?lang=lt`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'score=5',
      });
      assert.equal(answered.status, 303);
      assert.match(answered.headers.get('location')!, /^\/s\/[A-Za-z0-9_-]{64}\?lang=lt$/);
      const anonymous = await db.kysely
        .selectFrom('survey_response')
        .select(['score', 'customer_id', 'language'])
        .where('org_id', '=', org.id)
        .execute();
      assert.deepEqual(anonymous, [{ score: 5, customer_id: null, language: 'lt' }]);
      assert.equal((await app.request(widget.slice(0, -2) + 'xx')).status, 404);
    });
  });
}
