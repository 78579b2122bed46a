import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { Database } from '../db/schema.ts';
import { notFound } from '../errors.ts';

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
    await trx.deleteFrom('import_run').where('org_id', '=', orgId).execute();
  });
}
