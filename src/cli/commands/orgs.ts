import { isTimeZone } from '../../config.ts';
import { OPERATOR, recordAudit } from '../../auth/index.ts';
import { badRequest } from '../../errors.ts';
import {
  createOrganization,
  findOrganizationBySlug,
  getBusinessHours,
  listOrganizations,
  setBusinessHours,
  updateOrganization,
  type OrganizationChanges,
} from '../../orgs/index.ts';
import { renderTable } from '../format.ts';
import { configFrom, databaseOptions, parseCommand, resolveOrganization, withDatabase, type Io } from '../context.ts';

const help = `Usage:
  cxkpi orgs create <slug> [--name NAME] [--timezone Europe/Vilnius] [--currency EUR] [--language en|ru|lt]
  cxkpi orgs list
  cxkpi orgs set [<slug>] [--name NAME] [--timezone ZONE] [--currency CUR] [--language en|ru|lt]
      change an organization (default: the installation's default one); the currency cannot
      change once amounts are stored, since they are stored converted to it
  cxkpi orgs hours [<slug>] [--team ID] [--set JSON | --clear]
      show or set business hours of the organization or of one team, e.g.
      --set '{"timezone":"Europe/Vilnius","week":{"mon":[["09:00","17:00"]],"tue":[["09:00","17:00"]]},"holidays":["2026-12-24"]}'
      A team with its own schedule (a night shift, another country) has its tickets' business-hours
      durations counted in it; --clear makes the team follow the organization's again.

Organizations keep their data apart; commands choose one with --org SLUG. The time zone reads
timestamps without an offset and places records in days and months; the currency is the one all
amounts are reported in. Create the organization before importing into it:
  cxkpi orgs create retail --timezone Europe/Vilnius --currency EUR --language lt
  cxkpi import tickets tickets.csv --org retail`;

export async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    ...databaseOptions,
    name: { type: 'string' },
    timezone: { type: 'string' },
    currency: { type: 'string' },
    language: { type: 'string' },
    set: { type: 'string' },
    team: { type: 'string' },
    clear: { type: 'boolean' },
  });
  const [action, slug] = positionals;
  if (values.help || !action) return (io.out(help), values.help ? 0 : 2);
  const config = configFrom(values);
  return withDatabase(config, async (db) => {
    if (action === 'list') {
      const orgs = await listOrganizations(db.kysely);
      io.out(
        renderTable(
          ['slug', 'time zone', 'currency', 'language', 'name'],
          orgs.map((org) => [org.slug, org.timezone, org.currency, org.language, org.name]),
        ),
      );
      return 0;
    }
    if (action === 'hours') {
      const org = await resolveOrganization(db, config, slug ?? values.org, {
        read: values.set === undefined && !values.clear,
      });
      if (values.set !== undefined || values.clear) {
        let input: unknown = null;
        if (!values.clear) {
          try {
            input = JSON.parse(values.set!);
          } catch {
            throw badRequest('invalid-json', '--set must be a JSON object.');
          }
        } else if (!values.team)
          throw badRequest('invalid-arguments', '--clear removes a team schedule: add --team ID.');
        await setBusinessHours(db.kysely, org, input, values.team);
        const target = values.team ? `team ${values.team}` : null;
        await recordAudit(
          db.kysely,
          { ...OPERATOR, orgId: org.id },
          input ? 'business_hours.set' : 'business_hours.cleared',
          target,
          (input ?? {}) as Record<string, unknown>,
        );
        io.out(
          values.team
            ? `Business hours of team ${values.team} ${values.clear ? 'removed: it follows the organization' : 'set'}.`
            : `Business hours of ${org.slug} set.`,
        );
      }
      const hours = await getBusinessHours(db.kysely, org);
      const shown = values.team
        ? (hours.teams[values.team] ?? { ...hours.organization, note: "the organization's schedule" })
        : { ...hours.organization, ...(hours.isDefault ? { note: 'default' } : {}), teams: hours.teams };
      io.out(JSON.stringify(shown, null, 2));
      return 0;
    }
    if (action === 'set') {
      if (positionals.length > 2) return (io.err(help), 2);
      const changes = checkSettings(values, false);
      if (!Object.keys(changes).length)
        throw badRequest('invalid-arguments', 'Give at least one of --name, --timezone, --currency, --language.');
      const org = await resolveOrganization(db, config, slug ?? values.org);
      const updated = await updateOrganization(db.kysely, org, changes);
      await recordAudit(db.kysely, { ...OPERATOR, orgId: org.id }, 'organization.updated', org.slug, { ...changes });
      io.out(
        `Organization ${updated.slug}: ${updated.name}, ${updated.timezone}, ${updated.currency}, language ${updated.language}.`,
      );
      return 0;
    }
    if (action === 'create' && slug) {
      if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(slug)) {
        throw badRequest('invalid-slug', 'A slug is lowercase letters, digits and dashes, such as acme-eu.');
      }
      const settings = checkSettings(
        {
          ...values,
          timezone: values.timezone ?? config.defaultTimezone,
          currency: values.currency ?? config.defaultCurrency,
          language: values.language ?? 'en',
        },
        true,
      );
      if (await findOrganizationBySlug(db.kysely, slug)) throw badRequest('org-exists', `Organization ${slug} exists.`);
      const org = await createOrganization(db.kysely, { slug, name: values.name ?? slug, ...settings });
      io.out(`Created organization ${org.slug} (${org.timezone}, ${org.currency}). Use it with --org ${org.slug}.`);
      return 0;
    }
    io.err(help);
    return 2;
  });
}

/** The settings flags given, checked (the same rules as PATCH /api/v1/organization). */
function checkSettings(
  values: { name?: string; timezone?: string; currency?: string; language?: string },
  creating: boolean,
): OrganizationChanges {
  const changes: OrganizationChanges = {};
  if (values.name !== undefined && !creating) {
    const name = values.name.trim();
    if (!name || name.length > 200) throw badRequest('invalid-name', '--name is 1-200 characters.');
    changes.name = name;
  }
  if (values.timezone !== undefined) {
    if (!isTimeZone(values.timezone))
      throw badRequest('invalid-timezone', `${values.timezone} is not an IANA time zone such as Europe/Vilnius.`);
    changes.timezone = values.timezone;
  }
  if (values.currency !== undefined) {
    const currency = values.currency.toUpperCase();
    if (!/^[A-Z]{3}$/.test(currency))
      throw badRequest('invalid-currency', `${values.currency} is not an ISO 4217 code.`);
    changes.currency = currency;
  }
  if (values.language !== undefined) {
    if (!['en', 'ru', 'lt'].includes(values.language))
      throw badRequest('invalid-language', '--language is en, ru or lt.');
    changes.language = values.language as 'en' | 'ru' | 'lt';
  }
  return changes;
}
