import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startDemoServer, type DemoServer } from './demo-server.ts';
import { ensureBuilt } from './ensure-built.ts';

// The Analytics page in a real browser over the demo organization: the owner defines an
// experiment (two demo teams' CSAT and first response) through the form, reads its results in
// plain words in English and Russian, and opens the cohort heat-map. The experiment is deleted at
// the end, so the demo database is left as it was found.
const CHROMIUM = '/usr/bin/chromium';
const root = path.resolve(import.meta.dirname, '../..');
const skip = fs.existsSync(CHROMIUM)
  ? false
  : `no Chromium at ${CHROMIUM} (apt-get install chromium): the browser tests are skipped`;

describe('analytics page in Chromium', { skip, timeout: 300_000 }, () => {
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

  async function open(language: 'en' | 'ru'): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
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

  test('define an experiment, read it in plain words, see the cohorts', async () => {
    const teams = await sql<{ id: string }>`select id from team order by id limit 2`.execute(server.db.kysely);
    const [control, treatment] = teams.rows.map((r) => r.id);
    assert.ok(control && treatment, 'the demo has two teams');
    const { page, errors } = await open('en');
    // The CSAT card shows the shipped industry range beside the value, not as a target.
    await page.locator('[data-testid=kpi-industry-range]').first().waitFor();
    await page.goto(`${server.url}/analytics`);
    await page.locator('[data-testid=analytics]').waitFor();
    await page.locator('summary', { hasText: 'Define an experiment' }).click();
    const form = page.locator('[data-testid=experiment-form]');
    const field = (label: string) => form.getByLabel(label, { exact: false });
    await field('Name').fill('browser macros');
    await field('KPIs').fill('csat,first_response_time');
    await field('Variant dimension').fill('team');
    await field('Control value').fill(control);
    await field('Treatment value').fill(treatment);
    await field('From').fill('2026-01-01');
    await field('To (exclusive)').fill('2026-04-01');
    await form.locator('button[type=submit]').click();
    await page.getByText('Experiment created.').waitFor();
    const card = page.locator('[data-testid=experiment]', { hasText: 'browser macros' });
    await card.getByRole('button', { name: 'Results' }).click();
    const sentences = card.locator('[data-testid=experiment-sentence]');
    await sentences.first().waitFor();
    const first = await sentences.first().innerText();
    assert.match(
      first,
      /^treatment Customer satisfaction \(CSAT\) [\d.]+ ?% vs [\d.]+ ?%, [+−±][\d.]+ pp \[[−+±][\d.]+ pp, [−+±][\d.]+ pp\], p [=<] /,
    );
    assert.match(first, /two-proportion z test|Fisher/);
    assert.match(await sentences.nth(1).innerText(), /Mann-Whitney U, Hodges-Lehmann shift/);

    const ru = await open('ru');
    await ru.page.goto(`${server.url}/analytics`);
    const ruCard = ru.page.locator('[data-testid=experiment]', { hasText: 'browser macros' });
    await ruCard.getByRole('button', { name: 'Результаты' }).click();
    assert.match(await ruCard.locator('[data-testid=experiment-sentence]').first().innerText(), /^тест: /);

    await page.getByRole('tab', { name: 'Cohorts' }).click();
    await page.getByLabel('From').fill('2025-05-01');
    await page.getByLabel('To (exclusive)').fill('2026-05-01');
    await page.getByRole('button', { name: 'Apply' }).click();
    const heatmap = page.locator('[data-testid=cohort-heatmap]');
    await heatmap.waitFor();
    assert.ok((await heatmap.locator('tbody tr').count()) > 0);
    assert.match(await heatmap.locator('tbody td').nth(1).innerText(), /%/);

    await page.getByRole('tab', { name: 'Benchmarks' }).click();
    const benchmarks = page.locator('[data-testid=benchmarks-table]');
    await benchmarks.waitFor();
    const csatRow = benchmarks.locator('tr', { hasText: 'all industries' }).first();
    assert.match(await csatRow.innerText(), /Surveypal/);

    await sql`delete from experiment where name = 'browser macros'`.execute(server.db.kysely);
    assert.deepEqual([...errors, ...ru.errors], []);
  });
});
