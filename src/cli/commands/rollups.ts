import { addPeriods } from '../../calendar/periods.ts';
import { badRequest } from '../../errors.ts';
import { checkRollups } from '../../metrics/rollups/check.ts';
import { rebuildRollups } from '../../metrics/rollups/index.ts';
import { isDate } from '../../calendar/periods.ts';
import { listOrganizations } from '../../orgs/index.ts';
import {
  configFrom,
  databaseOptions,
  parseCommand,
  parseFormatFlag,
  resolveOrganization,
  withDatabase,
  type Io,
} from '../context.ts';

const help = `Usage:
  cxkpi rollups rebuild [--org SLUG]     rebuild the rollups from the raw rows (every organization without --org)
  cxkpi rollups check [--org SLUG] [--from DATE] [--to DATE] [--format table|json]
                                         answer every metric with rollups from them and from raw rows, and list
                                         where they differ (default: the last 12 whole months); exit 1 on a difference

Imports and survey answers keep rollups current in their own transactions; rebuild is for operators
(after a restore, say). See docs/scaling.md.`;

export async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    ...databaseOptions,
    from: { type: 'string' },
    to: { type: 'string' },
    format: { type: 'string' },
  });
  const [action] = positionals;
  if (values.help || !action) return (io.out(help), values.help ? 0 : 2);
  if (action !== 'rebuild' && action !== 'check')
    throw badRequest('unknown-action', `cxkpi rollups has rebuild and check, not "${action}".`);
  const format = parseFormatFlag(values.format, ['table', 'json']);
  const config = configFrom(values);
  return withDatabase(config, async (db) => {
    if (action === 'rebuild') {
      const orgs = values.org
        ? [await resolveOrganization(db, config, values.org)]
        : await listOrganizations(db.kysely);
      for (const org of orgs) {
        const { rows, ms } = await rebuildRollups(db, org);
        io.out(`${org.slug}: ${rows} rollup rows in ${(ms / 1000).toFixed(1)} s`);
      }
      return 0;
    }
    const org = await resolveOrganization(db, config, values.org);
    for (const [flag, value] of [
      ['--from', values.from],
      ['--to', values.to],
    ] as const) {
      if (value !== undefined && !isDate(value))
        throw badRequest('invalid-date', `${flag} "${value}" is not a date such as 2026-01-01.`);
    }
    const today = new Date().toISOString().slice(0, 8) + '01';
    const to = values.to ?? today;
    const from = values.from ?? addPeriods(to.slice(0, 8) + '01', 'month', -12);
    const { compared, differences } = await checkRollups(db, org, { from, to });
    if (format === 'json') io.out(JSON.stringify({ from, to, compared, differences }));
    else {
      io.out(
        `Compared ${compared} rows of ${from} .. ${to}: ${differences.length ? `${differences.length} difference(s)` : 'rollups equal raw rows'}.`,
      );
      for (const d of differences.slice(0, 200)) {
        io.out(
          `  ${d.metric} ${d.query} ${d.period ?? ''} ${JSON.stringify(d.group)} ${d.field}: rollup ${d.rollup}, raw ${d.raw}`,
        );
      }
    }
    return differences.length ? 1 : 0;
  });
}
