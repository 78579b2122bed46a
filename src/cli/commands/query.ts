import { badRequest } from '../../errors.ts';
import { csvRow } from '../../export/csv.ts';
import { queryMetrics, type MetricResult } from '../../metrics/index.ts';
import { configFrom, databaseOptions, parseCommand, resolveOrganization, withDatabase, type Io } from '../context.ts';

const help = `Usage: cxkpi query <metric>[,<metric>...] --from DATE --to DATE [options]

  --grain day|week|month|quarter|year|all   periods (default month), in the time zone
  --by DIM[,DIM]                            group by dimensions (team, agent, channel,
                                            customer.segment, attributes.region, ...)
  --where DIM=VALUE[,VALUE]                 filter (repeatable); references by id
  --tz ZONE                                 IANA time zone (default: the organization's)
  --compare previous|year                   add previous value, delta and significance
  --option METRIC.NAME=VALUE                metric option, e.g. first_response_time.aggregate=p90
  --business-hours                          durations in open hours only (cxkpi orgs hours)
  --format table|json|csv                   output (default table)

The range is [from, to): --from 2026-01-01 --to 2027-01-01 is the year 2026.`;

export async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    ...databaseOptions,
    from: { type: 'string' },
    to: { type: 'string' },
    grain: { type: 'string' },
    by: { type: 'string' },
    where: { type: 'string', multiple: true },
    tz: { type: 'string' },
    compare: { type: 'string' },
    option: { type: 'string', multiple: true },
    'business-hours': { type: 'boolean' },
    format: { type: 'string' },
  });
  if (values.help || positionals.length !== 1 || !values.from || !values.to) {
    io.out(help);
    return values.help ? 0 : 2;
  }
  const where: Record<string, string> = {};
  for (const item of values.where ?? []) {
    const at = item.indexOf('=');
    if (at <= 0) throw badRequest('invalid-arguments', `--where ${item}: expected DIM=VALUE.`);
    where[item.slice(0, at)] = item.slice(at + 1);
  }
  const options: Record<string, Record<string, string>> = {};
  for (const item of values.option ?? []) {
    const match = /^([a-z0-9_]+)\.([a-z0-9_]+)=(.*)$/.exec(item);
    if (!match) throw badRequest('invalid-arguments', `--option ${item}: expected METRIC.NAME=VALUE.`);
    (options[match[1]!] ??= {})[match[2]!] = match[3]!;
  }
  const format = values.format ?? 'table';
  if (!['table', 'json', 'csv'].includes(format))
    throw badRequest('invalid-arguments', '--format is table, json or csv.');
  const config = configFrom(values);
  const result = await withDatabase(config, async (db) => {
    const org = await resolveOrganization(db, config, values.org);
    return queryMetrics(db, org, {
      metrics: positionals[0]!.split(',').map((m) => m.trim()),
      from: values.from!,
      to: values.to!,
      ...(values.grain ? { grain: values.grain as never } : {}),
      by: values.by ? values.by.split(',').map((d) => d.trim()) : [],
      where,
      ...(values.tz ? { tz: values.tz } : {}),
      ...(values.compare ? { compare: values.compare as never } : {}),
      options,
      business_hours: values['business-hours'] ?? false,
    });
  });
  if (format === 'json') io.out(JSON.stringify(result));
  else if (format === 'csv') io.out(toCsv(result));
  else io.out(toTable(result));
  return 0;
}

const COLUMNS = [
  'metric',
  'period',
  'value',
  'n',
  'ci_low',
  'ci_high',
  'low_sample',
  'previous',
  'delta',
  'significant',
] as const;

function groupKeys(result: MetricResult): string[] {
  const keys = new Set<string>();
  for (const row of result.rows) for (const key of Object.keys(row.group)) keys.add(key);
  return [...keys];
}

export function toCsv(result: MetricResult): string {
  const groups = groupKeys(result);
  const columns = [...COLUMNS.slice(0, 2), ...groups, ...COLUMNS.slice(2)].filter(
    (c) => !['previous', 'delta', 'significant'].includes(c) || result.meta.compare,
  );
  let text = csvRow(columns);
  for (const row of result.rows) {
    text += csvRow(
      columns.map((c) => (groups.includes(c) ? row.group[c] : (row as unknown as Record<string, unknown>)[c])),
    );
  }
  return text.trimEnd();
}

function toTable(result: MetricResult): string {
  const groups = groupKeys(result).filter((k) => !k.endsWith('_name') || true);
  const header = [
    'metric',
    'period',
    ...groups,
    'value',
    'n',
    '95% interval',
    ...(result.meta.compare ? ['previous', 'delta', 'sig'] : []),
  ];
  const lines = result.rows.map((row) => [
    row.metric,
    row.period ?? 'all',
    ...groups.map((g) => row.group[g] ?? ''),
    formatNumber(row.value) + (row.low_sample && row.value !== null ? ' (low n)' : ''),
    String(row.n),
    row.ci_low !== null && row.ci_high !== null ? `${formatNumber(row.ci_low)} .. ${formatNumber(row.ci_high)}` : '',
    ...(result.meta.compare
      ? [
          formatNumber(row.previous ?? null),
          formatNumber(row.delta ?? null),
          row.significant ? 'yes' : row.significant === false ? 'no' : '',
        ]
      : []),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const render = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [
    render(header),
    ...lines.map(render),
    '',
    `Time zone ${result.meta.tz}; ratios as fractions, durations in seconds.`,
  ].join('\n');
}

function formatNumber(value: number | null): string {
  if (value === null) return 'n/a';
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(1) : value.toFixed(4);
}
