import { markRollupsStale } from '../metrics/rollups/index.ts';
import { sql, type Kysely } from 'kysely';
import { DEFAULT_SCHEDULE, parseBusinessSchedule, type BusinessSchedule } from '../calendar/business-hours.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/schema.ts';
import { AppError, notFound } from '../errors.ts';

/** An organization (tenant) as the rest of the application needs it. */
export interface Organization {
  id: string;
  slug: string;
  name: string;
  timezone: string;
  currency: string;
  language: 'en' | 'ru' | 'lt';
}

const columns = ['id', 'slug', 'name', 'timezone', 'currency', 'language'] as const;

export async function getOrganization(db: Kysely<Database>, id: string): Promise<Organization> {
  const org = await db.selectFrom('organization').select(columns).where('id', '=', id).executeTakeFirst();
  if (!org) throw notFound('organization-not-found', `No organization with id ${id}.`);
  return org;
}

export async function findOrganizationBySlug(db: Kysely<Database>, slug: string): Promise<Organization | undefined> {
  return db.selectFrom('organization').select(columns).where('slug', '=', slug).executeTakeFirst();
}

export async function listOrganizations(db: Kysely<Database>): Promise<Organization[]> {
  return db.selectFrom('organization').select(columns).orderBy('slug').execute();
}

export interface NewOrganization {
  slug: string;
  name: string;
  timezone?: string;
  currency?: string;
  language?: 'en' | 'ru' | 'lt';
}

export async function createOrganization(db: Kysely<Database>, input: NewOrganization): Promise<Organization> {
  return db
    .insertInto('organization')
    .values({
      slug: input.slug,
      name: input.name,
      ...(input.timezone ? { timezone: input.timezone } : {}),
      ...(input.currency ? { currency: input.currency } : {}),
      ...(input.language ? { language: input.language } : {}),
    })
    .returning(columns)
    .executeTakeFirstOrThrow();
}

export interface OrganizationChanges {
  name?: string;
  timezone?: string;
  currency?: string;
  language?: 'en' | 'ru' | 'lt';
}

/**
 * Changes an organization's name, time zone, currency or language (`PATCH /api/v1/organization`,
 * `cxkpi orgs set`). The currency cannot change once amounts are stored: they are converted to
 * the reporting currency when imported, so a new currency would mislabel them.
 */
export async function updateOrganization(
  db: Kysely<Database>,
  org: Organization,
  changes: OrganizationChanges,
): Promise<Organization> {
  if (changes.currency && changes.currency !== org.currency) {
    const stored = await sql<{ n: number }>`select
      (select count(*) from customer_order where org_id = ${org.id}::uuid) +
      (select count(*) from subscription where org_id = ${org.id}::uuid) +
      (select count(*) from cost where org_id = ${org.id}::uuid) as n`.execute(db);
    if (Number(stored.rows[0]!.n) > 0) {
      throw new AppError(
        409,
        'currency-in-use',
        `Amounts are stored converted to ${org.currency}; to report in ${changes.currency}, create an organization with that currency and import the data there.`,
      );
    }
  }
  if (!Object.keys(changes).length) return org;
  const updated = await db
    .updateTable('organization')
    .set(changes)
    .where('id', '=', org.id)
    .returning(columns)
    .executeTakeFirstOrThrow();
  // Rollups are by local day: raw rows answer until the rebuild job has run in the new zone.
  if (changes.timezone && changes.timezone !== org.timezone) await markRollupsStale(db, org.id);
  return updated;
}

export const DEFAULT_ORG_SLUG = 'default';

/**
 * The organization a single-tenant installation works in, created on first start with the
 * configured time zone and currency. Returns whether it was created just now.
 */
