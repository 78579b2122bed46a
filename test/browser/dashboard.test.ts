import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { addMember, createUser } from '../../src/auth/index.ts';
import { createOrganization } from '../../src/orgs/index.ts';
import { startDemoServer, type DemoServer } from './demo-server.ts';
import { ensureBuilt } from './ensure-built.ts';

// The dashboard in a real browser (Debian's Chromium) over the demo organization: log in, the
// overview and its languages, the explorer down to the tickets and their export, and what an
// agent may open. Screenshots go to a temporary directory, or with UPDATE_SCREENSHOTS=1 to
// docs/screenshots/ for the README (so a plain test run leaves the tree as it was).
const CHROMIUM = '/usr/bin/chromium';
const root = path.resolve(import.meta.dirname, '../..');
const shots = process.env.UPDATE_SCREENSHOTS
  ? path.join(root, 'docs', 'screenshots')
  : fs.mkdtempSync(path.join(os.tmpdir(), 'cxkpi-screenshots-'));
const skip = fs.existsSync(CHROMIUM)
  ? false
  : `no Chromium at ${CHROMIUM} (apt-get install chromium): the browser tests are skipped`;

describe('dashboard in Chromium', { skip, timeout: 180_000 }, () => {
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

  async function open(who: keyof DemoServer['logins']): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${server.url}/`);
    await page.getByLabel('E-mail').fill(server.logins[who]);
    await page.getByLabel('Password').fill(server.password);
    return { page, errors };
  }

  test('the owner logs in and sees the overview, in English, Russian and Lithuanian', async (t) => {
    const { page, errors } = await open('owner');
    // Timed in the page: this process also runs the server, whose queries would delay the test's
    // own view of the page. From the click to every headline KPI shown, then to every trend line.
    await page.evaluate(`void (window.__overview = new Promise((resolve) => {
      const started = performance.now();
      let interactive;
      const check = () => {
        if (interactive === undefined && document.querySelector('[data-testid=kpi-grid][data-ready=true]'))
          interactive = performance.now() - started;
        if (interactive !== undefined && document.querySelectorAll('.kpi-trend svg').length === 11)
          return resolve([Math.round(interactive), Math.round(performance.now() - started)]);
        requestAnimationFrame(check);
      };
      check();
    }))`);
    await page.getByRole('button', { name: 'Log in' }).click();
    const [interactive, withTrends] = (await page.evaluate('window.__overview')) as [number, number];
    t.diagnostic(`overview interactive ${interactive} ms after login; all trend lines ${withTrends} ms`);
    console.log(`overview interactive ${interactive} ms after login (all trend lines: ${withTrends} ms)`);
    // Every card answered: a value, or a plain "no data" (never a blank or an error).
    const states = await page
      .locator('[data-testid=kpi-grid] article')
      .evaluateAll((cards) => cards.map((card) => card.getAttribute('data-state')));
    assert.equal(states.length, 11, 'eleven headline KPIs');
    assert.ok(
      states.every((s) => s === 'ready' || s === 'empty'),
      `card states: ${states.join(', ')}`,
    );

    await assert.doesNotReject(page.getByRole('heading', { name: 'Overview' }).waitFor());
    await assert.doesNotReject(page.getByText('April 2026, compared with March 2026').waitFor());
    const csat = page.locator('[data-testid=kpi-csat] [data-testid=kpi-value]');
    assert.match(await csat.innerText(), /^\d{2}\.\d%$/);
    // A score says its scale; a share is a percentage and needs none.
    const cesScale = page.locator('[data-testid=kpi-ces] [data-testid=kpi-scale]');
    assert.equal(await cesScale.innerText(), 'of 7');
    assert.equal(await page.locator('[data-testid=kpi-csat] [data-testid=kpi-scale]').count(), 0);
    // Each card has its n and its 95 % interval, and the trend line its band.
    const csatCard = page.getByTestId('kpi-csat');
    assert.match(await csatCard.innerText(), /95 % interval: \d{2}\.\d% – \d{2}\.\d%/);
    assert.match(await csatCard.innerText(), /n = [\d,]+/);
    await csatCard.locator('.sparkline-band').waitFor();
    await page.screenshot({ path: path.join(shots, 'overview.png') });

    await page.getByTestId('language').selectOption('ru');
    await page.getByRole('heading', { name: 'Обзор' }).waitFor();
    assert.match(await csat.innerText(), /^\d{2},\d\s%$/, 'a Russian decimal comma and spaced percent sign');
    assert.equal(await cesScale.innerText(), 'из 7');
    // The definition is one click away, in the reader's language, and Escape closes it.
    await page.getByTestId('definition-ces').click();
    const definition = page.locator('[data-testid=kpi-ces] [data-testid=definition]');
    assert.match(await definition.innerText(), /Средняя оценка CES 2\.0 \(1–7, 7 = очень легко\)/);
    assert.match(await definition.innerText(), /Шкала: от 1 до 7/);
    assert.equal(await page.getByTestId('definition-ces').getAttribute('aria-expanded'), 'true');
    await page.keyboard.press('Escape');
    await definition.waitFor({ state: 'detached' });
    assert.ok(await page.getByText('апрель 2026 г.', { exact: false }).first().isVisible());
    await page.getByTestId('language').selectOption('lt');
    await page.getByRole('heading', { name: 'Apžvalga' }).waitFor();
    assert.match(await csat.innerText(), /^\d{2},\d\s%$/);
    assert.ok(await page.getByRole('link', { name: 'Komandos ir agentai' }).isVisible());
    // The choice is remembered.
    await page.reload();
    await page.getByRole('heading', { name: 'Apžvalga' }).waitFor();
    await page.getByTestId('language').selectOption('en');
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    assert.deepEqual(errors, []);
  });

  test('the explorer groups a metric by team, drills down to the tickets and exports them', async () => {
    const { page, errors } = await open('owner');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.locator('[data-testid=kpi-grid]').waitFor();
    await page.getByRole('link', { name: 'Explorer' }).click();
    // Dates are written as the app's language writes them, not as the browser's would.
    const from = page.getByTestId('explorer-from');
    assert.equal(await from.inputValue(), '01/05/2025');
    await from.fill('01/06/2025');
    await from.press('Enter');
    await page.waitForURL(/from=2025-06-01/);
    await from.fill('2025-05-01');
    await from.press('Enter');
    await page.waitForURL(/from=2025-05-01/);
    await page.getByTestId('metric-select').selectOption('first_response_time');
    await page.getByTestId('group-select').selectOption('team');
    await page.getByTestId('view-table').click();
    const table = page.getByTestId('result-table');
    await table.waitFor();
    for (const team of ['Billing', 'Technical Support', 'VIP Accounts'])
      assert.ok((await table.getByRole('cell', { name: team, exact: true }).count()) >= 12, team);
    assert.match(page.url(), /metric=first_response_time.*by=team.*view=table/, 'the state is in the address');

    await page.getByTestId('view-bar').click();
    assert.equal(await page.getByTestId('axis-zero').isChecked(), true, 'bars start at zero by default');
    const canvas = page.locator('[data-testid=chart][data-ready=true] canvas');
    await canvas.waitFor();
    await page.waitForTimeout(300);
    const box = (await canvas.boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.55, box.y + box.height * 0.8);
    const panel = page.getByTestId('rows-panel');
    await panel.waitFor();
    await panel.getByTestId('rows-count').waitFor();
    assert.match(await panel.getByTestId('rows-count').innerText(), /\d+ rows/);
    assert.ok(await panel.getByRole('columnheader', { name: 'measured_value' }).isVisible());
    const firstId = await panel.locator('tbody tr td').first().innerText();
    assert.match(firstId, /^t-\d+$/, 'ticket rows');
    await page.screenshot({ path: path.join(shots, 'explorer.png'), fullPage: true });

    const [csv] = await Promise.all([page.waitForEvent('download'), panel.getByTestId('export-csv').click()]);
    const text = fs.readFileSync((await csv.path())!, 'utf8');
    assert.ok(text.startsWith('\ufeffid,'), 'CSV with a header');
    assert.ok(text.trim().split('\n').length > 10, 'CSV with rows');
    assert.match(csv.suggestedFilename(), /^first_response_time-.*\.csv$/);
    const [xlsx] = await Promise.all([page.waitForEvent('download'), panel.getByTestId('export-xlsx').click()]);
    assert.equal(
      fs
        .readFileSync((await xlsx.path())!)
        .subarray(0, 2)
        .toString(),
      'PK',
      'an XLSX (zip) file',
    );
    assert.deepEqual(errors, []);
  });

  test('the explorer offers every metric the server says the owner may query', async () => {
    const { page, errors } = await open('owner');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.locator('[data-testid=kpi-grid]').waitFor();
    const catalog = (await page.evaluate(
      "fetch('/api/v1/metrics').then((r) => r.json()).then((b) => b.metrics.filter((m) => m.queryable).map((m) => m.id))",
    )) as string[];
    await page.getByRole('link', { name: 'Explorer' }).click();
    await page.getByTestId('metric-select').waitFor();
    const offered = await page
      .getByTestId('metric-select')
      .locator('option')
      .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
    // Of every entity, the new ones too (reviews, feedback): the dashboard keeps no list of them.
    for (const id of ['survey_response_rate', 'review_rating', 'first_response_time'])
      assert.ok(catalog.includes(id), `${id} is in the catalog`);
    assert.deepEqual([...offered].sort(), [...catalog].sort());
    await page.getByTestId('metric-select').selectOption('survey_response_rate');
    await page.waitForURL(/metric=survey_response_rate/);
    assert.deepEqual(errors, []);
  });

  test("an agent sees their own page and team, and not a colleague's page", async () => {
    const { page, errors } = await open('agent');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.locator('[data-testid=kpi-grid][data-ready=true]').waitFor();
    assert.equal(await page.locator('[data-testid=kpi-grid] article').count(), 7, 'team KPIs only');
    // What the server says the agent may not query is named, by its name, and not offered.
    const note = await page.getByText('Customer and revenue KPIs').innerText();
    assert.match(note, /Customer churn rate/);
    assert.doesNotMatch(note, /customer_churn_rate/);
    assert.equal(await page.getByRole('link', { name: 'Settings' }).count(), 0, 'no settings for an agent');
    await page.goto(`${server.url}/explorer`);
    await page.getByTestId('metric-select').waitFor();
    const offered = await page
      .getByTestId('metric-select')
      .locator('option')
      .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
    for (const id of ['first_response_time', 'csat', 'survey_response_rate', 'support_cost'])
      assert.ok(offered.includes(id), `${id} is offered to an agent: ${offered.join()}`);
    for (const id of ['customer_churn_rate', 'arpu', 'clv', 'mrr', 'support_cost_to_revenue'])
      assert.ok(!offered.includes(id), `${id} is not offered to an agent`);
    await page.goto(`${server.url}/explorer?metric=customer_churn_rate`);
    assert.match(await page.getByTestId('not-queryable').innerText(), /cannot query Customer churn rate/);

    await page.goto(`${server.url}/agents/ag-01`);
    await page.getByRole('heading', { name: /^Agent: / }).waitFor();
    await page.locator('[data-testid=kpi-grid][data-ready=true]').waitFor();
    await page.getByTestId('feedback-total').waitFor();
    await page.locator('[data-testid=chart][data-ready=true]').waitFor();
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(shots, 'agent.png'), fullPage: true });

    await page.goto(`${server.url}/agents/ag-02`);
    await page.getByTestId('not-allowed').waitFor();
    assert.ok(await page.getByText('You can only open your own agent page').isVisible());
    assert.equal(await page.getByTestId('agent-page').count(), 0);

    await page.goto(`${server.url}/teams`);
    const agents = page.getByTestId('agents-table');
    await agents.waitFor();
    assert.equal(await agents.locator('tbody tr').count(), 1, 'their own row');
    assert.equal(await page.getByTestId('teams-table').locator('tbody tr').count(), 1, 'their team as a whole');
    assert.ok(await page.getByTestId('teams-table').getByText('Billing').isVisible());
    assert.deepEqual(errors, []);
  });

  test('a partial current period is marked, and its comparison is with a whole period', async () => {
    const { page, errors } = await open('owner');
    // The engine's `partial` and `previous_partial` on each row, as the screens read them.
    await page.route('**/api/v1/query', async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as { rows: Array<Record<string, unknown>> };
      for (const row of body.rows)
        Object.assign(row, { partial: row.period === '2026-04-01', previous_partial: false });
      await route.fulfill({ response, json: body });
    });
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.locator('[data-testid=kpi-grid][data-ready=true]').waitFor();
    assert.match(
      await page.getByTestId('overview-subtitle').innerText(),
      /^April 2026 \(1\s?–\s?\d+ Apr, partial\), compared with the whole of March 2026$/,
    );
    const card = page.locator('[data-testid=kpi-csat] [data-testid=kpi-partial]');
    assert.match(await card.innerText(), /1\s?–\s?\d+ Apr, partial.*compared with the whole of March 2026/s);
    assert.deepEqual(errors, []);
  });

  test('an organization without data says what to import, and its audit log has no entries', async () => {
    const org = await createOrganization(server.db.kysely, { slug: 'empty', name: 'Empty' });
    const user = await createUser(server.db.kysely, { email: 'owner@empty.example', password: server.password });
    await addMember(server.db.kysely, org.id, user.id, { role: 'owner' });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${server.url}/`);
    await page.getByLabel('E-mail').fill('owner@empty.example');
    await page.getByLabel('Password').fill(server.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    const costs = page.locator('[data-testid=kpi-support_cost_to_revenue] [data-testid=kpi-empty]');
    await costs.getByText(/^Nothing to compute/).waitFor();
    assert.match(
      await costs.innerText(),
      /Nothing to compute Support cost to revenue from yet: it needs (costs|orders|customers), (costs|orders|customers) and (costs|orders|customers)\. Import them/,
    );
    assert.ok(await costs.getByRole('link', { name: 'Import data' }).isVisible());
    assert.match(
      await page.locator('[data-testid=kpi-csat] [data-testid=kpi-empty]').innerText(),
      /No survey answers imported: import survey answers or send a survey to see Customer satisfaction \(CSAT\)\./,
    );
    await page.goto(`${server.url}/settings?tab=audit`);
    await page.getByText('No entries yet').waitFor();
    await page.goto(`${server.url}/settings?tab=organization`);
    const sunday = page.getByLabel('Sunday');
    assert.equal(await sunday.inputValue(), '', 'a closed day has no hours');
    assert.equal(await sunday.getAttribute('placeholder'), 'closed', 'and no placeholder that reads like hours');
    assert.deepEqual(errors, []);
  });

  test('a team lead sees their team and its agents; a viewer sees no single agents and no records', async () => {
    const lead = await open('lead');
    await lead.page.getByRole('button', { name: 'Log in' }).click();
    await lead.page.locator('[data-testid=kpi-grid][data-ready=true]').waitFor();
    assert.equal(await lead.page.locator('[data-testid=kpi-grid] article').count(), 7);
    await lead.page.getByRole('link', { name: 'Teams and agents' }).click();
    await lead.page.getByTestId('agents-table').waitFor();
    assert.deepEqual(await lead.page.getByTestId('teams-table').locator('tbody th').allInnerTexts(), ['Billing']);
    const teamsOfAgents = await lead.page.getByTestId('agents-table').locator('tbody td:first-of-type').allInnerTexts();
    assert.ok(teamsOfAgents.length >= 3 && teamsOfAgents.every((team) => team === 'Billing'), teamsOfAgents.join());
    await lead.page.goto(`${server.url}/teams/team-technical`);
    await lead.page.getByTestId('not-allowed').waitFor();

    const viewer = await open('viewer');
    await viewer.page.getByRole('button', { name: 'Log in' }).click();
    await viewer.page.locator('[data-testid=kpi-grid][data-ready=true]').waitFor();
    assert.equal(await viewer.page.locator('[data-testid=kpi-grid] article').count(), 11);
    assert.equal(await viewer.page.getByRole('link', { name: 'Feedback' }).count(), 0, 'comments are records');
    await viewer.page.getByRole('link', { name: 'Teams and agents' }).click();
    await viewer.page.getByText('Numbers of single agents are not shown to viewers.').waitFor();
    assert.deepEqual([...lead.errors, ...viewer.errors], []);
  });
});
