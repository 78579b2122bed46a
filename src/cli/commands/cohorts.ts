import { computeCohorts, COHORT_GROUPS } from '../../analytics/index.ts';
import { badRequest } from '../../errors.ts';
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
  cxkpi cohorts --metric customer_retention|revenue_retention --from DATE --to DATE [--grain month]
                [--by ${COHORT_GROUPS.join('|')}] [--basis auto|subscriptions|orders] [--format table|json]

Customers by the month they started (first subscription, or first completed order) x months
since: the share still active (customer_retention) or the revenue kept (revenue_retention), with
n per cell. --by splits cohorts by acquisition channel, plan, segment or the CSAT of the first
ticket (satisfied, not_satisfied, no_answer, no_ticket). Example:
  cxkpi cohorts --metric customer_retention --from 2025-01-01 --to 2026-01-01 --by first_ticket_csat_group`;

export async function run(args: string[], io: Io): Promise<number> {
  const { values } = parseCommand(args, {
    ...databaseOptions,
    metric: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    grain: { type: 'string' },
    by: { type: 'string' },
    basis: { type: 'string' },
    format: { type: 'string' },
  });
  if (values.help) return (io.out(help), 0);
  if (!values.metric) throw badRequest('invalid-query', '--metric is customer_retention or revenue_retention.');
  const format = parseFormatFlag(values.format, ['table', 'json']);
  const config = configFrom(values);
  return withDatabase(config, async (db) => {
    const org = await resolveOrganization(db, config, values.org);
    const result = await computeCohorts(db, org, {
      metric: values.metric as never,
      from: values.from ?? '',
      to: values.to ?? '',
      grain: values.grain as never,
      by: values.by as never,
      basis: values.basis as never,
    });
    if (format === 'json') {
      io.out(JSON.stringify(result));
      return 0;
    }
    if (!result.cohorts.length) {
      io.out('No customers started in the range.');
      return 0;
    }
    const width = Math.max(...result.cohorts.map((c) => c.cells.length));
    io.out(
      `${result.meta.metric} by ${result.meta.basis === 'orders' ? 'first-order' : 'signup'} month` +
        `${result.meta.by ? ` and ${result.meta.by}` : ''} (${result.meta.tz}); each cell: value (retained/n)`,
    );
    io.out(
      ['cohort ', result.meta.by ? 'group ' : '', 'n', ...Array.from({ length: width }, (_, k) => `m${k}`)]
        .filter(Boolean)
        .join('\t'),
    );
    for (const c of result.cohorts)
      io.out(
        [
          c.cohort,
          ...(result.meta.by ? [c.group ?? '(none)'] : []),
          String(c.size),
          ...c.cells.map(
            (cell) =>
              `${cell.value === null ? '-' : `${(cell.value * 100).toFixed(1)}%`}${result.meta.metric === 'customer_retention' ? ` (${cell.retained})` : ''}${cell.partial ? '*' : ''}`,
          ),
        ].join('\t'),
      );
    if (result.cohorts.some((c) => c.cells.some((cell) => cell.partial))) io.out('* month not over yet (partial).');
    return 0;
  });
}
