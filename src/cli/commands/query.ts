import { badRequest } from '../../errors.ts';
import { csvRow } from '../../export/csv.ts';
import fs from 'node:fs';
import { writeXlsx } from '../../export/xlsx.ts';
import { addDays } from '../../calendar/periods.ts';
import type { Db } from '../../db/connect.ts';
import type { Unit } from '../../metrics/catalog/index.ts';
import { loadCustomMetrics } from '../../metrics/custom/definition.ts';
import { getMetric, listMetricRows, queryMetrics, type MetricResult, type MetricRow } from '../../metrics/index.ts';
import type { Organization } from '../../orgs/index.ts';
import { describeSource, formatChange, formatValue, renderTable, type Column } from '../format.ts';
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
  --exact                                   read raw rows, never rollups (the answer is the same; see docs/scaling.md)
  --rows                                    list the rows behind the value (one metric)
  --format table|json|csv|xlsx              output (default table); --out FILE writes a file

A table shows each unit for reading: money in the organization's currency, ratios as
percentages, durations as hours and minutes, with the period, time zone and source below it;
* marks a period that is not over yet. JSON, CSV and XLSX keep the raw numbers (ratios as
fractions, durations in seconds, money in the reporting currency).

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
    exact: { type: 'boolean' },
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
      const org = await resolveOrganization(db, config, values.org, { read: true });
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
  const { result, context } = await withDatabase(config, async (db) => {
    const org = await resolveOrganization(db, config, values.org, { read: true });
    const result = await queryMetrics(db, org, {
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
      exact: values.exact ?? false,
    });
    const context: TableContext | undefined =
      format === 'table'
        ? {
            units: await metricUnits(db, org, [...new Set(result.rows.map((r) => r.metric))]),
            currency: org.currency,
            source: describeSource(config),
            org: org.slug,
          }
        : undefined;
    return { result, context };
  });
  if (format === 'json') write(io, values.out, JSON.stringify(result));
  else if (format === 'csv') write(io, values.out, toCsv(result));
  else if (format === 'xlsx') {
    const columns = exportColumns(result);
    const rows = result.rows.map((row) => ({ ...row, ...row.group }));
    fs.writeFileSync(values.out!, await writeXlsx([{ name: 'KPIs', columns, rows }]));
    io.out(`Wrote ${rows.length} rows to ${values.out}.`);
  } else io.out(toTable(result, context!));
  return 0;
}

function write(io: Io, file: string | undefined, text: string) {
  if (file) fs.writeFileSync(file, text.endsWith('\n') ? text : `${text}\n`);
  else io.out(text);
}

function groupKeys(result: MetricResult): string[] {
  const keys = new Set<string>();
  for (const row of result.rows) for (const key of Object.keys(row.group)) keys.add(key);
  return [...keys];
}

/**
 * Columns of CSV and XLSX: the raw values, groups after the period, comparison columns with
 * --compare, and the partial-period flags when the engine sets them.
 */
function exportColumns(result: MetricResult): string[] {
  const compare = Boolean(result.meta.compare);
  const has = (key: string) => result.rows.some((row) => key in row);
  return [
    'metric',
    'period',
    ...groupKeys(result),
    'value',
    'n',
    'ci_low',
    'ci_high',
    'low_sample',
    ...(compare ? ['previous', 'delta', 'significant'] : []),
    ...(has('partial') ? ['partial'] : []),
    ...(compare && has('previous_partial') ? ['previous_partial'] : []),
  ];
}

export function toCsv(result: MetricResult): string {
  const groups = new Set(groupKeys(result));
  const columns = exportColumns(result);
  let text = csvRow(columns);
  for (const row of result.rows) {
    text += csvRow(columns.map((c) => (groups.has(c) ? row.group[c] : (row as unknown as Record<string, unknown>)[c])));
  }
  return text.trimEnd();
}

/** What the table needs beyond the result: each metric's unit, the currency, where the data is. */
export interface TableContext {
  units: Record<string, Unit>;
  currency: string;
  source: string;
  org: string;
}

export function toTable(result: MetricResult, context: TableContext): string {
  const groups = groupKeys(result);
  const compare = Boolean(result.meta.compare);
  const right = (title: string): Column => ({ title, align: 'right' });
  const columns: Column[] = [
    { title: 'metric' },
    { title: 'period' },
    ...groups.map((title) => ({ title })),
    right('value'),
    right('n'),
    right('95% interval'),
    ...(compare ? [right('previous'), right('change'), { title: 'sig' }] : []),
  ];
  let partial = false;
  let lowSample = false;
  const lines = result.rows.map((row) => {
    const unit = context.units[row.metric] ?? 'number';
    const value = (v: number | null | undefined) => formatValue(v, unit, context.currency);
    const low = row.low_sample && row.value !== null;
    partial ||= Boolean(row.partial || (compare && row.previous_partial));
    lowSample ||= low;
    return [
      row.metric,
      (row.period ?? 'all') + (row.partial ? '*' : ''),
      ...groups.map((g) => row.group[g] ?? ''),
      value(row.value) + (low ? ' (low n)' : ''),
      formatValue(row.n, 'count', context.currency),
      row.ci_low !== null && row.ci_high !== null ? `${value(row.ci_low)} .. ${value(row.ci_high)}` : '',
      ...(compare
        ? [
            value(row.previous) + (row.previous_partial ? '*' : ''),
            formatChange(row.delta, unit, context.currency),
            row.significant ? 'yes' : row.significant === false ? 'no' : '',
          ]
        : []),
    ];
  });
  const { meta } = result;
  const through = addDays(meta.to, -1);
  const comparedWith = meta.compare === 'year' ? 'the same period a year earlier' : 'the period before';
  return [
    renderTable(columns, lines),
    '',
    `Period ${meta.from} to ${through} by ${meta.grain === 'all' ? 'the whole range' : meta.grain}, ` +
      `time zone ${meta.tz}${meta.business_hours ? ', durations in business hours' : ''}` +
      `${compare ? `; compared with ${comparedWith}` : ''}.`,
    ...(partial
      ? [
          '* partial: the period is not complete (not over yet, cut by the range, or past the data), so its value covers only part of it.',
        ]
      : []),
    ...(lowSample ? ['(low n): fewer observations than the metric needs for a dependable value.'] : []),
    `source: ${context.source}, organization ${context.org}`,
  ].join('\n');
}

/** The unit of every metric in a result: the catalog's, or the organization's custom KPI's. */
async function metricUnits(db: Db, org: Organization, ids: string[]): Promise<Record<string, Unit>> {
  const units: Record<string, Unit> = {};
  for (const id of ids) {
    const unit = getMetric(id)?.unit;
    if (unit) units[id] = unit;
  }
  if (ids.some((id) => !units[id])) {
    for (const custom of await loadCustomMetrics(db, org)) units[custom.id] = custom.unit;
  }
  return units;
}
