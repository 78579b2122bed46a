import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { loadConfig } from '../../src/config.ts';
import { openDatabase } from '../../src/db/connect.ts';
import { createLogger } from '../../src/http/logger.ts';
import { startServer } from '../../src/http/server.ts';
import { importRecords } from '../../src/ingest/index.ts';
import { queryMetrics } from '../../src/metrics/index.ts';
import { createOrganization } from '../../src/orgs/index.ts';
import { saveSurvey } from '../../src/surveys/definitions.ts';
import { inviteRecipients } from '../../src/surveys/invitations.ts';

// A respondent in a real browser (Debian's Chromium, no JavaScript needed by the page): open the
// link, score, comment, change the score; the stored answer and the survey's NPS follow.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const skip = fs.existsSync(CHROMIUM) ? false : `Chromium is not installed at ${CHROMIUM} (apt-get install chromium)`;

test('a respondent answers, comments and changes the score in Chromium', { skip }, async () => {
  const db = await openDatabase({ dataDir: '', databaseUrl: undefined, poolSize: 1 }, { inMemory: true });
  const org = await createOrganization(db.kysely, {
    slug: 'browser',
    name: 'Balta Ledger',
    timezone: 'UTC',
    language: 'lt',
  });
  await importRecords(db, org, 'customers', { objects: [{ id: 'c1', email: 'jonas@example.com', language: 'lt' }] });
  const survey = await saveSurvey(db, org, { id: 'pulse', name: 'Pulse', kind: 'nps' }, 'create');
  const { created } = await inviteRecipients(db, org, survey, [{ customer_id: 'c1' }], 'batch');
  const server = await startServer({
    db,
    config: loadConfig({ port: 0 }, {}),
    logger: createLogger('silent'),
    jobs: false,
  });
  let browser: Browser | undefined;
  after(async () => {
    await browser?.close();
    await server.close();
    await db.close();
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  // The page works with JavaScript off: every score is a submit button.
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const link = `${server.url}/s/${created[0]!.token}`;
  await page.goto(link);
  assert.equal(await page.getAttribute('html', 'lang'), 'lt');
  assert.match((await page.textContent('h1')) ?? '', /Kaip tikėtina, kad rekomenduotumėte mus/);
  await page.getByRole('button', { name: '9', exact: true }).click();
  await page.waitForSelector('text=Ačiū!');
  assert.equal(await page.getAttribute('button[value="9"]', 'aria-pressed'), 'true');
  await page.fill('textarea[name=comment]', 'Greita ir malonu <b>pagalba</b>');
  await page.getByRole('button', { name: 'Siųsti' }).click();
  await page.waitForSelector('text=Ačiū!');
  assert.equal(await page.inputValue('textarea[name=comment]'), 'Greita ir malonu <b>pagalba</b>');
  // A change of mind: the latest score counts, the comment stays.
  await page.getByRole('button', { name: '3', exact: true }).click();
  await page.waitForSelector('button[value="3"][aria-pressed="true"]');
  const stored = await db.kysely
    .selectFrom('survey_response')
    .select(['score', 'comment', 'customer_id'])
    .where('org_id', '=', org.id)
    .execute();
  assert.deepEqual(stored, [{ score: 3, comment: 'Greita ir malonu <b>pagalba</b>', customer_id: 'c1' }]);
  const today = new Date().toISOString().slice(0, 10);
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const nps = await queryMetrics(db, org, {
    metrics: ['nps'],
    from: today,
    to: tomorrow,
    grain: 'all',
    by: ['survey'],
  });
  assert.deepEqual(
    nps.rows.map((r) => [r.group.survey, r.value, r.n]),
    [['pulse', -100, 1]],
  );
  // Another language on request; a tampered link gets the friendly page.
  await page.goto(`${link}?lang=ru`);
  assert.match((await page.textContent('main')) ?? '', /Спасибо!/);
  const response = await page.goto(`${server.url}/s/${created[0]!.token.slice(0, -1)}A`);
  assert.equal(response?.status(), 404);
  assert.match((await page.textContent('h1')) ?? '', /Ši nuoroda neveikia|This link does not work/);
});
