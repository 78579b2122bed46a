import { refreshSentiment } from '../../feedback/sentiment/job.ts';
import path from 'node:path';
import { sql } from 'kysely';
import {
  addMember,
  createApiKey,
  createUser,
  findUserByEmail,
  generatePassword,
  listApiKeys,
  revokeApiKey,
  setPassword,
  type MembershipInput,
} from '../../auth/index.ts';
import { ORGANIZATION_DOMAIN } from '../../demo/demo-text.ts';
import { openDatabase, redactUrl, type Db } from '../../db/connect.ts';
import { AppError, badRequest } from '../../errors.ts';
import { generateDemo, type DemoData } from '../../demo/index.ts';
import { localDate } from '../../calendar/zoned-time.ts';
import { importRecords, type EntityName } from '../../ingest/index.ts';
import { DATA_TABLES, deleteOrganizationData, ensureDefaultOrganization, type Organization } from '../../orgs/index.ts';
import { configFrom, parseCommand, type Io } from '../context.ts';
import { serveOptions, serveUntilStopped } from './serve.ts';

const help = `Usage: cxkpi demo [--port 3000] [--host 127.0.0.1] [--seed 42] [--end YYYY-MM-DD] [--data-dir DIR]

Generates a realistic demo organization (12 months up to --end, default today; same seed and end,
same data) in its own embedded database (--data-dir or CXKPI_DATA_DIR, default ./cxkpi-demo-data),
then serves it. A second start with the same seed and end reuses the data. The demo replaces the
data of the database's default organization, so it refuses a database holding other data.`;

/** Bump when the generator changes, so that stored demo data is regenerated. */
const DEMO_VERSION = 2;

/** Load order: what a record refers to (an agent's team, an order's currency rate) comes first. */
const LOAD_ORDER: EntityName[] = [
  'teams',
  'agents',
  'fx_rates',
  'customers',
  'subscriptions',
  'orders',
  'tickets',
  'survey_responses',
  'reviews',
  'costs',
];

export async function run(args: string[], io: Io): Promise<number> {
  const { values } = parseCommand(args, {
    ...serveOptions,
    seed: { type: 'string' },
    end: { type: 'string' },
    'no-serve': { type: 'boolean' },
  });
  if (values.help) return (io.out(help), 0);
  const seed = Number(values.seed ?? 42);
  if (!Number.isSafeInteger(seed)) throw badRequest('invalid-arguments', '--seed must be a whole number.');
  if (values.end && !/^\d{4}-\d{2}-\d{2}$/.test(values.end))
    throw badRequest('invalid-arguments', '--end must be a date such as 2026-11-01.');
  const dataDir = values['data-dir'] ?? process.env.CXKPI_DATA_DIR ?? './cxkpi-demo-data';
  const config = configFrom(
    { ...values, 'data-dir': dataDir },
    { port: values.port, host: values.host, defaultTimezone: 'Europe/Vilnius', defaultCurrency: 'EUR' },
  );
  const end = values.end ?? localDate('Europe/Vilnius', Date.now());

  const started = performance.now();
  const db = await openDatabase(config);
  try {
    const { org } = await ensureDefaultOrganization(db.kysely, config);
    const loaded = await loadDemo(db, org, { seed, end }, io);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    io.out(
      loaded
        ? `Demo data generated and loaded in ${seconds} s.`
        : `Demo data for seed ${seed} up to ${end} is already loaded (${seconds} s).`,
    );
    const key = await rotateDemoKey(db, org);
    io.out(`Demo API key (read and write, valid until the next \`cxkpi demo\`):\n  ${key}\n`);
    const { password, users } = await resetDemoUsers(db, org);
    io.out(`Demo logins (password for all, valid until the next \`cxkpi demo\`: ${password}):`);
    for (const user of users) io.out(`  ${user.email.padEnd(40)} ${user.role}`);
    io.out('');
  } catch (error) {
    await db.close();
    throw error;
  }
  if (values['no-serve']) {
    await db.close();
    return 0;
  }
  const where = config.databaseUrl ? redactUrl(config.databaseUrl) : path.resolve(dataDir);
  await serveUntilStopped(db, config, io, where);
  return 0;
}

interface DemoMarker {
  version: number;
  seed: number;
  end: string;
}

