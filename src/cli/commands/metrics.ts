import { describeMetric, listMetrics } from '../../metrics/index.ts';
import { parseCommand, type Io } from '../context.ts';

const help =
  'Usage: cxkpi metrics [--format table|json] [--lang en|ru|lt]\n\nThe KPI catalog: ids, names, units, definitions.';

export async function run(args: string[], io: Io): Promise<number> {
  const { values } = parseCommand(args, {
    format: { type: 'string' },
    lang: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return (io.out(help), 0);
  const metrics = listMetrics().map(describeMetric);
  if (values.format === 'json') {
    io.out(JSON.stringify({ metrics }, null, 2));
    return 0;
  }
  const lang = (['en', 'ru', 'lt'].includes(values.lang ?? '') ? values.lang : 'en') as 'en' | 'ru' | 'lt';
  const width = Math.max(...metrics.map((m) => m.id.length));
  for (const metric of metrics) {
    io.out(`${metric.id.padEnd(width)}  ${metric.unit.padEnd(7)}  ${metric.names[lang]}: ${metric.description}`);
  }
  return 0;
}
