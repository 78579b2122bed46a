import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startDemoServer, type DemoServer } from './demo-server.ts';
import { ensureBuilt } from './ensure-built.ts';

// The dashboard on a phone (390 px wide) in Russian and Lithuanian, the languages with the
// longest words: no page is wider than the screen, and tables keep their numbers as cards.
// Screenshots (phone-<language>-<page>.png) go to a temporary directory; with
// UPDATE_SCREENSHOTS=1 the team page in Russian also goes to docs/screenshots/phone-team-ru.png.
const CHROMIUM = '/usr/bin/chromium';
const WIDTH = 390;
const root = path.resolve(import.meta.dirname, '../..');
const shots = fs.mkdtempSync(path.join(os.tmpdir(), 'cxkpi-phone-'));
const skip = fs.existsSync(CHROMIUM)
  ? false
  : `no Chromium at ${CHROMIUM} (apt-get install chromium): the browser tests are skipped`;

const PAGES: Array<[name: string, path: string, ready: string]> = [
  ['overview', '/', '[data-testid=kpi-grid][data-ready=true]'],
  ['explorer', '/explorer?metric=csat&view=table&by=team', '[data-testid=result-table]'],
  ['teams', '/teams', '[data-testid=agents-table]'],
  ['team', '/teams/team-billing', '[data-testid=kpi-grid][data-ready=true]'],
  ['agent', '/agents/ag-01', '[data-testid=kpi-grid][data-ready=true]'],
  ['feedback', '/feedback', '[data-testid=feedback-total]'],
  ['surveys', '/surveys', 'main h1'],
  ['data', '/data', '[data-testid=import-entity]'],
  ['settings', '/settings?tab=organization', 'main form'],
  ['users', '/settings?tab=users', 'main table'],
  ['keys', '/settings?tab=keys', 'main h2'],
  ['audit', '/settings?tab=audit', 'main h2'],
];

describe('dashboard on a phone', { skip, timeout: 600_000 }, () => {
  let server: DemoServer;
  let browser: Browser;

  before(async () => {
    ensureBuilt(root);
    fs.mkdirSync(shots, { recursive: true });
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

  async function phone(language: 'ru' | 'lt'): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport: { width: WIDTH, height: 844 }, deviceScaleFactor: 1 });
    await context.addInitScript(`localStorage.setItem('cxkpi.language', '${language}')`);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${server.url}/`);
    await page.locator('input[type=email]').fill(server.logins.owner);
    await page.locator('input[type=password]').fill(server.password);
    await page.locator('button[type=submit]').click();
    await page.locator('[data-testid=kpi-grid]').waitFor();
    return { page, errors };
  }

  for (const language of ['ru', 'lt'] as const) {
    test(`every page fits ${WIDTH} px in ${language}`, async (t) => {
      const { page, errors } = await phone(language);
      const wide: string[] = [];
      for (const [name, address, ready] of PAGES) {
        await page.goto(`${server.url}${address}`);
        await page.locator(ready).first().waitFor();
        await page.waitForFunction(() => !document.querySelector('main .loading, main .skeleton'));
        await page.waitForTimeout(150);
        const width = (await page.evaluate('document.documentElement.scrollWidth')) as number;
        if (width > WIDTH) {
          const culprits = await page.evaluate(
            `[...document.querySelectorAll('main *')].filter((e) => e.getBoundingClientRect().right > ${WIDTH} + 0.5)
              .slice(0, 3).map((e) => e.tagName.toLowerCase() + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))`,
          );
          wide.push(`${name}: ${width} px (${(culprits as string[]).join('; ')})`);
        }
        await page.screenshot({ path: path.join(shots, `phone-${language}-${name}.png`), fullPage: true });
      }
      t.diagnostic(`screenshots in ${shots}`);
      if (process.env.UPDATE_SCREENSHOTS && language === 'ru')
        fs.copyFileSync(
          path.join(shots, 'phone-ru-team.png'),
          path.join(root, 'docs', 'screenshots', 'phone-team-ru.png'),
        );
      assert.deepEqual(wide, [], `document.scrollWidth <= ${WIDTH} on every page`);

      // Tables keep their numbers: each cell of a row shows as a labelled line of a card.
      await page.goto(`${server.url}/teams`);
      const cell = page.locator('[data-testid=agents-table] tbody tr').first().locator('td.num').first();
      await cell.waitFor();
      const box = (await cell.boundingBox())!;
      assert.ok(box.x >= 0 && box.x + box.width <= WIDTH, 'the first number of the first agent is on the screen');
      assert.ok(((await cell.getAttribute('data-label')) ?? '').length > 0, 'the number is labelled with its column');
      assert.deepEqual(errors, []);
    });
  }
});
