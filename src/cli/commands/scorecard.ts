import fs from 'node:fs';
import { OPERATOR } from '../../auth/index.ts';
import { badRequest } from '../../errors.ts';
import { csvRow } from '../../export/csv.ts';
import { writeXlsx } from '../../export/xlsx.ts';
import { computeScorecard, scorecardTable, type Scorecard } from '../../kpi/index.ts';
import { configFrom, databaseOptions, parseCommand, resolveOrganization, withDatabase, type Io } from '../context.ts';
import { formatChange, formatValue, renderTable } from '../format.ts';

const help = `Usage: cxkpi scorecard --period YYYY-MM|YYYY-Qn|YYYY [--team ID | --agent ID] [--by agent|team]
                       [--metrics M[,M...]] [--weights M=W[,M=W...]]
                       [--format table|json|csv|xlsx] [--out FILE]

Each KPI with a target in force in the period (or --metrics): value, n, 95 % interval, target,
attainment, change against the previous period, and the team's or organization's value beside
it. With --by, subjects are ranked where it is fair: not on a low sample, and durations only
among subjects of the same main channel (the channel mix is shown). --weights adds a weighted
share of targets met, with the weights shown. Examples:
  cxkpi scorecard --period 2026-03 --team t-billing --by agent
  cxkpi scorecard --period 2026-Q1 --by team --weights csat=2,first_response_time=1 --format xlsx --out q1.xlsx`;

export async function run(args: string[], io: Io): Promise<number> {
  const { values } = parseCommand(args, {
    ...databaseOptions,
    period: { type: 'string' },
    team: { type: 'string' },
    agent: { type: 'string' },
    by: { type: 'string' },
    metrics: { type: 'string' },
    weights: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
  });
  if (values.help) return (io.out(help), 0);
  if (!values.period)
    throw badRequest('invalid-arguments', '--period is required, such as --period 2026-03. See --help.');
  const format = values.format ?? (values.out?.endsWith('.xlsx') ? 'xlsx' : 'table');
  if (!['table', 'json', 'csv', 'xlsx'].includes(format))
    throw badRequest('invalid-arguments', '--format is table, json, csv or xlsx.');
  if (format === 'xlsx' && !values.out) throw badRequest('invalid-arguments', '--format xlsx needs --out FILE.xlsx.');
  let weights: Record<string, number> | undefined;
  if (values.weights) {
    weights = {};
    for (const item of values.weights.split(',')) {
      const [metric, weight] = item.split('=').map((s) => s.trim());
      if (!metric || !weight || !(Number(weight) > 0))
        throw badRequest(
          'invalid-weights',
          `--weights "${item}" must be METRIC=WEIGHT with a positive weight, such as csat=2.`,
        );
      weights[metric] = Number(weight);
    }
  }
  const config = configFrom(values);
  const { card, currency } = await withDatabase(config, async (db) => {
    const org = await resolveOrganization(db, config, values.org, { read: true });
    const card = await computeScorecard(
      db,
      org,
      { ...OPERATOR, orgId: org.id },
      {
        period: values.period!,
        team: values.team,
        agent: values.agent,
        by: values.by as never,
        metrics: values.metrics?.split(',').map((m) => m.trim()),
        weights,
      },
    );
    return { card, currency: org.currency };
  });
  const write = (text: string) => (values.out ? fs.writeFileSync(values.out, text) : io.out(text));
  if (format === 'json') write(JSON.stringify(card));
  else if (format === 'csv') {
    const table = scorecardTable(card);
    write(
      '\ufeff' + csvRow(table.columns) + table.rows.map((row) => csvRow(table.columns.map((c) => row[c]))).join(''),
    );
  } else if (format === 'xlsx') {
    const table = scorecardTable(card);
    fs.writeFileSync(values.out!, await writeXlsx([{ name: `Scorecard ${card.period}`, ...table }]));
    io.out(`Wrote ${table.rows.length} rows to ${values.out}.`);
  } else write(renderScorecard(card, currency));
  return 0;
}

function renderScorecard(card: Scorecard, currency: string): string {
  const parts: string[] = [];
  for (const subject of card.subjects) {
    const [dimension, id] = Object.entries(subject.scope)[0] ?? ['organization', ''];
    const title =
      dimension === 'organization' ? 'Organization' : `${dimension} ${subject.name ? `${subject.name} (${id})` : id}`;
    const rows = subject.lines.map((l) => [
      l.name.en,
      formatValue(l.value, l.unit, currency),
      String(l.n),
      l.ci_low === null
        ? ''
        : `${formatValue(l.ci_low, l.unit, currency)} - ${formatValue(l.ci_high, l.unit, currency)}`,
      l.target === null ? '' : formatValue(l.target, l.unit, currency),
      l.attainment.replaceAll('_', ' ') + (l.miss_significant ? ' (significant)' : ''),
      l.delta === null ? '' : formatChange(l.delta, l.unit, currency) + (l.significant ? ' *' : ''),
      l.context ? formatValue(l.context.value, l.unit, currency) : '',
      l.rank === null ? '' : `${l.rank} of ${l.ranked_among}`,
    ]);
    const context = subject.lines[0]?.context?.level ?? 'context';
    parts.push(
      `${title}\n` +
        renderTable(
          [
            'KPI',
            { title: 'value', align: 'right' },
            { title: 'n', align: 'right' },
            '95 % interval',
            { title: 'target', align: 'right' },
            'attainment',
            { title: 'change', align: 'right' },
            { title: context, align: 'right' },
            'rank',
          ],
          rows,
        ) +
        (subject.channel_mix
          ? `\nchannels: ${Object.entries(subject.channel_mix)
              .map(([c, s]) => `${c} ${Math.round(s * 100)} %`)
              .join(', ')}`
          : '') +
        (subject.score
          ? `\nweighted score: ${subject.score.value === null ? 'no verdicts' : `${Math.round(subject.score.value * 1000) / 10} % of weighted targets met`} (weights ${Object.entries(
              subject.score.weights,
            )
              .map(([m, w]) => `${m}=${w}`)
              .join(', ')})`
          : ''),
    );
  }
  parts.push(
    `period ${card.period} (${card.from} to ${card.to}, end exclusive); change against the previous ${card.grain}, * significant`,
  );
  return parts.join('\n\n');
}
