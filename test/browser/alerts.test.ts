import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startDemoServer, type DemoServer } from './demo-server.ts';
import { ensureBuilt } from './ensure-built.ts';

// Alerts in a real browser over the demo organization: the owner is shown the server's field
// errors, creates a CSAT threshold alert with a webhook to a receiver on 127.0.0.1 and sees its
// signing secret once; an evaluation (POST /api/v1/alerts/evaluate with the page's session) makes
// it fire, the server's job runner posts the signed firing to the receiver, the History tab shows
// the delivered event, which the owner acknowledges; the Jobs tab lists the delivery; the page fits
// a phone in Russian and Lithuanian. A second alert's webhook answers 500: its events show failed
// with the error, and Retry on the dead jobs (Jobs tab) delivers them once the receiver is back.
// The alerts are deleted at the end, through the page.
const CHROMIUM = '/usr/bin/chromium';
const root = path.resolve(import.meta.dirname, '../..');
const shots = fs.mkdtempSync(path.join(os.tmpdir(), 'cxkpi-alerts-'));
const skip = fs.existsSync(CHROMIUM)
  ? false
  : `no Chromium at ${CHROMIUM} (apt-get install chromium): the browser tests are skipped`;
const WIDTH = 390;
const NAME = 'CSAT below 100 % (browser test)';
const DOWN = 'CSAT to a webhook that is down (browser test)';

interface Received {
  path: string;
  signature: string | undefined;
  body: string;
}

