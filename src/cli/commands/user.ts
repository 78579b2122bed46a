import {
  addMember,
  createUser,
  findUserByEmail,
  generatePassword,
  listMembers,
  normalizeEmail,
  OPERATOR,
  recordAudit,
  ROLES,
  setPassword,
  type Role,
} from '../../auth/index.ts';
import { badRequest, notFound } from '../../errors.ts';
import { configFrom, databaseOptions, parseCommand, resolveOrganization, withDatabase, type Io } from '../context.ts';

const help = `Usage:
  cxkpi user create --email E --role owner|admin|manager|team_lead|agent|viewer
      [--name NAME] [--teams T1,T2 (team lead)] [--agent ID (agent)] [--password-stdin]
      add a person to the organization (--org); prints a generated password unless one comes on stdin
  cxkpi user list
  cxkpi user reset-password --email E [--password-stdin]
      set a new password (printed when generated), unlock the account and end its sessions

Passwords: at least 10 characters. People can also be invited from the dashboard or with
POST /api/v1/users/invitations.`;

async function readPassword(io: Io): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    ...databaseOptions,
    email: { type: 'string' },
    role: { type: 'string' },
    name: { type: 'string' },
    teams: { type: 'string' },
    agent: { type: 'string' },
    'password-stdin': { type: 'boolean' },
  });
  const [action] = positionals;
  if (values.help || !action) return (io.out(help), values.help ? 0 : 2);
  const config = configFrom(values);
  return withDatabase(config, async (db) => {
    const org = await resolveOrganization(db, config, values.org);
    const operator = { ...OPERATOR, orgId: org.id };
    if (action === 'list') {
      for (const m of await listMembers(db.kysely, org.id)) {
        const scope = m.role === 'team_lead' ? ` teams ${m.teams.join(',')}` : m.agent_id ? ` agent ${m.agent_id}` : '';
        const login = m.last_login_at ? `last login ${m.last_login_at.toISOString()}` : 'never logged in';
        io.out(`${m.email.padEnd(32)} ${m.role.padEnd(9)}${scope}  (${login})`);
      }
      return 0;
    }
    if (!values.email) throw badRequest('invalid-arguments', '--email is required.');
    const email = normalizeEmail(values.email);
    const given = values['password-stdin'] ? await readPassword(io) : undefined;
    const password = given ?? generatePassword();
    if (action === 'create') {
      const role = values.role as Role;
      if (!ROLES.includes(role)) throw badRequest('invalid-role', `--role is one of ${ROLES.join(', ')}.`);
      const existing = await findUserByEmail(db.kysely, email);
      const userId = existing?.id ?? (await createUser(db.kysely, { email, name: values.name, password })).id;
      await addMember(db.kysely, org.id, userId, {
        role,
        teams: values.teams
          ?.split(',')
          .map((t) => t.trim())
          .filter(Boolean),
        agent_id: values.agent,
      });
      await recordAudit(db.kysely, operator, 'user.created', email, { role });
      io.out(`${email} is ${role} of ${org.slug}.`);
      if (existing) io.out('The account existed; its password is unchanged.');
      else if (!given) io.out(`Password (shown only now): ${password}`);
      return 0;
    }
    if (action === 'reset-password') {
      const user = await findUserByEmail(db.kysely, email);
      if (!user) throw notFound('unknown-user', `There is no user ${email}.`);
      await setPassword(db.kysely, user.id, password);
      await recordAudit(db.kysely, operator, 'password.reset', email);
      io.out(given ? `Password of ${email} set.` : `New password of ${email} (shown only now): ${password}`);
      return 0;
    }
    io.err(help);
    return 2;
  });
}
