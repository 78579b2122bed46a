import { isTimeZone } from '../../config.ts';
import { OPERATOR, recordAudit } from '../../auth/index.ts';
import { badRequest } from '../../errors.ts';
import {
  createOrganization,
  findOrganizationBySlug,
  getBusinessHours,
  listOrganizations,
  setBusinessHours,
} from '../../orgs/index.ts';
import { renderTable } from '../format.ts';
import { configFrom, databaseOptions, parseCommand, resolveOrganization, withDatabase, type Io } from '../context.ts';

const help = `Usage:
  cxkpi orgs create <slug> [--name NAME] [--timezone Europe/Vilnius] [--currency EUR] [--language en|ru|lt]
  cxkpi orgs list
  cxkpi orgs hours [<slug>] [--team ID] [--set JSON | --clear]
      show or set business hours of the organization or of one team, e.g.
      --set '{"timezone":"Europe/Vilnius","week":{"mon":[["09:00","17:00"]],"tue":[["09:00","17:00"]]},"holidays":["2026-12-24"]}'
      A team with its own schedule (a night shift, another country) has its tickets' business-hours
      durations counted in it; --clear makes the team follow the organization's again.

Organizations keep their data apart; commands choose one with --org SLUG. The time zone reads
timestamps without an offset and places records in days and months; the currency is the one all
amounts are reported in.`;

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
      const org = await resolveOrganization(db, config, slug ?? values.org);
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
    if (action === 'create' && slug) {
      if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(slug)) {
        throw badRequest('invalid-slug', 'A slug is lowercase letters, digits and dashes, such as acme-eu.');
      }
      const timezone = values.timezone ?? config.defaultTimezone;
      if (!isTimeZone(timezone)) throw badRequest('invalid-timezone', `${timezone} is not an IANA time zone.`);
      const currency = (values.currency ?? config.defaultCurrency).toUpperCase();
      if (!/^[A-Z]{3}$/.test(currency)) throw badRequest('invalid-currency', `${currency} is not an ISO 4217 code.`);
      const language = values.language ?? 'en';
      if (!['en', 'ru', 'lt'].includes(language)) throw badRequest('invalid-language', '--language is en, ru or lt.');
      if (await findOrganizationBySlug(db.kysely, slug)) throw badRequest('org-exists', `Organization ${slug} exists.`);
      const org = await createOrganization(db.kysely, {
        slug,
        name: values.name ?? slug,
        timezone,
        currency,
        language: language as 'en' | 'ru' | 'lt',
      });
      io.out(`Created organization ${org.slug} (${org.timezone}, ${org.currency}). Use it with --org ${org.slug}.`);
      return 0;
    }
    io.err(help);
    return 2;
  });
}
