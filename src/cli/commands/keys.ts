import {
  API_KEY_SCOPES,
  createApiKey,
  listApiKeys,
  OPERATOR,
  recordAudit,
  revokeApiKey,
  type ApiKeyScope,
} from '../../auth/index.ts';
import { badRequest } from '../../errors.ts';
import { renderTable } from '../format.ts';
import { configFrom, databaseOptions, parseCommand, resolveOrganization, withDatabase, type Io } from '../context.ts';

const help = `Usage:
  cxkpi keys create [--name NAME] [--scope full|ingest|read]   print a new API key (shown once)
  cxkpi keys list                                              list keys (prefix, scope, last use)
  cxkpi keys revoke <id or prefix>                             stop a key at once`;

export async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    ...databaseOptions,
    name: { type: 'string' },
    scope: { type: 'string' },
  });
  const [action, target] = positionals;
  if (values.help || !action) return (io.out(help), values.help ? 0 : 2);
  const config = configFrom(values);
  return withDatabase(config, async (db) => {
    const org = await resolveOrganization(db, config, values.org);
    if (action === 'create') {
      const scope = (values.scope ?? 'full') as ApiKeyScope;
      if (!API_KEY_SCOPES.includes(scope))
        throw badRequest('invalid-scope', `--scope must be one of ${API_KEY_SCOPES.join(', ')}.`);
      const { key, info } = await createApiKey(db.kysely, org.id, { name: values.name ?? 'cli', scope });
      await recordAudit(db.kysely, { ...OPERATOR, orgId: org.id }, 'key.created', info.prefix, {
        name: info.name,
        scope: info.scope,
      });
      io.out(`Created ${info.scope} key ${info.prefix} (${info.name}). It is shown only now:\n${key}`);
      return 0;
    }
    if (action === 'list') {
      const keys = await listApiKeys(db.kysely, org.id);
      io.out(
        renderTable(
          ['prefix', 'scope', 'name', 'state', 'id'],
          keys.map((key) => [
            key.prefix,
            key.scope,
            key.name,
            key.revoked_at
              ? `revoked ${key.revoked_at.toISOString()}`
              : `last used ${key.last_used_at?.toISOString() ?? 'never'}`,
            key.id,
          ]),
        ),
      );
      return 0;
    }
    if (action === 'revoke' && target) {
      await revokeApiKey(db.kysely, org.id, target);
      await recordAudit(db.kysely, { ...OPERATOR, orgId: org.id }, 'key.revoked', target);
      io.out(`Revoked ${target}.`);
      return 0;
    }
    io.err(help);
    return 2;
  });
}