/** Generates and imports the demo unless the same demo is already stored. Returns whether it loaded. */
export async function loadDemo(
  db: Db,
  org: Organization,
  marker: Omit<DemoMarker, 'version'>,
  io: Io,
): Promise<boolean> {
  const wanted: DemoMarker = { version: DEMO_VERSION, ...marker };
  const row = await db.kysely
    .selectFrom('organization')
    .select('settings')
    .where('id', '=', org.id)
    .executeTakeFirstOrThrow();
  const stored = (row.settings as { demo?: DemoMarker }).demo;
  if (stored && stored.version === wanted.version && stored.seed === wanted.seed && stored.end === wanted.end)
    return false;
  if (!stored && (await hasData(db, org))) {
    throw new AppError(
      409,
      'not-a-demo-database',
      `Organization ${org.slug} holds data that \`cxkpi demo\` did not make, and the demo would replace it. ` +
        'Give the demo its own database: --data-dir ./cxkpi-demo-data (or another empty directory).',
    );
  }

  io.out(`Generating the demo organization (seed ${wanted.seed}, 12 months up to ${wanted.end})...`);
  const data: DemoData = generateDemo({ seed: wanted.seed, end: wanted.end });
  // Older demo data goes first, so that a new seed or end never mixes with the old one.
  await deleteOrganizationData(db.kysely, org.id);
  await db.kysely
    .updateTable('organization')
    .set({
      name: data.organization.name,
      timezone: data.organization.timezone,
      currency: data.organization.currency,
      language: data.organization.language,
    })
    .where('id', '=', org.id)
    .execute();
  const demoOrg = { ...org, ...data.organization };
  for (const entity of LOAD_ORDER) {
    const records = data[entity];
    const summary = await importRecords(
      db,
      demoOrg,
      entity,
      { objects: records as Array<Record<string, unknown>> },
      { source: 'demo', batchSize: 5000 },
    );
    if (summary.status !== 'succeeded' || summary.rejected) {
      throw new Error(`The demo generator produced invalid ${entity}: ${JSON.stringify(summary.errors.slice(0, 3))}`);
    }
    io.out(`  ${entity.padEnd(16)} ${String(summary.inserted + summary.updated + summary.unchanged).padStart(7)}`);
  }
  // Sentiment is read at import; themes are tagged here at once rather than by the first job run.
  const { refreshed } = await refreshSentiment(db, org.id, Number.MAX_SAFE_INTEGER);
  io.out(`  ${'themes tagged'.padEnd(16)} ${String(refreshed).padStart(7)}`);
  await sql`update organization set settings = jsonb_set(settings, '{demo}', ${JSON.stringify(wanted)}::jsonb) where id = ${org.id}::uuid`.execute(
    db.kysely,
  );
  return true;
}

async function hasData(db: Db, org: Organization): Promise<boolean> {
  for (const table of [...DATA_TABLES, 'import_run'] as const) {
    const row = await db.kysely
      .selectFrom(table)
      .select('org_id')
      .where('org_id', '=', org.id)
      .limit(1)
      .executeTakeFirst();
    if (row) return true;
  }
  return false;
}

/**
 * People to log in as, one per kind of view: the owner, the billing team's lead and one of its
 * agents (her agent record is her), and a viewer. Their password changes at each start.
 */
export async function resetDemoUsers(db: Db, org: Organization) {
  const password = `demo-${generatePassword()}`;
  const agent = await db.kysely
    .selectFrom('agent')
    .select(['id', 'email'])
    .where('org_id', '=', org.id)
    .where('id', '=', 'ag-01')
    .executeTakeFirstOrThrow();
  const users: Array<{ email: string } & MembershipInput> = [
    { email: `owner@${ORGANIZATION_DOMAIN}`, role: 'owner' },
    { email: `lead.billing@${ORGANIZATION_DOMAIN}`, role: 'team_lead', teams: ['team-billing'] },
    { email: agent.email!, role: 'agent', agent_id: agent.id },
    { email: `viewer@${ORGANIZATION_DOMAIN}`, role: 'viewer' },
  ];
  for (const user of users) {
    const existing = await findUserByEmail(db.kysely, user.email);
    const id = existing?.id ?? (await createUser(db.kysely, { email: user.email, password })).id;
    if (existing) await setPassword(db.kysely, id, password);
    await db.kysely.deleteFrom('membership').where('org_id', '=', org.id).where('user_id', '=', id).execute();
    await addMember(db.kysely, org.id, id, user);
  }
  return { password, users };
}

/** One demo key at a time: the previous one is revoked at each start. */
async function rotateDemoKey(db: Db, org: Organization): Promise<string> {
  for (const key of await listApiKeys(db.kysely, org.id)) {
    if (key.name === 'demo' && !key.revoked_at) await revokeApiKey(db.kysely, org.id, key.id);
  }
  return (await createApiKey(db.kysely, org.id, { name: 'demo', scope: 'full' })).key;
}
