import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startDemoServer, type DemoServer } from './demo-server.ts';
import { ensureBuilt } from './ensure-built.ts';

// Targets in a real browser over the demo organization: the owner sets a CSAT target for the
// organization and changes it in March, sees the target and the verdict on the overview card and
// the step on its trend line, the history and the scorecard; a team lead is refused a target
// outside their teams and sets one for their team, shown on the team page; the Targets page fits a phone in Russian and Lithuanian. The targets are
// deleted at the end (through the page), so the demo database is left as it was found.
const CHROMIUM = '/usr/bin/chromium';
const root = path.resolve(import.meta.dirname, '../..');
const shots = fs.mkdtempSync(path.join(os.tmpdir(), 'cxkpi-targets-'));
const skip = fs.existsSync(CHROMIUM)
  ? false
  : `no Chromium at ${CHROMIUM} (apt-get install chromium): the browser tests are skipped`;
const WIDTH = 390;

describe('targets in Chromium', { skip, timeout: 240_000 }, () => {
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

  async function open(
    who: keyof DemoServer['logins'],
    options: { width?: number; language?: 'en' | 'ru' | 'lt' } = {},
  ): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({
      viewport: { width: options.width ?? 1280, height: 900 },
      acceptDownloads: true,
    });
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

  async function setTarget(page: Page, target: { scope?: string; from: string; value: string }) {
    const form = page.getByTestId('target-form');
    await form.getByTestId('target-metric').selectOption('csat');
    await form.getByTestId('target-scope').selectOption(target.scope ?? '');
    await form.getByTestId('target-grain').selectOption('month');
    await form.getByTestId('target-from').selectOption(target.from);
    await form.getByTestId('target-value').fill(target.value);
    await form.getByTestId('target-submit').click();
    const outcome = form.getByTestId('target-outcome');
    await outcome.waitFor();
    return outcome;
  }

  test('the owner sets a CSAT target and sees it on the overview card and its trend line', async () => {
    const { page, errors } = await open('owner');
    await page.getByRole('link', { name: 'Targets' }).click();
    await page.getByTestId('target-form').waitFor();
    assert.match(await page.getByTestId('target-direction').innerText(), /Higher is better/);
    // 85 % from January 2026, then 80 % from March: April is judged by 80 %, the trend steps.
    assert.equal(await (await setTarget(page, { from: '2026-01-01', value: '85' })).innerText(), 'Target set.');
    assert.equal(await (await setTarget(page, { from: '2026-03-01', value: '80' })).innerText(), 'Target set.');
    const rows = page.getByTestId('target-row');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=target-row]').length === 2);
    assert.deepEqual(
      (await rows.allInnerTexts()).map((row) => row.split('\t').slice(0, 5).join(' | ').trim()),
      [
        'Customer satisfaction (CSAT) | Whole organization | Month | 85.0% | January 2026 – February 2026',
        'Customer satisfaction (CSAT) | Whole organization | Month | 80.0% | from March 2026',
      ],
    );

    await page.getByRole('link', { name: 'Overview' }).click();
    const card = page.getByTestId('kpi-csat');
    await card.getByTestId('kpi-target').waitFor();
    assert.equal(await card.getByTestId('kpi-target-value').innerText(), 'Target 80.0%');
    const value = Number((await card.getByTestId('kpi-value').innerText()).replace('%', '')) / 100;
    const verdict = card.getByTestId('attainment');
    const attainment = await verdict.getAttribute('data-attainment');
    assert.equal(attainment, value >= 0.8 ? 'met' : 'missed', `CSAT ${value} against 80 %`);
    assert.match(await verdict.innerText(), value >= 0.8 ? /Target met/ : /Target missed/);
    // The target line covers January to April only (the periods with a target) and steps down.
    const line = card.locator('[data-testid=sparkline-target]');
    await line.waitFor();
    const d = (await line.getAttribute('d'))!;
    const points = [...d.matchAll(/[ML]([\d.]+),([\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    const ys = [...new Set(points.map(([, y]) => y))];
    assert.equal(ys.length, 2, `two target levels in ${d}`);
    assert.ok(ys[1]! > ys[0]!, 'the later, lower target is drawn lower');
    assert.ok(points[0]![0]! > 60, `the line starts in January 2026, not May 2025: ${d}`);
    assert.match((await card.locator('svg.sparkline').getAttribute('aria-label'))!, /Apr 26 [\d.]+% \(Target 80\.0%\)/);
    await page.screenshot({ path: path.join(shots, 'overview-target.png') });

    // The explorer draws the target too (its rows carry it): ECharts' description names the series.
    await page.goto(`${server.url}/explorer?metric=csat&from=2025-05-01&to=2026-05-01&grain=month`);
    await page.locator('[data-testid=chart][data-ready=true] canvas').waitFor();
    await page.waitForFunction(() =>
      /Target/.test(document.querySelector('.chart-canvas')?.getAttribute('aria-label') ?? ''),
    );

    await page.screenshot({ path: path.join(shots, 'explorer-target.png') });

    // The history (the audit log, for admins) and the scorecard with its downloads.
    await page.goto(`${server.url}/targets?tab=history`);
    const history = page.getByTestId('targets-history');
    await history.waitFor();
    assert.equal(await history.locator('tbody tr', { hasText: 'set' }).count(), 2);
    await page.goto(`${server.url}/targets?tab=scorecard`);
    await page.getByTestId('scorecard-period').selectOption('2026-04-01');
    const scorecard = page.getByTestId('scorecard').first();
    await scorecard.waitFor();
    const csatLine = scorecard.locator('tr', { hasText: 'Customer satisfaction (CSAT)' });
    assert.match(await csatLine.innerText(), /80\.0%/);
    assert.equal(await csatLine.getByTestId('attainment').getAttribute('data-attainment'), attainment);
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('scorecard-csv').click()]);
    assert.match(csv.suggestedFilename(), /^scorecard-2026-04\.csv$/);
    assert.match(fs.readFileSync((await csv.path())!, 'utf8'), /csat/);
    assert.deepEqual(errors, []);
  });

  test('a team lead is refused a target outside their teams, and sees why in the form', async () => {
    const { page, errors } = await open('lead');
    await page.getByRole('link', { name: 'Targets' }).click();
    await page.getByTestId('target-form').waitFor();
    // Their directory names only their team; the organization is outside it.
    const scopes = await page
      .getByTestId('target-scope')
      .locator('option')
      .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
    assert.ok(scopes.filter((s) => s.startsWith('team:')).length >= 1, scopes.join());
    const outcome = await setTarget(page, { from: '2026-04-01', value: '90' });
    assert.equal(await outcome.getAttribute('role'), 'alert');
    assert.match(await outcome.innerText(), /team lead sets targets for their teams only/);
    assert.equal(await page.getByTestId('target-row').count(), 2, 'nothing stored');
    // Their own team they may: its page shows the target on the card and in the team's scorecard.
    const team = scopes.find((s) => s.startsWith('team:'))!;
    const saved = await setTarget(page, { scope: team, from: '2026-04-01', value: '75' });
    assert.equal(await saved.innerText(), 'Target set.');
    await page.goto(`${server.url}/teams/${encodeURIComponent(team.slice(5))}?period=month:2026-04-01`);
    const card = page.getByTestId('kpi-csat');
    await card.getByTestId('kpi-target').waitFor();
    assert.equal(await card.getByTestId('kpi-target-value').innerText(), 'Target 75.0%');
    const scorecard = page.getByTestId('scorecards');
    await scorecard.waitFor();
    assert.match(await scorecard.locator('h2').first().innerText(), /Scorecard, April 2026/);
    const line = await scorecard.locator('tr', { hasText: 'Customer satisfaction (CSAT)' }).innerText();
    assert.match(line, /75\.0%/);
    assert.match(line, /Organization: \d{2}\.\d%/, 'the organization beside the team');
    assert.deepEqual(errors, []);
  });

  for (const language of ['ru', 'lt'] as const)
    test(`the Targets page fits ${WIDTH} px in ${language}`, async () => {
      const { page, errors } = await open('owner', { width: WIDTH, language });
      const wide: string[] = [];
      for (const tab of ['list', 'scorecard', 'history']) {
        await page.goto(`${server.url}/targets?tab=${tab}`);
        await page
          .locator(
            tab === 'list'
              ? '[data-testid=targets-table]'
              : tab === 'history'
                ? '[data-testid=targets-history]'
                : '[data-testid=scorecard]',
          )
          .first()
          .waitFor();
        await page.waitForTimeout(150);
        const width = (await page.evaluate('document.documentElement.scrollWidth')) as number;
        if (width > WIDTH) wide.push(`${tab}: ${width} px`);
        await page.screenshot({ path: path.join(shots, `phone-${language}-targets-${tab}.png`), fullPage: true });
      }
      assert.deepEqual(wide, [], `document.scrollWidth <= ${WIDTH}`);
      assert.deepEqual(errors, []);
    });

  test('the owner deletes the targets after a confirmation', async () => {
    const { page, errors } = await open('owner');
    await page.goto(`${server.url}/targets`);
    const rows = page.getByTestId('target-row');
    await rows.first().waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=target-row]').length === 3);
    for (let left = 2; left >= 0; left--) {
      await rows.first().getByRole('button', { name: 'Delete' }).click();
      assert.match(await rows.first().innerText(), /Delete this target\?/);
      await rows.first().getByRole('button', { name: 'Delete' }).click();
      await page.getByText('Target deleted.').waitFor();
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid=target-row]').length === n, left);
    }
    await page.goto(`${server.url}/`);
    await page.locator('[data-testid=kpi-grid][data-ready=true]').waitFor();
    assert.equal(await page.locator('[data-testid=kpi-csat] [data-testid=kpi-target]').count(), 0);
    assert.deepEqual(errors, []);
  });
});
