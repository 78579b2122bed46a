import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { startDemoServer, type DemoServer } from './demo-server.ts';
import { ensureBuilt } from './ensure-built.ts';

// The Data page reads a vendor's export through the server's preview: the suggested preset and
// its mapping are shown, and a dry run with them validates every record.
const CHROMIUM = '/usr/bin/chromium';
const root = path.resolve(import.meta.dirname, '../..');
const fixture = path.join(root, 'test/fixtures/presets/zendesk-tickets.csv');
const skip = fs.existsSync(CHROMIUM)
  ? false
  : `no Chromium at ${CHROMIUM} (apt-get install chromium): the browser tests are skipped`;

describe('Data page', { skip, timeout: 600_000 }, () => {
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

  test('a Zendesk export gets the zendesk preset and its mapping from the preview; the dry run passes', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${server.url}/`);
    await page.locator('input[type=email]').fill(server.logins.owner);
    await page.locator('input[type=password]').fill(server.password);
    await page.locator('button[type=submit]').click();
    await page.locator('[data-testid=kpi-grid]').waitFor();
    await page.goto(`${server.url}/data`);
    await page.locator('[data-testid=import-entity]').selectOption('orders');
    await page.locator('[data-testid=import-file]').setInputFiles(fixture);
    // The file looks like a Zendesk ticket export: the page switches to tickets and the preset.
    await page.locator('[data-testid=mapping]').waitFor();
    assert.equal(await page.locator('[data-testid=import-entity]').inputValue(), 'tickets');
    assert.equal(await page.locator('[data-testid=import-preset]').inputValue(), 'zendesk');
    assert.match((await page.locator('[data-testid=import-read-as]').textContent()) ?? '', /CSV · utf-8/);
    assert.equal(await page.getByLabel('Field: Assignee').inputValue(), 'agent_id');
    assert.equal(await page.getByLabel('Field: Updated at').inputValue(), 'attributes.updated_at');
    await page.locator('[data-testid=import-dry-run]').click();
    const summary = page.locator('[data-testid=import-summary]');
    await summary.waitFor();
    assert.match((await summary.textContent()) ?? '', /Dry run, nothing was stored\. 4 records: 4 inserted/);
    assert.deepEqual(errors, []);
  });
});
