import { OPERATOR, recordAudit } from '../../auth/index.ts';
import { badRequest } from '../../errors.ts';
import { deleteTarget, listTargets, setTarget, TARGET_GRAINS, type TargetGrain } from '../../kpi/index.ts';
import {
  configFrom,
  databaseOptions,
  parseCommand,
  parseFormatFlag,
  parseNumberFlag,
  parseOptionsFlag,
  parseScopeFlags,
  resolveOrganization,
  withDatabase,
  type Io,
} from '../context.ts';

const help = `Usage:
  cxkpi targets set <metric> --value X [--scope DIM=ID ...] [--grain month|quarter|year]
                    [--from DATE] [--to DATE] [--options JSON]
  cxkpi targets list [--format table|json]
  cxkpi targets delete <id>

A target replaces the one in force for the same metric, scope and grain from its first period
(--from, default the current period), so a past period keeps the target it had. Which way is good
comes from the metric. Query rows of a targeted metric carry target and attainment (met, missed,
not_enough_data, no_target). Examples:
  cxkpi targets set csat --value 0.85 --scope team=t-billing --from 2026-01-01
  cxkpi targets set first_response_time --value 3600 --grain quarter`;

export async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    ...databaseOptions,
    value: { type: 'string' },
    scope: { type: 'string', multiple: true },
    grain: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    options: { type: 'string' },
    format: { type: 'string' },
  });
  const [action, target] = positionals;
  if (values.help || !action) return (io.out(help), values.help ? 0 : 2);
  const format = parseFormatFlag(values.format, ['table', 'json']);
  const config = configFrom(values);
  return withDatabase(config, async (db) => {
    const org = await resolveOrganization(db, config, values.org);
    const operator = { ...OPERATOR, orgId: org.id };
    if (action === 'set' && target) {
      const value = parseNumberFlag('value', values.value ?? '', 'invalid-target')!;
      const scope = parseScopeFlags(values.scope);
      if (values.grain && !TARGET_GRAINS.includes(values.grain as TargetGrain))
        throw badRequest('invalid-grain', `--grain is one of ${TARGET_GRAINS.join(', ')}.`);
      const options = parseOptionsFlag(values.options);
      const saved = await setTarget(db, org, operator, {
        metric: target,
        value,
        scope,
        grain: values.grain as TargetGrain | undefined,
        from: values.from,
        to: values.to,
        options,
      });
      await recordAudit(db.kysely, operator, 'target.set', saved.id, { ...saved });
      io.out(format === 'json' ? JSON.stringify(saved) : `Set target ${saved.id}: ${describe(saved)}.`);
      return 0;
    }
    if (action === 'list') {
      const targets = await listTargets(db.kysely, org.id);
      if (format === 'json') io.out(JSON.stringify({ targets }));
      else if (!targets.length) io.out('No targets. Set one with cxkpi targets set <metric> --value X.');
      else for (const t of targets) io.out(`${t.id}  ${describe(t)}`);
      return 0;
    }
    if (action === 'delete' && target) {
      const removed = await deleteTarget(db, org.id, operator, target);
      await recordAudit(db.kysely, operator, 'target.deleted', removed.id, { ...removed });
      io.out(`Deleted target ${removed.id}.`);
      return 0;
    }
    io.err(help);
    return 2;
  });
}

function describe(t: Awaited<ReturnType<typeof listTargets>>[number]): string {
  const scope =
    Object.entries(t.scope)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ') || 'organization';
  const options = Object.keys(t.options).length ? ` ${JSON.stringify(t.options)}` : '';
  return `${t.metric} ${t.value} per ${t.grain}, ${scope}, from ${t.valid_from}${t.valid_to ? ` until ${t.valid_to}` : ''}${options}`;
}
