import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { createAlert, evaluateAlerts, listAlertEvents } from '../src/alerts/index.ts';
import { createApiKey, OPERATOR, type Access } from '../src/auth/index.ts';
import { main } from '../src/cli/main.ts';
import { loadConfig } from '../src/config.ts';
import { createApp } from '../src/http/app.ts';
import { createLogger } from '../src/http/logger.ts';
import { generateDemo } from '../src/demo/index.ts';
import { importRecords } from '../src/ingest/index.ts';
import { listJobs, retryJob, runDueJobs } from '../src/jobs/index.ts';
import { JOB_KINDS } from '../src/jobs/kinds.ts';
import { setTarget } from '../src/kpi/index.ts';
import { createMailer } from '../src/mail/mailer.ts';
import { captureIo } from './helpers/capture-io.ts';
import { createTestOrg, variants } from './helpers/databases.ts';

// A real SMTP server and a webhook receiver on the loopback interface.
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
const mailer = createMailer({
  smtpUrl: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
  mailFrom: 'CX <cx@example.com>',
})!;

interface Received {
  path: string;
  body: string;
  signature: string;
}
const received: Received[] = [];
/** Per path: how many times to answer 500 before 200 (Infinity: always). */
const failures = new Map<string, number>();
const receiver = http.createServer((request, response) => {
  let body = '';
  request.on('data', (chunk) => (body += chunk));
  request.on('end', () => {
    received.push({ path: request.url!, body, signature: String(request.headers['x-cxkpi-signature']) });
    const left = failures.get(request.url!) ?? 0;
    failures.set(request.url!, left - 1);
    response.writeHead(left > 0 ? 500 : 200).end();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const hook = (path: string) => `http://127.0.0.1:${(receiver.address() as AddressInfo).port}${path}`;
after(async () => {
  mailer.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

const MIN = 60_000;
/** Deliveries only, so that other tests' alerts in a shared database are left alone. */
const deliverAt = (db: Parameters<typeof runDueJobs>[0]['db'], now: Date) =>
  runDueJobs(
    { db, mailer, publicUrl: 'http://cx.test', now },
    { kinds: { 'alert.deliver': JOB_KINDS['alert.deliver']! } },
  );

for (const variant of variants) {
  describe(`alerts on ${variant.name}`, () => {
    test("the demo's price rise: an anomaly alert on churn fires for month 7 and for no normal month", async () => {
      const db = await variant.db();
      const org = await createTestOrg(db, { timezone: 'Europe/Vilnius' });
      const demo = generateDemo({ seed: 42, end: '2026-12-01' });
      await importRecords(db, org, 'customers', { objects: demo.customers as never });
      await importRecords(db, org, 'subscriptions', { objects: demo.subscriptions as never });
      const owner: Access = { ...OPERATOR, orgId: org.id };
      await createAlert(db, org, owner, { name: 'Churn spike', metric: 'customer_churn_rate', rule: 'anomaly' });
      const fired = [];
      // Evaluated at the start of every month of the window, as the server would.
      for (let month = 1; month <= 12; month++) {
        const at = new Date(Date.UTC(month === 1 ? 2025 : 2026, month === 1 ? 11 : month - 2, 1, 12));
        fired.push(...(await evaluateAlerts(db, { orgId: org.id, at })).fired);
      }
      assert.deepEqual(
        fired.map((f) => f.period),
        ['2026-06-01'],
        'the window starts in December 2025, so month 7 is June 2026',
      );
      assert.match(fired[0]!.reason, /^p-chart/);
      assert.ok(fired[0]!.value! > fired[0]!.expected_high!);
      assert.equal((await evaluateAlerts(db, { orgId: org.id, at: new Date('2026-07-01T12:00:00Z') })).fired.length, 0);
    });

    test('a threshold alert: a signed webhook retried twice, e-mails in Russian and Lithuanian, once per period', async () => {
      const db = await variant.db();
      const org = await createTestOrg(db, { timezone: 'UTC', language: 'ru' });
      const tag = org.slug.slice(-8);
      await importRecords(db, org, 'survey_responses', {
        objects: Array.from({ length: 40 }, (_, i) => ({
          id: `r${i}`,
          kind: 'csat',
          score: i < 28 ? 5 : 2,
          submitted_at: `2026-03-${String(1 + (i % 31)).padStart(2, '0')}T10:00:00Z`,
        })),
      });
      const owner: Access = { ...OPERATOR, orgId: org.id };
      failures.set(`/hook-${tag}`, 2);
      const { secret } = await createAlert(db, org, owner, {
        name: 'Low CSAT',
        metric: 'csat',
        below: 0.8,
        notify: [{ webhook: hook(`/hook-${tag}`) }, { email: `lead-${tag}@example.com` }],
      });
      await createAlert(db, org, owner, {
        name: 'Low CSAT (lt)',
        metric: 'csat',
        below: 0.8,
        language: 'lt',
        notify: [{ email: `vadove-${tag}@example.com` }],
      });
      const at = new Date('2026-04-01T06:00:00Z');
      const { fired } = await evaluateAlerts(db, { orgId: org.id, at });
      assert.deepEqual(
        fired.map((f) => [f.alert, f.period, f.value, f.expected_low, f.rule]),
        [
          ['Low CSAT', '2026-03-01', 0.7, 0.8, 'threshold'],
          ['Low CSAT (lt)', '2026-03-01', 0.7, 0.8, 'threshold'],
        ],
      );
      assert.equal((await evaluateAlerts(db, { orgId: org.id, at })).fired.length, 0, 'fires once per period');

      await deliverAt(db, at);
      await deliverAt(db, new Date(at.getTime() + 1 * MIN));
      await deliverAt(db, new Date(at.getTime() + 3 * MIN));
      const calls = received.filter((r) => r.path === `/hook-${tag}`);
      assert.equal(calls.length, 3, 'two failures, then accepted');
      const last = calls[2]!;
      assert.equal(last.signature, `sha256=${createHmac('sha256', secret).update(last.body).digest('hex')}`);
      const payload = JSON.parse(last.body);
      assert.deepEqual(
        [payload.alert, payload.metric, payload.period, payload.value, payload.expected_low, payload.rule],
        ['Low CSAT', 'csat', '2026-03-01', 0.7, 0.8, 'threshold'],
      );
      assert.equal(payload.link, 'http://cx.test/explorer?metric=csat&grain=month&from=2025-04-01&to=2026-04-01');

      const mail = (to: string) => inbox.find((m) => (m.to as { text: string }).text === to);
      const ru = mail(`lead-${tag}@example.com`)!;
      assert.match(ru.subject!, /^Оповещение cxkpi: Удовлетворённость клиентов|^Оповещение cxkpi: /);
      assert.match(ru.text!, /Значение: 0,7/);
      assert.match(ru.text!, /Правило: порог: below 0\.8/);
      const lt = mail(`vadove-${tag}@example.com`)!;
      assert.match(lt.subject!, /^cxkpi įspėjimas: /);
      assert.match(lt.text!, /Reikšmė: 0,7/);
      const history = await listAlertEvents(db, org.id);
      assert.deepEqual(
        history.map((e) => e.state),
        ['delivered', 'delivered'],
      );
    });

    test('two runners racing deliver each fired alert exactly once', async () => {
      const db = await variant.db();
      const org = await createTestOrg(db, { timezone: 'UTC' });
      const tag = org.slug.slice(-8);
      await importRecords(db, org, 'survey_responses', {
        objects: Array.from({ length: 31 }, (_, i) => ({
          id: `r${i}`,
          kind: 'csat',
          score: 1,
          submitted_at: `2026-03-${String(1 + i).padStart(2, '0')}T10:00:00Z`,
        })),
      });
      const owner: Access = { ...OPERATOR, orgId: org.id };
      for (let i = 0; i < 12; i++)
        await createAlert(db, org, owner, {
          name: `Race ${i}`,
          metric: 'csat',
          below: 0.5,
          notify: [{ webhook: hook(`/race-${tag}`) }],
        });
      const at = new Date('2026-04-01T06:00:00Z');
      assert.equal((await evaluateAlerts(db, { orgId: org.id, at })).fired.length, 12);
      await Promise.all([deliverAt(db, at), deliverAt(db, at)]);
      const calls = received.filter((r) => r.path === `/race-${tag}`);
      const events = calls.map((call) => JSON.parse(call.body).event as string);
      assert.equal(calls.length, 12, 'one POST per fired alert');
      assert.equal(new Set(events).size, 12);
    });

    test('a webhook that keeps failing leaves the event failed with the reason', async () => {
      const db = await variant.db();
      const org = await createTestOrg(db, { timezone: 'UTC' });
      const tag = org.slug.slice(-8);
      await importRecords(db, org, 'survey_responses', {
        objects: Array.from({ length: 40 }, (_, i) => ({
          id: `r${i}`,
          kind: 'csat',
          score: 2,
          submitted_at: `2026-03-${String(1 + (i % 31)).padStart(2, '0')}T10:00:00Z`,
        })),
      });
      failures.set(`/down-${tag}`, Infinity);
      const owner: Access = { ...OPERATOR, orgId: org.id };
      await createAlert(db, org, owner, {
        name: 'Down',
        metric: 'csat',
        below: 0.5,
        notify: [{ webhook: hook(`/down-${tag}`) }],
      });
      let at = new Date('2026-04-01T06:00:00Z');
      await evaluateAlerts(db, { orgId: org.id, at });
      for (let i = 0; i < 6; i++, at = new Date(at.getTime() + 6 * 60 * MIN)) await deliverAt(db, at);
      const [event] = await listAlertEvents(db, org.id);
      assert.equal(event!.state, 'failed');
      assert.match(event!.error!, /answered 500/);
      assert.equal(received.filter((r) => r.path === `/down-${tag}`).length, 6);

      // The receiver is back and an administrator retries the dead delivery: the event is delivered.
      failures.set(`/down-${tag}`, 0);
      const [dead] = await listJobs(db, org.id, { kind: 'alert.deliver', state: 'dead' });
      await retryJob(db, org.id, dead!.id, at);
      await deliverAt(db, at);
      const [retried] = await listAlertEvents(db, org.id);
      assert.deepEqual([retried!.state, retried!.error], ['delivered', null]);
      assert.ok(retried!.delivered_at);
    });

    test('a target alert fires on a significant miss only when asked; bad rules are refused', async () => {
      const db = await variant.db();
      const org = await createTestOrg(db, { timezone: 'UTC' });
      await importRecords(db, org, 'survey_responses', {
        objects: Array.from({ length: 40 }, (_, i) => ({
          id: `r${i}`,
          kind: 'csat',
          score: i < 32 ? 5 : 2,
          submitted_at: `2026-03-${String(1 + (i % 31)).padStart(2, '0')}T10:00:00Z`,
        })),
      });
      const owner: Access = { ...OPERATOR, orgId: org.id };
      await setTarget(db, org, owner, { metric: 'csat', value: 0.85, from: '2026-01-01' });
      await createAlert(db, org, owner, { name: 'Missed', metric: 'csat', rule: 'target' });
      await createAlert(db, org, owner, {
        name: 'Clearly missed',
        metric: 'csat',
        rule: 'target',
        significant_only: true,
      });
      const { fired } = await evaluateAlerts(db, { orgId: org.id, at: new Date('2026-04-02T00:00:00Z') });
      assert.deepEqual(
        fired.map((f) => [f.alert, f.value, f.expected_low]),
        [['Missed', 0.8, 0.85]],
        '80 % of 40 does not rule out 85 %',
      );

      const refused = async (input: Record<string, unknown>, field: string) => {
        await assert.rejects(
          createAlert(db, org, owner, { name: 'x', metric: 'csat', ...input } as never),
          (error: any) => {
            assert.equal(error.status, 400);
            assert.ok(
              error.details?.some((d: { field: string }) => d.field === field),
              `${field} in ${JSON.stringify(error.details)}`,
            );
            return true;
          },
        );
      };
      await refused({ rule: 'threshold' }, 'above');
      await refused({ rule: 'threshold', below: 85 }, 'below');
      await refused({ rule: 'target', grain: 'week' }, 'grain');
      await refused({ rule: 'anomaly', notify: [{ webhook: 'ftp://example.com/x' }] }, 'notify.0.webhook');
      await refused({ rule: 'anomaly', notify: [{ email: 'nobody' }] }, 'notify.0.email');
      await assert.rejects(
        createAlert(db, org, owner, { name: 'Missed', metric: 'csat', rule: 'anomaly' }),
        /An alert named "Missed" exists/,
      );
      const viewer: Access = { ...OPERATOR, orgId: org.id, kind: 'user', role: 'viewer', actor: 'v' };
      await assert.rejects(createAlert(db, org, viewer, { name: 'v', metric: 'csat', rule: 'anomaly' }), /Only owners/);
    });

    test('over HTTP: create with a full key, refused for a read key, evaluate, history, acknowledge', async () => {
      const db = await variant.db();
      const org = await createTestOrg(db, { timezone: 'UTC' });
      await importRecords(db, org, 'survey_responses', {
        objects: Array.from({ length: 31 }, (_, i) => ({
          id: `r${i}`,
          kind: 'csat',
          score: 1,
          submitted_at: `2026-03-${String(1 + i).padStart(2, '0')}T10:00:00Z`,
        })),
      });
      const app = createApp({ db, config: loadConfig({}, {}), logger: createLogger('silent') });
      const full = (await createApiKey(db.kysely, org.id, { name: 'full', scope: 'full' })).key;
      const read = (await createApiKey(db.kysely, org.id, { name: 'read', scope: 'read' })).key;
      const call = (key: string, method: string, url: string, body?: unknown) =>
        app.request(url, {
          method,
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      const bad = await call(full, 'POST', '/api/v1/alerts', { name: 'x', metric: 'csat', rule: 'threshold' });
      assert.equal(bad.status, 400);
      assert.equal(((await bad.json()) as any).error.details[0].field, 'above');
      assert.equal((await call(read, 'POST', '/api/v1/alerts', { name: 'r', metric: 'csat', below: 0.5 })).status, 403);
      const created = await call(full, 'POST', '/api/v1/alerts', { name: 'Low', metric: 'csat', below: 0.5 });
      assert.equal(created.status, 201);
      assert.match(((await created.json()) as any).secret, /^[0-9a-f]{64}$/);
      const listed = (await (await call(read, 'GET', '/api/v1/alerts')).json()) as any;
      assert.deepEqual(
        listed.alerts.map((a: any) => [a.name, a.below, 'secret' in a]),
        [['Low', 0.5, false]],
        'the secret is not listed',
      );
      assert.equal((await call(read, 'POST', '/api/v1/alerts/evaluate', {})).status, 403);
      const evaluated = await call(full, 'POST', '/api/v1/alerts/evaluate', { at: '2026-04-01T08:00:00Z' });
      const { fired } = (await evaluated.json()) as any;
      assert.deepEqual(
        fired.map((f: any) => [f.alert, f.metric, f.period, f.value, f.rule]),
        [['Low', 'csat', '2026-03-01', 0, 'threshold']],
      );
      const history = (await (await call(read, 'GET', '/api/v1/alerts/history')).json()) as any;
      assert.equal(history.events[0].state, 'fired', 'no channel: kept in the history');
      const ack = await call(read, 'POST', `/api/v1/alerts/history/${history.events[0].id}/acknowledge`);
      assert.equal(ack.status, 204);
      const after = (await (await call(read, 'GET', '/api/v1/alerts/history')).json()) as any;
      assert.deepEqual([after.events[0].state, after.events[0].acknowledged_by], ['acknowledged', 'API key read']);
      assert.equal((await call(full, 'DELETE', '/api/v1/alerts/Low')).status, 204);
      assert.equal((await call(full, 'DELETE', '/api/v1/alerts/Low')).status, 404);
    });
  });
}

test('cxkpi alerts: create, evaluate once per period with the spec JSON, history', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxkpi-alerts-'));
  const io = captureIo;
  try {
    const data = path.join(dir, 'data');
    const file = path.join(dir, 'answers.csv');
    fs.writeFileSync(
      file,
      'id,kind,score,submitted_at\n' +
        Array.from(
          { length: 31 },
          (_, i) => `r${i},csat,${i < 10 ? 5 : 1},2026-03-${String(1 + i).padStart(2, '0')}T10:00:00Z`,
        ).join('\n'),
    );
    const db = ['--data-dir', data];
    assert.equal(await main(['import', 'survey_responses', file, ...db], io()), 0);
    let out = io();
    assert.equal(await main(['alerts', 'create', 'Low CSAT', '--metric', 'csat', '--below', 'low', ...db], out), 2);
    assert.match(out.text, /--below "low" must be a number/);
    out = io();
    assert.equal(
      await main(['alerts', 'create', 'Low CSAT', '--metric', 'csat', '--notify', 'pigeon:home', ...db], out),
      2,
    );
    assert.match(out.text, /--notify "pigeon:home" must be email:ADDRESS or webhook:URL/);
    out = io();
    assert.equal(await main(['alerts', 'create', 'Low CSAT', '--metric', 'csat', '--below', '0.5', ...db], out), 0);
    assert.match(out.text, /Created alert "Low CSAT" \(threshold on csat per month\)/);
    out = io();
    assert.equal(await main(['alerts', 'evaluate', '--at', '2026-04-02', '--format', 'json', ...db], out), 0);
    const { fired } = JSON.parse(out.text);
    assert.deepEqual(Object.keys(fired[0]).sort(), [
      'alert',
      'expected_high',
      'expected_low',
      'group',
      'metric',
      'period',
      'reason',
      'rule',
      'value',
    ]);
    assert.deepEqual([fired[0].alert, fired[0].period, fired[0].value], ['Low CSAT', '2026-03-01', 10 / 31]);
    out = io();
    assert.equal(await main(['alerts', 'evaluate', '--at', '2026-04-02', '--format', 'json', ...db], out), 0);
    assert.deepEqual(JSON.parse(out.text), { fired: [] }, 'a second evaluation fires nothing new');
    out = io();
    assert.equal(await main(['alerts', 'history', ...db], out), 0);
    assert.match(out.text, /Low CSAT {2}2026-03-01 {2}value 0\.32\d+ {2}fired/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
