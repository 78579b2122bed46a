import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { refreshSentiment } from '../../src/feedback/sentiment/job.ts';
import { startDemoServer, type DemoServer } from './demo-server.ts';
import { ensureBuilt } from './ensure-built.ts';

// The Feedback page over the demo organization: the text's class beside the score, the themes
// table (a theme's name filters the stream to its comments), the ranked key-driver chart, and the
// "score and text disagree" filter.
const CHROMIUM = '/usr/bin/chromium';
const root = path.resolve(import.meta.dirname, '../..');
const skip = fs.existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}: the browser tests are skipped`;

describe('Feedback page in Chromium', { skip, timeout: 300_000 }, () => {
  let server: DemoServer;
  let browser: Browser;

  before(async () => {
    ensureBuilt(root);
    [server, browser] = await Promise.all([
      startDemoServer(),
      chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--headless=new',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-dev-shm-usage',
          '--disable-background-networking',
        ],
      }),
    ]);
    // What the feedback.sentiment job does after an import: tag the demo's comments with themes.
    for (const org of await server.db.kysely.selectFrom('organization').select('id').execute())
      await refreshSentiment(server.db, org.id, 1_000_000);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('text tone, themes with drill-down, key drivers and the disagree filter', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 1000 } })).newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${server.url}/`);
    await page.getByLabel('E-mail').fill(server.logins.owner);
    await page.getByLabel('Password').fill(server.password);
    await page.keyboard.press('Enter');
    await page.getByRole('link', { name: 'Feedback' }).first().click();
    await page.goto(`${server.url}/feedback?from=2026-02-01&to=2026-05-01`);
    await page.getByTestId('feedback-reading').first().waitFor();
    assert.match(
      await page.getByTestId('feedback-reading').first().innerText(),
      /^Text: (Very )?(negative|neutral|positive) \([+−-]?\d/i,
    );

    const themes = page.getByTestId('themes-table');
    await themes.waitFor();
    assert.match(await themes.innerText(), /Speed\s+\d+/);
    await page.getByTestId('drivers-chart').waitFor();
    const drivers = await page.getByTestId('drivers-chart').locator('li').allInnerTexts();
    assert.ok(drivers.length >= 2, drivers.join(' | '));
    const shares = drivers.map((d) => Number(/([\d.]+) %/.exec(d)?.[1]));
    assert.deepEqual(
      [...shares].sort((a, b) => b - a),
      shares,
      'ranked by weight',
    );

    const before = await page.getByTestId('feedback-total').innerText();
    await themes.getByRole('button', { name: 'Price' }).click();
    await page.waitForURL(/theme=price/);
    await page.waitForFunction(
      (text) => document.querySelector('[data-testid=feedback-total]')?.textContent !== text,
      before,
    );
    const first = await page.locator('.feedback-item p[lang]').first().innerText();
    assert.ok(first.length > 0);

    await page.goto(`${server.url}/feedback?from=2026-02-01&to=2026-05-01&disagree=true`);
    await page.getByTestId('feedback-disagree-mark').first().waitFor();
    const items = await page.locator('.feedback-item').count();
    const marks = await page.getByTestId('feedback-disagree-mark').count();
    assert.equal(marks, items, 'every item listed under the filter is marked as disagreeing');
    assert.deepEqual(errors, []);
  });
});
