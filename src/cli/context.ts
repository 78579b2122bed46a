import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadConfig, type Config, type ConfigFlags } from '../config.ts';
import { openDatabase, type Db } from '../db/connect.ts';
import { badRequest, notFound } from '../errors.ts';
import {
  DEFAULT_ORG_SLUG,
  ensureDefaultOrganization,
  findOrganizationBySlug,
  type Organization,
} from '../orgs/index.ts';

export { processIo, type Io } from './io.ts';

/** Options every command that touches the database accepts. */
export const databaseOptions = {
  'data-dir': { type: 'string' },
  'database-url': { type: 'string' },
  org: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

export function parseCommand<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw badRequest('invalid-arguments', `${(error as Error).message}. See --help.`);
  }
}

export function configFrom(values: Record<string, unknown>, extra: ConfigFlags = {}): Config {
  return loadConfig({
    dataDir: values['data-dir'] as string | undefined,
    databaseUrl: values['database-url'] as string | undefined,
    ...extra,
  });
}

/**
 * The organization a command works in: `--org SLUG`, or the installation's default one. A
 * command that only reads (`{ read: true }`) never creates the default organization: without
 * it, it says how to make one.
 */
export async function resolveOrganization(
  db: Db,
  config: Config,
  slug: string | undefined,
  options: { read?: boolean } = {},
): Promise<Organization> {
  if (!slug && options.read) {
    const org = await findOrganizationBySlug(db.kysely, DEFAULT_ORG_SLUG);
    if (org) return org;
    throw notFound(
      'organization-not-found',
      'There is no organization yet: create one with cxkpi orgs create SLUG --timezone ZONE --currency CUR, then use --org SLUG (an import without --org creates the default one).',
    );
  }
  if (!slug) return (await ensureDefaultOrganization(db.kysely, config)).org;
  const org = await findOrganizationBySlug(db.kysely, slug);
  if (!org)
    throw notFound(
      'organization-not-found',
      `No organization "${slug}": create it with cxkpi orgs create ${slug} --timezone ZONE --currency CUR (cxkpi orgs list shows those there are).`,
    );
  return org;
}

export async function withDatabase<T>(config: Config, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDatabase(config);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** `--scope team=t1 --scope channel=chat` as {team: 't1', channel: 'chat'}. */
export function parseScopeFlags(items: string[] | undefined): Record<string, string> {
  const scope: Record<string, string> = {};
  for (const item of items ?? []) {
    const at = item.indexOf('=');
    if (at < 1 || at === item.length - 1)
      throw badRequest('invalid-scope', `--scope "${item}" must be DIM=ID, such as team=t1.`);
    scope[item.slice(0, at)] = item.slice(at + 1);
  }
  return scope;
}

/** `--options '{"statistic":"p90"}'`: a metric's options as an object (their values are checked later). */
export function parseOptionsFlag(text: string | undefined): Record<string, string | number | boolean> {
  if (text === undefined) return {};
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value))
      return value as Record<string, string | number | boolean>;
  } catch {
    // reported below
  }
  throw badRequest('invalid-options', `--options is a JSON object such as '{"statistic":"p90"}'.`);
}

/** `--format`: one of the forms a command prints, `table` when not given. */
export function parseFormatFlag<F extends string>(text: string | undefined, allowed: readonly F[]): F {
  const format = (text ?? 'table') as F;
  if (!allowed.includes(format)) throw badRequest('invalid-format', `--format is ${allowed.join(' or ')}.`);
  return format;
}

/** `--limit`: how many rows a listing prints, 1-1000. */
export function parseLimitFlag(text: string | undefined, fallback = 50): number {
  const limit = text === undefined ? fallback : Number(text);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw badRequest('invalid-limit', '--limit is 1-1000.');
  return limit;
}

/** A numeric flag such as `--value 0.85`; undefined when not given. `code` names the error. */
export function parseNumberFlag(flag: string, text: string | undefined, code: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^-?\d+(\.\d+)?(e-?\d+)?$/i.test(text.trim()))
    throw badRequest(code, `--${flag} "${text}" must be a number such as 0.85 or 3600.`);
  return Number(text);
}
