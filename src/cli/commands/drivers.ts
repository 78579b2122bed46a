import { computeKeyDrivers } from '../../feedback/drivers.ts';
import { renderTable } from '../format.ts';
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
  cxkpi drivers --from DATE --to DATE [--outcome csat|nps] [--themes] [--format table|json]

Which service attributes (the answers' ratings) and, with --themes, which feedback themes move
CSAT or NPS: Johnson's relative weights (shares of R²) with 95 % bootstrap intervals, ranked, over
the answers that rate every attribute used; refused below 50 such answers.`;

export async function run(args: string[], io: Io): Promise<number> {
  const { values } = parseCommand(args, {
    ...databaseOptions,
    from: { type: 'string' },
    to: { type: 'string' },
    outcome: { type: 'string' },
    themes: { type: 'boolean' },
    format: { type: 'string' },
  });
  if (values.help) return (io.out(help), 0);
  const format = parseFormatFlag(values.format, ['table', 'json']);
  const config = configFrom(values);
  return withDatabase(config, async (db) => {
    const org = await resolveOrganization(db, config, values.org);
    const result = await computeKeyDrivers(db, org, {
      from: values.from ?? '',
      to: values.to ?? '',
      ...(values.outcome ? { outcome: values.outcome as 'csat' } : {}),
      themes: values.themes ? 'true' : 'false',
    });
    if (format === 'json') {
      io.out(JSON.stringify(result));
      return 0;
    }
    const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
    io.out(
      renderTable(
        ['driver', 'share of R²', 'weight', '95 % interval', 'direction'],
        result.drivers.map((d) => [
          d.predictor,
          pct(d.share),
          d.weight.toFixed(3),
          `${d.low.toFixed(3)}–${d.high.toFixed(3)}`,
          d.correlation >= 0 ? '+' : '−',
        ]),
      ),
    );
    io.out(
      `${result.outcome}: n = ${result.n}, R² = ${result.r2.toFixed(3)}, ${result.resamples} bootstrap resamples.`,
    );
    return 0;
  });
}
