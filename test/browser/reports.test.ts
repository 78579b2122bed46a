import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { startDemoServer, type DemoServer } from './demo-server.ts';
import { ensureBuilt } from './ensure-built.ts';

// The Reports page in a real browser over the demo organization, in Lithuanian: the owner sees
// that nothing is mailed without SMTP, defines a monthly report, sends the last period (stored,
// marked not mailed), downloads the stored PDF and opens a preview of a past month. The report is
// deleted at the end, so the demo database is left as it was found.
const CHROMIUM = '/usr/bin/chromium';
const root = path.resolve(import.meta.dirname, '../..');
const skip = fs.existsSync(CHROMIUM)
  ? false
  : `no Chromium at ${CHROMIUM} (apt-get install chromium): the browser tests are skipped`;

describe('reports in Chromium', { skip, timeout: 420_000 }, () => {
  let server: DemoServer;
  let browser: Browser;

  before(async () => {
    ensureBuilt(root);
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
  });

  test('the owner defines a report, sends it without SMTP and downloads the stored PDF', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    await context.addInitScript(`localStorage.setItem('cxkpi.language', 'lt')`);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${server.url}/`);
    await page.locator('input[type=email]').fill(server.logins.owner);
    await page.locator('input[type=password]').fill(server.password);
    await page.locator('button[type=submit]').click();
    await page.locator('[data-testid=kpi-grid]').waitFor();
    // The overview's queries share the embedded database with the report: let them finish first.
    await page.waitForLoadState('networkidle');

    assert.equal(await page.getByRole('link', { name: 'Ataskaitos' }).getAttribute('href'), '/reports');
    await page.goto(`${server.url}/reports`);
    await page.getByTestId('report-form').waitFor();
    assert.match(await page.getByTestId('reports-no-smtp').innerText(), /nesiunčiamos el\. paštu/);
    const form = page.getByTestId('report-form');
    await form.getByTestId('report-name').fill('Mėnesio KPI');
    // One KPI keeps the report quick to generate on a busy machine.
    await form.getByTestId('report-metric-csat').uncheck();
    await form.getByTestId('report-metric-first_response_time').uncheck();
    await form.getByTestId('report-metric-tickets_created').check();
    await form.getByTestId('report-recipients').fill('direktorius@example.com');
    await form.getByTestId('report-save').click();
    await form.getByRole('status').waitFor();
    const row = page.getByTestId('report-row').filter({ hasText: 'Mėnesio KPI' });
    assert.match(await row.innerText(), /kas mėnesį, 1 d\. 08:00/);

    await row.getByTestId('report-send').click();
    // Generating the three formats on a busy two-core machine can take a while.
    const outcome = page.getByTestId('reports-outcome');
    await outcome.waitFor({ timeout: 180_000 });
    assert.match(await outcome.innerText(), /el\. paštu neišsiųsta \(nėra SMTP serverio\)/);
    const stored = page.getByTestId('archive-row').filter({ hasText: 'Mėnesio KPI' });
    assert.match(await stored.getByTestId('archive-mail').innerText(), /neišsiųsta \(nėra SMTP serverio\)/);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      stored.getByRole('link', { name: 'PDF' }).click(),
    ]);
    const file = await download.path();
    assert.equal(fs.readFileSync(file).subarray(0, 5).toString(), '%PDF-');

    // A preview of a month with data, as the page links it: a PDF for the owner's session.
    await page.getByTestId('preview-report').selectOption({ label: 'Mėnesio KPI' });
    await page.getByTestId('preview-period').fill('2026-04');
    const href = await page.getByTestId('preview-pdf').getAttribute('href');
    const preview = await page.request.get(`${server.url}${href}`);
    assert.equal(preview.status(), 200);
    assert.equal(preview.headers()['content-type'], 'application/pdf');

    await row.getByRole('button', { name: 'Ištrinti' }).click();
    await page.getByText('Ataskaita ištrinta.').waitFor();
    assert.deepEqual(errors, []);
    await context.close();
  });
});
