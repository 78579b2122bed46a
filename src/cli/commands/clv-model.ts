import { fitClvModel } from '../../analytics/index.ts';
import {
  configFrom,
  databaseOptions,
  parseCommand,
  parseFormatFlag,
  parseNumberFlag,
  resolveOrganization,
  withDatabase,
  type Io,
} from '../context.ts';

const help = `Usage:
  cxkpi clv-model fit [--from DATE] --to DATE [--horizon WEEKS] [--by segment] [--customers N]
                      [--format table|json]

Fits BG/NBD (purchase frequency and dropout) and Gamma-Gamma (value per purchase) by maximum
likelihood to the completed orders in the calibration range [from, to), in weeks; one purchase
per customer and local day. Prints r, alpha, a, b, p, q, v and, with --customers N, the N customers
of highest expected value over --horizon weeks (default 52) with their P(alive). Example:
  cxkpi clv-model fit --from 2025-01-01 --to 2026-01-01 --by segment --customers 20`;

export async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    ...databaseOptions,
    from: { type: 'string' },
    to: { type: 'string' },
    horizon: { type: 'string' },
    by: { type: 'string' },
    customers: { type: 'string' },
    format: { type: 'string' },
  });
  const [action] = positionals;
  if (values.help || action !== 'fit') return (io.out(help), values.help ? 0 : 2);
  const format = parseFormatFlag(values.format, ['table', 'json']);
  const config = configFrom(values);
  return withDatabase(config, async (db) => {
    const org = await resolveOrganization(db, config, values.org);
    if (values.by !== undefined && values.by !== 'segment') {
      io.err('--by takes segment (the customer segment).');
      return 2;
    }
    const result = await fitClvModel(db, org, {
      from: values.from,
      to: values.to ?? new Date().toISOString().slice(0, 10),
      horizon_weeks: parseNumberFlag('horizon', values.horizon, 'invalid-query'),
      by_segment: values.by === 'segment',
      customers: parseNumberFlag('customers', values.customers, 'invalid-query'),
    });
    if (format === 'json') {
      io.out(JSON.stringify(result));
      return 0;
    }
    const f = (v: number | null, digits = 3) => (v === null ? '-' : v.toFixed(digits));
    io.out(
      `Calibration ${result.meta.from ?? 'start'}..${result.meta.to} (weeks), horizon ${result.meta.horizon_weeks} weeks`,
    );
    for (const m of result.models) {
      io.out(
        `${m.segment === null ? 'all customers' : `segment ${m.segment || '(none)'}`}: ${m.customers} customers, ${m.repeat_customers} repeat` +
          `\n  BG/NBD r ${f(m.r)} alpha ${f(m.alpha)} a ${f(m.a)} b ${f(m.b)}; Gamma-Gamma p ${f(m.p)} q ${f(m.q)} v ${f(m.v)}` +
          `\n  mean expected purchases ${f(m.mean_expected_purchases)}, P(alive) ${f(m.mean_p_alive)}, ` +
          `expected value ${f(m.mean_expected_value, 2)} ${result.meta.currency}${m.converged ? '' : ' (optimizer did not converge)'}`,
      );
    }
    for (const c of result.customers)
      io.out(
        `  ${c.customer_id}  x ${c.x}  t_x ${c.t_x.toFixed(2)}  T ${c.T.toFixed(2)}  E[purchases] ${f(c.expected_purchases)}  ` +
          `P(alive) ${f(c.p_alive)}  value ${f(c.expected_value, 2)}`,
      );
    return 0;
  });
}
