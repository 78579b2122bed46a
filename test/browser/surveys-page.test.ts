import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { startDemoServer, type DemoServer } from './demo-server.ts';

// The dashboard's Surveys page in Chromium: the owner creates an NPS survey, finds it in the list
// and invites one demo customer by pasted CSV, which gives one link (no SMTP: nothing is mailed).
const CHROMIUM = '/usr/bin/chromium';
const root = path.resolve(import.meta.dirname, '../..');
const skip = fs.existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}: the browser tests are skipped`;

let server: DemoServer;
let browser: Browser;
before(async () => {
  if (skip) return;
  if (!fs.existsSync(path.join(root, 'web', 'dist', 'index.html'))) {
    const built = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-web.js')], { stdio: 'inherit' });
    assert.equal(built.status, 0, 'the dashboard builds');
  }
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

test('the owner creates an NPS survey and invites a customer by CSV', { skip, timeout: 60_000 }, async () => {
  const customer = await server.db.kysely
    .selectFrom('customer')
    .select('id')
    .orderBy('id')
    .limit(1)
    .executeTakeFirstOrThrow();
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${server.url}/`);
  await page.getByLabel('E-mail').fill(server.logins.owner);
  await page.getByLabel('Password').fill(server.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('link', { name: 'Surveys' }).click();
  await page.getByRole('heading', { name: 'Surveys' }).waitFor();
  await page.getByTestId('no-smtp').waitFor();

  await page.getByTestId('new-survey').click();
  await page.getByLabel('Name').fill('Browser NPS');
  await page.getByLabel('Identifier').fill('browser-nps');
  await page.getByTestId('survey-kind').selectOption('nps');
  await page.getByTestId('survey-save').click();
  await page.getByRole('heading', { name: 'Browser NPS' }).waitFor();

  await page.getByRole('link', { name: 'All surveys' }).click();
  const row = page.getByTestId('surveys-table').getByRole('row', { name: /Browser NPS/ });
  await row.waitFor();
  assert.match(await row.innerText(), /NPS/);

  await row.getByRole('link', { name: 'Browser NPS' }).click();
  await page.getByLabel('Paste CSV').fill(`customer_id\n${customer.id}`);
  await page.getByTestId('invite-send').click();
  await page.getByTestId('invite-links').waitFor();
  assert.equal(await page.getByTestId('invite-links').locator('li').count(), 1);
  assert.match(await page.getByTestId('invite-links').innerText(), /\/s\//);
  await page.getByTestId('invitations-table').getByText('waiting').waitFor();
  assert.deepEqual(errors, []);
});