describe('alerts in Chromium', { skip, timeout: 240_000 }, () => {
  let server: DemoServer;
  let browser: Browser;
  let receiver: http.Server;
  let hook: string;
  const received: Received[] = [];
  let secret = '';
  /** While set, the receiver answers /down with 500. */
  let down = true;

  before(async () => {
    ensureBuilt(root);
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({
          path: req.url ?? '',
          signature: req.headers['x-cxkpi-signature'] as string | undefined,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        res.writeHead(req.url === '/down' && down ? 500 : 204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    [server, browser] = await Promise.all([
      startDemoServer(),
      chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
      }),
    ]);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  async function open(
    who: keyof DemoServer['logins'],
    options: { width?: number; language?: 'en' | 'ru' | 'lt' } = {},
  ): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport: { width: options.width ?? 1280, height: 900 } });
    await context.addInitScript(`localStorage.setItem('cxkpi.language', '${options.language ?? 'en'}')`);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${server.url}/`);
    await page.locator('input[type=email]').fill(server.logins[who]);
    await page.locator('input[type=password]').fill(server.password);
    await page.locator('button[type=submit]').click();
    await page.locator('[data-testid=kpi-grid]').waitFor();
    return { page, errors };
  }

  /** A POST with the page's session cookie and CSRF token, as the dashboard sends it. */
  async function post(page: Page, url: string, body: unknown): Promise<{ status: number; json: unknown }> {
    return page.evaluate(
      async ([url, body]) => {
        const me = (await (await fetch('/api/v1/auth/me')).json()) as { csrf_token?: string };
        const response = await fetch(url as string, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrf_token ?? '' },
          body: JSON.stringify(body),
        });
        return { status: response.status, json: await response.json().catch(() => null) };
      },
      [url, body] as const,
    );
  }

  async function fill(page: Page, webhook: string) {
    const form = page.getByTestId('alert-form');
    await form.getByTestId('alert-name').fill(NAME);
    await form.getByTestId('alert-metric').selectOption('csat');
    await form.getByTestId('alert-rule').selectOption('threshold');
    await form.getByTestId('alert-side').selectOption('below');
    await form.getByTestId('alert-value').fill('100');
    await form.getByTestId('alert-grain').selectOption('month');
    await form.getByTestId('alert-scope').selectOption('');
    await form.getByTestId('alert-webhooks').fill(webhook);
    await form.getByTestId('alert-submit').click();
  }

  test('the owner creates a CSAT threshold alert with a webhook and sees its secret once', async () => {
    const { page, errors } = await open('owner');
    await page.getByRole('link', { name: 'Alerts' }).click();
    await page.getByTestId('alert-form').waitFor();
    assert.match(await page.getByTestId('alerts').innerText(), /No alerts yet\. Create one below/);

    // A webhook that is no web address: the server's field error, nothing stored.
    await fill(page, 'ftp://127.0.0.1/hook');
    const failure = page.getByTestId('alert-field-errors');
    await failure.waitFor();
    assert.match(await failure.innerText(), /^notify\.0/m);
    assert.equal(await page.getByTestId('alert-row').count(), 0);

    await fill(page, hook);
    const created = page.getByTestId('alert-created');
    await created.waitFor();
    assert.match(await created.innerText(), /shown only now/);
    secret = await created.getByTestId('alert-secret').innerText();
    assert.match(secret, /^[0-9a-f]{64}$/);
    assert.ok(await created.getByTestId('alert-copy').isVisible());
    const row = page.getByTestId('alert-row');
    await row.waitFor();
    assert.deepEqual(
      (await row.innerText())
        .split('\t')
        .slice(0, 6)
        .map((cell) => cell.trim()),
      [NAME, 'Customer satisfaction (CSAT)', 'below 100.0%', 'Whole organization', 'Month', hook],
    );
    // Opened again, the page knows no secret: the server gives it only in the creation's answer.
    await page.reload();
    await page.getByTestId('alert-row').waitFor();
    assert.equal(await page.getByTestId('alert-secret').count(), 0);
    assert.ok(!(await page.content()).includes(secret));
    assert.deepEqual(errors, []);
  });

  test('an evaluation fires it, the webhook gets the signed firing, the owner acknowledges it', async () => {
    const { page, errors } = await open('owner');
    // The demo's data end on 2026-05-01: at 2 May, March and April are the periods checked.
    const evaluated = await post(page, '/api/v1/alerts/evaluate', { at: '2026-05-02T12:00:00Z' });
    assert.equal(evaluated.status, 200, JSON.stringify(evaluated.json));
    const fired = (evaluated.json as { fired: Array<{ alert: string; period: string }> }).fired.filter(
      (f) => f.alert === NAME,
    );
    assert.ok(fired.length >= 1, JSON.stringify(evaluated.json));

    // The server's job runner delivers within seconds; the receiver checks the signature.
    for (let i = 0; i < 100 && received.length < fired.length; i++) await new Promise((r) => setTimeout(r, 200));
    assert.equal(received.length, fired.length, 'one webhook call per firing');
    for (const call of received) {
      assert.equal(call.path, '/hook');
      assert.equal(call.signature, `sha256=${createHmac('sha256', secret).update(call.body).digest('hex')}`);
      assert.equal((JSON.parse(call.body) as { alert: string }).alert, NAME);
    }

    await page.goto(`${server.url}/alerts`);
    await page.getByTestId('alerts-tab-history').click();
    const history = page.getByTestId('alerts-history');
    await history.waitFor();
    const events = history.locator('[data-testid=alert-event]', { hasText: NAME });
    assert.equal(await events.count(), fired.length);
    for (let i = 0; i < 50 && (await history.locator('[data-state=fired]').count()) > 0; i++) {
      await page.waitForTimeout(200);
      await page.reload();
      await history.waitFor();
    }
    const latest = fired.map((f) => f.period).sort()[fired.length - 1]!;
    const event = events.first();
    assert.equal(await event.getAttribute('data-state'), 'delivered');
    const text = await event.innerText();
    assert.match(text, new RegExp(latest === '2026-04-01' ? 'April 2026' : 'March 2026'), 'newest period first');
    assert.match(text, /\d+\.\d%\s+≥ 100\.0%/, 'value and expected range in %');
    assert.match(text, /\sbelow 100\.0%/, "the reason in the metric's unit");
    assert.match(text, /delivered/);
    const link = await event.getByTestId('alert-explore').getAttribute('href');
    // The fired month is the last of the view (to is exclusive): April 2026 shows May 2025 to April.
    const view = latest === '2026-04-01' ? ['2025-05-01', '2026-05-01'] : ['2025-04-01', '2026-04-01'];
    assert.equal(link, `/explorer?metric=csat&grain=month&from=${view[0]}&to=${view[1]}`);

    await event.getByRole('button', { name: 'Acknowledge' }).click();
    await page.waitForFunction(
      () => document.querySelector('[data-testid=alert-event]')?.getAttribute('data-state') === 'acknowledged',
    );
    assert.match(
      await events.first().getByTestId('alert-state').innerText(),
      new RegExp(`acknowledged by ${server.logins.owner.replace('.', '\\.')}`),
    );
    assert.equal(await events.first().getByRole('button', { name: 'Acknowledge' }).count(), 0);
    await page.screenshot({ path: path.join(shots, 'history.png'), fullPage: true });

    // The Jobs tab (administrators) lists the delivery, done at its first attempt.
    await page.getByTestId('alerts-tab-jobs').click();
    const delivery = page.locator('[data-testid=job-row][data-kind="alert.deliver"]').first();
    await delivery.waitFor();
    assert.equal(await delivery.getAttribute('data-state'), 'done');
    assert.match(await delivery.innerText(), /alert delivery\s+done\s+1 of 6/);
    assert.deepEqual(errors, []);
  });

  test('a delivery that keeps failing shows failed with its error; Retry on the dead job delivers it', async () => {
    const { page, errors } = await open('owner');
    const created = await post(page, '/api/v1/alerts', {
      name: DOWN,
      metric: 'csat',
      rule: 'threshold',
      below: 1,
      grain: 'month',
      notify: [{ webhook: hook.replace(/\/hook$/, '/down') }],
    });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const evaluated = await post(page, '/api/v1/alerts/evaluate', { at: '2026-05-02T12:00:00Z' });
    const fired = (evaluated.json as { fired: Array<{ alert: string }> }).fired;
    assert.ok(fired.length >= 1 && fired.every((f) => f.alert === DOWN), JSON.stringify(evaluated.json));

    // The runner backs off 1, 2, 4 ... minutes; the test makes each failed delivery's next attempt
    // its last and due now, so the jobs die within seconds.
    const dead = () =>
      server.db.kysely
        .selectFrom('job')
        .select('id')
        .where('kind', '=', 'alert.deliver')
        .where('state', '=', 'dead')
        .execute();
    for (let i = 0; i < 100 && (await dead()).length < fired.length; i++) {
      await server.db.kysely
        .updateTable('job')
        .set({ max_attempts: sql<number>`attempts + 1`, run_at: new Date() })
        .where('kind', '=', 'alert.deliver')
        .where('state', '=', 'pending')
        .where('attempts', '>=', 1)
        .execute();
      await new Promise((r) => setTimeout(r, 300));
    }
    assert.equal((await dead()).length, fired.length);

    await page.goto(`${server.url}/alerts?tab=history`);
    const failedEvents = page.locator('[data-testid=alert-event]', { hasText: DOWN });
    await failedEvents.first().waitFor();
    assert.equal(await failedEvents.count(), fired.length);
    for (const state of await failedEvents.getByTestId('alert-state').allInnerTexts())
      assert.match(state, /^failed webhook http:\/\/127\.0\.0\.1:\d+\/down answered 500$/);

    await page.getByTestId('alerts-tab-jobs').click();
    const deadRows = page.locator('[data-testid=job-row][data-state=dead]');
    await deadRows.first().waitFor();
    assert.equal(await deadRows.count(), fired.length);
    assert.match(await deadRows.first().innerText(), /alert delivery\s+dead\s+2 of 2[\s\S]*answered 500/);
    down = false;
    for (let left = fired.length; left > 0; left--) {
      await deadRows.first().getByRole('button', { name: 'Retry' }).click();
      await page.getByText('The job will run again shortly.').waitFor();
      await page.waitForFunction(
        (n) => document.querySelectorAll('[data-testid=job-row][data-state=dead]').length === n,
        left - 1,
      );
    }
    const accepted = () => received.filter((r) => r.path === '/down').length;
    for (let i = 0; i < 100 && accepted() < 3 * fired.length; i++) await new Promise((r) => setTimeout(r, 200));
    assert.equal(accepted(), 3 * fired.length, 'two failed attempts and the retried one per firing');

    await page.goto(`${server.url}/alerts?tab=history`);
    await failedEvents.first().waitFor();
    for (let i = 0; i < 50 && (await page.locator('[data-testid=alert-event][data-state=failed]').count()) > 0; i++) {
      await page.waitForTimeout(200);
      await page.reload();
      await failedEvents.first().waitFor();
    }
    for (const state of await failedEvents.getByTestId('alert-state').allInnerTexts()) assert.equal(state, 'delivered');
    assert.deepEqual(errors, []);
  });

  test('a viewer reads alerts but has no form and no Jobs tab', async () => {
    const { page, errors } = await open('viewer');
    await page.getByRole('link', { name: 'Alerts' }).click();
    await page.getByTestId('alert-row').first().waitFor();
    assert.equal(await page.getByTestId('alert-form').count(), 0);
    assert.equal(await page.getByTestId('alerts-tab-jobs').count(), 0);
    assert.match(await page.getByTestId('alerts').innerText(), /Your role reads alerts/);
    assert.deepEqual(errors, []);
  });

  for (const language of ['ru', 'lt'] as const)
    test(`the Alerts page fits ${WIDTH} px in ${language}`, async () => {
      const { page, errors } = await open('owner', { width: WIDTH, language });
      const wide: string[] = [];
      for (const [tab, selector] of [
        ['list', 'alerts-table'],
        ['history', 'alerts-history'],
        ['jobs', 'jobs-table'],
      ] as const) {
        await page.goto(`${server.url}/alerts?tab=${tab}`);
        await page.getByTestId(selector).waitFor();
        await page.waitForTimeout(150);
        const width = (await page.evaluate('document.documentElement.scrollWidth')) as number;
        if (width > WIDTH) wide.push(`${tab}: ${width} px`);
        await page.screenshot({ path: path.join(shots, `phone-${language}-alerts-${tab}.png`), fullPage: true });
      }
      assert.deepEqual(wide, [], `document.scrollWidth <= ${WIDTH}`);
      assert.deepEqual(errors, []);
    });

  test('the owner deletes the alert after a confirmation, and its history goes with it', async () => {
    const { page, errors } = await open('owner');
    await page.goto(`${server.url}/alerts`);
    const rows = page.getByTestId('alert-row');
    await rows.first().waitFor();
    for (let left = 1; left >= 0; left--) {
      await rows.first().getByRole('button', { name: 'Delete' }).click();
      assert.match(await rows.first().innerText(), /Delete this alert and its history\?/);
      await rows.first().getByRole('button', { name: 'Delete' }).click();
      await page.getByText('Alert deleted.').waitFor();
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid=alert-row]').length === n, left);
    }
    await page.getByTestId('alerts-tab-history').click();
    await page.getByText(/Nothing has fired yet/).waitFor();
    assert.deepEqual(errors, []);
  });
});
