import { OPERATOR, recordAudit } from '../../auth/index.ts';
import { addBenchmark, BENCHMARK_VERSION, deleteBenchmark, listBenchmarks } from '../../analytics/index.ts';
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
  cxkpi benchmarks list [--metric M] [--format table|json]
  cxkpi benchmarks add <metric> [--low X] [--high X] --source TEXT [--segment TEXT]
  cxkpi benchmarks delete <id>

Industry reference values ("industry range"), shown beside a KPI and never mixed with targets:
the shipped set (version ${BENCHMARK_VERSION}, each with its source) and the organization's own.
Values are in the metric's unit: shares as fractions (0.75), durations in seconds. Example:
  cxkpi benchmarks add csat --low 0.8 --high 0.9 --source "Our association's 2026 survey" --segment retail`;

export async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    ...databaseOptions,
    metric: { type: 'string' },
    low: { type: 'string' },
    high: { type: 'string' },
    source: { type: 'string' },
    segment: { type: 'string' },
    format: { type: 'string' },
  });
  const [action, target] = positionals;
  if (values.help || !action) return (io.out(help), values.help ? 0 : 2);
  const format = parseFormatFlag(values.format, ['table', 'json']);
  const config = configFrom(values);
  return withDatabase(config, async (db) => {
    const org = await resolveOrganization(db, config, values.org);
    const operator = { ...OPERATOR, orgId: org.id };
    if (action === 'list') {
      const benchmarks = await listBenchmarks(db, org.id, values.metric);
      if (format === 'json') io.out(JSON.stringify({ version: BENCHMARK_VERSION, benchmarks }));
      else
        for (const b of benchmarks)
          io.out(
            `${b.id}  ${b.metric}  ${b.segment || '-'}  ${b.low ?? '…'}–${b.high ?? '…'}  ${b.label}  [${b.origin === 'industry' ? b.source.title : 'own'}]`,
          );
      return 0;
    }
    if (action === 'add' && target) {
      const saved = await addBenchmark(db, org.id, operator.actor, {
        metric: target,
        low: parseNumberFlag('low', values.low, 'invalid-benchmark') ?? null,
        high: parseNumberFlag('high', values.high, 'invalid-benchmark') ?? null,
        source: values.source ?? '',
        segment: values.segment,
      });
      await recordAudit(db.kysely, operator, 'benchmark.added', saved.id, { ...saved });
      io.out(format === 'json' ? JSON.stringify(saved) : `Added benchmark ${saved.id} for ${saved.metric}.`);
      return 0;
    }
    if (action === 'delete' && target) {
      await deleteBenchmark(db, org.id, target);
      await recordAudit(db.kysely, operator, 'benchmark.deleted', target);
      io.out(`Deleted benchmark ${target}.`);
      return 0;
    }
    io.err(help);
    return 2;
  });
}
