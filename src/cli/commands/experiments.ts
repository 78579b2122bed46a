import { OPERATOR, recordAudit } from '../../auth/index.ts';
import {
  analyzeExperiment,
  createExperiment,
  deleteExperiment,
  listExperiments,
  planExperiment,
  type ExperimentAnalysis,
} from '../../analytics/index.ts';
import { badRequest } from '../../errors.ts';
import {
  configFrom,
  databaseOptions,
  parseCommand,
  parseFormatFlag,
  parseNumberFlag,
  parseOptionsFlag,
  parseScopeFlags,
  resolveOrganization,
  withDatabase,
  type Io,
} from '../context.ts';

const help = `Usage:
  cxkpi experiments create <name> --metric M[,M...] --variant-dim DIM --control VALUE --treatment VALUE
                           --from DATE --to DATE [--hypothesis TEXT] [--mde X] [--treatment-share 0.5]
                           [--where DIM=VALUE ...] [--options JSON]
  cxkpi experiments create <name> --metric M --variant-dim date --split DATE --from DATE --to DATE
  cxkpi experiments list [--format table|json]
  cxkpi experiments analyze <name> [--format table|json]
  cxkpi experiments delete <name>
  cxkpi experiments plan --metric M --mde X [--baseline X | --sd X | --from DATE --to DATE] [--power 0.8]

The arms are the rows whose DIM (team, channel, customer.segment, attributes.NAME, ...) is the
control or the treatment value; --variant-dim date compares [from, split) with [split, to), a
before/after comparison that is not a randomized test. --mde is the smallest difference worth
detecting in the first metric's unit (0.03 = 3 points of a share, NPS points, seconds).
--options is a JSON object per metric: '{"first_response_time":{"include_bot":true}}'.
Each metric gets the test of its kind (shares: two-proportion z or Fisher; NPS: variance z; means:
Welch's t; durations: Mann-Whitney U with the Hodges-Lehmann shift), Holm-adjusted across metrics,
and a sample-ratio check. Examples:
  cxkpi experiments create macros --metric csat,first_response_time --variant-dim team \\
      --control t-old --treatment t-new --from 2026-01-01 --to 2026-03-01 --mde 0.03
  cxkpi experiments plan --metric csat --mde 0.03 --from 2025-10-01 --to 2026-01-01`;

