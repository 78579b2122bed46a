import { badRequest } from '../../errors.ts';
import { csvRow } from '../../export/csv.ts';
import fs from 'node:fs';
import { writeXlsx } from '../../export/xlsx.ts';
import { listMetricRows, queryMetrics, type MetricResult } from '../../metrics/index.ts';
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
  --rows                                    list the rows behind the value (one metric)
  --format table|json|csv|xlsx              output (default table); --out FILE writes a file

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
    rows: { type: 'boolean' },
    limit: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
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
  const format = values.format ?? (values.out?.endsWith('.xlsx') ? 'xlsx' : 'table');
  if (!['table', 'json', 'csv', 'xlsx'].includes(format)) {
    throw badRequest('invalid-arguments', '--format is table, json, csv or xlsx.');
  }
  if (format === 'xlsx' && !values.out) throw badRequest('invalid-arguments', '--format xlsx needs --out FILE.xlsx.');
  const config = configFrom(values);
  if (values.rows) {
    const metric = positionals[0]!;
    if (metric.includes(',')) throw badRequest('invalid-arguments', '--rows lists the rows behind one metric.');
    const result = await withDatabase(config, async (db) => {
      const org = await resolveOrganization(db, config, values.org);
      return listMetricRows(db, org, {
        metric,
        from: values.from!,
        to: values.to!,
        where,
        ...(values.tz ? { tz: values.tz } : {}),
        options: options[metric] ?? {},
        business_hours: values['business-hours'] ?? false,
        limit: values.limit ? Number(values.limit) : 1000,
      });
    });
    if (format === 'xlsx') {
      fs.writeFileSync(
        values.out!,
        await writeXlsx([{ name: result.metric, columns: result.columns, rows: result.rows }]),
      );
      io.out(`Wrote ${result.rows.length} rows to ${values.out}.`);
    } else if (format === 'json') write(io, values.out, JSON.stringify(result));
    else {
      let text = csvRow(result.columns);
      for (const row of result.rows) text += csvRow(result.columns.map((c) => row[c]));
      write(io, values.out, text);
    }
    if (result.truncated) io.err(`Only the first ${result.rows.length} rows; raise --limit for more.`);
    return 0;
  }
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
  if (format === 'json') write(io, values.out, JSON.stringify(result));
  else if (format === 'csv') write(io, values.out, toCsv(result));
  else if (format === 'xlsx') {
    const groups = groupKeys(result);
    const columns = [
      'metric',
      'period',
      ...groups,
      'value',
      'n',
      'ci_low',
      'ci_high',
      'low_sample',
      ...(result.meta.compare ? ['previous', 'delta', 'significant'] : []),
    ];
    const rows = result.rows.map((row) => ({ ...row, ...row.group }));
    fs.writeFileSync(values.out!, await writeXlsx([{ name: 'KPIs', columns, rows }]));
    io.out(`Wrote ${rows.length} rows to ${values.out}.`);
  } else io.out(toTable(result));
  return 0;
}

function write(io: Io, file: string | undefined, text: string) {
  if (file) fs.writeFileSync(file, text.endsWith('\n') ? text : `${text}\n`);
  else io.out(text);
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
    (row.period ?? 'all') + (row.partial ? ' (partial)' : ''),
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