export async function ensureDefaultOrganization(
  db: Kysely<Database>,
  config: Pick<Config, 'defaultTimezone' | 'defaultCurrency'>,
): Promise<{ org: Organization; created: boolean }> {
  const existing = await findOrganizationBySlug(db, DEFAULT_ORG_SLUG);
  if (existing) return { org: existing, created: false };
  const org = await db
    .insertInto('organization')
    .values({
      slug: DEFAULT_ORG_SLUG,
      name: 'Default organization',
      timezone: config.defaultTimezone,
      currency: config.defaultCurrency,
    })
    .onConflict((oc) => oc.column('slug').doNothing())
    .returning(columns)
    .executeTakeFirst();
  if (org) return { org, created: true };
  // Another process created it between our read and our insert.
  return { org: (await findOrganizationBySlug(db, DEFAULT_ORG_SLUG))!, created: false };
}

/** Tables that hold an organization's imported data (they have no foreign key to it). */
export const DATA_TABLES = [
  'team',
  'agent',
  'customer',
  'subscription',
  'customer_order',
  'ticket',
  'survey_response',
  'review',
  'cost',
  'fx_rate',
] as const;

/** Removes every imported row of an organization, in one transaction; the organization stays. */
export async function deleteOrganizationData(db: Kysely<Database>, orgId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const table of DATA_TABLES) await trx.deleteFrom(table).where('org_id', '=', orgId).execute();
    // The rollups of no data are empty and current (src/metrics/rollups).
    await trx.deleteFrom('metric_rollup').where('org_id', '=', orgId).execute();
    await trx.deleteFrom('customer_state').where('org_id', '=', orgId).execute();
    await trx.deleteFrom('customer_rollup').where('org_id', '=', orgId).execute();
    await trx.deleteFrom('import_run').where('org_id', '=', orgId).execute();
  });
}

/**
 * Business hours of an organization: its own schedule (default Monday-Friday 09:00-17:00 in its
 * time zone) and optional schedules of teams, which time metrics of those teams' tickets use.
 * Stored in organization.settings as `business_hours` and `team_business_hours` (team id -> schedule).
 */
export interface BusinessHours {
  organization: BusinessSchedule;
  /** True when the organization has not set its schedule. */
  isDefault: boolean;
  teams: Record<string, BusinessSchedule>;
}

export async function getBusinessHours(db: Kysely<Database>, org: Organization): Promise<BusinessHours> {
  const row = await db.selectFrom('organization').select('settings').where('id', '=', org.id).executeTakeFirst();
  const settings = (row?.settings ?? {}) as { business_hours?: unknown; team_business_hours?: Record<string, unknown> };
  const teams = Object.fromEntries(
    Object.entries(settings.team_business_hours ?? {}).map(([team, schedule]) => [
      team,
      parseBusinessSchedule(schedule),
    ]),
  );
  return settings.business_hours
    ? { organization: parseBusinessSchedule(settings.business_hours), isDefault: false, teams }
    : { organization: { ...DEFAULT_SCHEDULE, timezone: org.timezone }, isDefault: true, teams };
}

/**
 * Sets the organization's schedule, or a team's (`team` given; `schedule` null removes the team's
 * own schedule so the team follows the organization's again). Validates before storing.
 */
export async function setBusinessHours(
  db: Kysely<Database>,
  org: Organization,
  schedule: unknown,
  team?: string,
): Promise<void> {
  if (team === undefined) {
    const parsed = parseBusinessSchedule(schedule);
    await sql`update organization set settings = jsonb_set(settings, '{business_hours}', ${JSON.stringify(parsed)}::jsonb)
      where id = ${org.id}::uuid`.execute(db);
    return;
  }
  const known = await db
    .selectFrom('team')
    .select('id')
    .where('org_id', '=', org.id)
    .where('id', '=', team)
    .executeTakeFirst();
  if (!known) throw notFound('unknown-team', `There is no team "${team}" in ${org.slug}; import it first.`);
  if (schedule === null) {
    await sql`update organization set settings = settings #- ${`{team_business_hours,${team}}`}::text[]
      where id = ${org.id}::uuid`.execute(db);
    return;
  }
  const parsed = parseBusinessSchedule(schedule);
  await sql`update organization set settings = jsonb_set(
      jsonb_set(settings, '{team_business_hours}', coalesce(settings->'team_business_hours', '{}'::jsonb)),
      array['team_business_hours', ${team}], ${JSON.stringify(parsed)}::jsonb)
    where id = ${org.id}::uuid`.execute(db);
}