export async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    ...databaseOptions,
    metric: { type: 'string' },
    'variant-dim': { type: 'string' },
    control: { type: 'string' },
    treatment: { type: 'string' },
    split: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    hypothesis: { type: 'string' },
    mde: { type: 'string' },
    'treatment-share': { type: 'string' },
    where: { type: 'string', multiple: true },
    options: { type: 'string' },
    baseline: { type: 'string' },
    sd: { type: 'string' },
    power: { type: 'string' },
    format: { type: 'string' },
  });
  const [action, name] = positionals;
  if (values.help || !action) return (io.out(help), values.help ? 0 : 2);
  const format = parseFormatFlag(values.format, ['table', 'json']);
  const config = configFrom(values);
  return withDatabase(config, async (db) => {
    const org = await resolveOrganization(db, config, values.org);
    const operator = { ...OPERATOR, orgId: org.id };
    if (action === 'create' && name) {
      const options = parseOptionsFlag(values.options) as unknown as Record<string, Record<string, never>>;
      const experiment = await createExperiment(db, org, operator.actor, {
        name,
        hypothesis: values.hypothesis ?? '',
        metrics: (values.metric ?? '').split(',').filter(Boolean),
        options,
        variant_dimension: values['variant-dim'] ?? '',
        control: values.control,
        treatment: values.treatment,
        split: values.split,
        where: parseScopeFlags(values.where),
        from: values.from ?? '',
        to: values.to ?? '',
        treatment_share: parseNumberFlag('treatment-share', values['treatment-share'], 'invalid-experiment'),
        min_detectable_effect: parseNumberFlag('mde', values.mde, 'invalid-experiment'),
      });
      await recordAudit(db.kysely, operator, 'experiment.created', experiment.id, { ...experiment });
      io.out(
        format === 'json' ? JSON.stringify(experiment) : `Created experiment ${experiment.name} (${experiment.id}).`,
      );
      return 0;
    }
    if (action === 'list') {
      const experiments = await listExperiments(db, org.id);
      if (format === 'json') io.out(JSON.stringify({ experiments }));
      else if (!experiments.length) io.out('No experiments. Create one with cxkpi experiments create <name> ...');
      else
        for (const e of experiments) {
          const arms =
            e.design === 'before_after'
              ? `before/after ${e.split}`
              : `${e.variant_dimension}: ${e.control} vs ${e.treatment}`;
          io.out(`${e.name}  ${e.metrics.join(',')}  ${arms}  ${e.from}..${e.to}`);
        }
      return 0;
    }
    if (action === 'analyze' && name) {
      const analysis = await analyzeExperiment(db, org, name);
      io.out(format === 'json' ? JSON.stringify(analysis) : renderAnalysis(analysis));
      return 0;
    }
    if (action === 'delete' && name) {
      const removed = await deleteExperiment(db, org.id, name);
      await recordAudit(db.kysely, operator, 'experiment.deleted', removed.id, { ...removed });
      io.out(`Deleted experiment ${removed.name}.`);
      return 0;
    }
    if (action === 'plan') {
      if (!values.metric || values.metric.includes(',')) throw badRequest('invalid-plan', 'plan takes one --metric.');
      const plan = await planExperiment(db, org, {
        metric: values.metric,
        min_detectable_effect: parseNumberFlag('mde', values.mde ?? '', 'invalid-plan')!,
        baseline: parseNumberFlag('baseline', values.baseline, 'invalid-plan'),
        sd: parseNumberFlag('sd', values.sd, 'invalid-plan'),
        power: parseNumberFlag('power', values.power, 'invalid-plan'),
        from: values.from,
        to: values.to,
        where: parseScopeFlags(values.where),
        options: parseOptionsFlag(values.options),
      });
      if (format === 'json') io.out(JSON.stringify(plan));
      else
        io.out(
          `${plan.n_per_arm} per arm to detect ${plan.min_detectable_effect} in ${plan.metric}` +
            `${plan.baseline !== null ? ` from ${plan.baseline}` : ''} with ${plan.power * 100} % power at ` +
            `${plan.alpha * 100} % (${plan.method})` +
            `${plan.days_needed !== null ? `; about ${plan.days_needed} days at the history's rate` : ''}.`,
        );
      return 0;
    }
    io.err(help);
    return 2;
  });
}

function renderAnalysis(a: ExperimentAnalysis): string {
  const e = a.experiment;
  const lines = [
    `${e.name}: ${a.design === 'before_after' ? `BEFORE/AFTER comparison at ${e.split} (not randomized)` : `${e.variant_dimension} ${e.control} (control) vs ${e.treatment} (treatment)`}, ${e.from}..${e.to}`,
  ];
  if (e.hypothesis) lines.push(`Hypothesis: ${e.hypothesis}`);
  for (const m of a.metrics) {
    lines.push(`  ${m.summary}`);
    const test = m.test
      ? `${m.test}, statistic ${m.statistic?.toFixed(3)}${m.df !== null ? `, df ${m.df.toFixed(1)}` : ''}`
      : 'no test';
    lines.push(`    n ${m.control.n} vs ${m.treatment.n}; ${test}; verdict ${m.verdict}${m.note ? `; ${m.note}` : ''}`);
  }
  if (a.sample_ratio)
    lines.push(
      `Sample ratio: ${a.sample_ratio.observed.join(' / ')}, chi-square ${a.sample_ratio.statistic.toFixed(2)}, p = ${a.sample_ratio.pValue.toFixed(3)}${a.sample_ratio.mismatch ? ' MISMATCH' : ' ok'}`,
    );
  if (a.planned_n_per_arm !== null) lines.push(`Planned: ${a.planned_n_per_arm} per arm.`);
  for (const w of a.warnings) lines.push(`! ${w}`);
  return lines.join('\n');
}
