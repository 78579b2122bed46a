import fs from 'node:fs';
import { OPERATOR, recordAudit } from '../../auth/index.ts';
import { badRequest } from '../../errors.ts';
import { loadCustomMetrics, toMetricDef } from '../../metrics/custom/definition.ts';
import { deleteCustomMetric, saveCustomMetric } from '../../metrics/custom/store.ts';
import { describeMetric, listMetrics, type MetricInfo } from '../../metrics/index.ts';
import { DEFAULT_ORG_SLUG, findOrganizationBySlug } from '../../orgs/index.ts';
import { configFrom, databaseOptions, parseCommand, resolveOrganization, withDatabase, type Io } from '../context.ts';

const help = `Usage:
  cxkpi metrics [--format table|json] [--lang en|ru|lt]
      the KPI catalog (ids, names, units, definitions) and the organization's custom KPIs
  cxkpi metrics define <id> --name NAME --formula FORMULA [--unit ratio|count|seconds|money|score|number]
      [--direction higher_is_better|lower_is_better|neutral] [--description TEXT]
      [--name-ru NAME] [--name-lt NAME] [--min-sample N] [--replace]
      a custom KPI of the organization, for example
      --formula "share(tickets where priority = 'urgent', first_response_minutes <= 15)"
  cxkpi metrics delete <id>

The formula language is described in docs/metrics.md (Custom KPIs). Custom KPIs are queried
like catalog metrics: cxkpi query <id> ...`;

export async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    ...databaseOptions,
    format: { type: 'string' },
    lang: { type: 'string' },
    name: { type: 'string' },
    'name-ru': { type: 'string' },
    'name-lt': { type: 'string' },
    formula: { type: 'string' },
    unit: { type: 'string' },
    direction: { type: 'string' },
    description: { type: 'string' },
    'min-sample': { type: 'string' },
    replace: { type: 'boolean' },
  });
  if (values.help) return (io.out(help), 0);
  const [action, id] = positionals;
  const config = configFrom(values);
  if (action === 'define' || action === 'delete') {
    if (!id) return (io.err(help), 2);
    return withDatabase(config, async (db) => {
      const org = await resolveOrganization(db, config, values.org);
      if (action === 'delete') {
        await deleteCustomMetric(db, org, id);
        await recordAudit(db.kysely, { ...OPERATOR, orgId: org.id }, 'metric.deleted', id);
        io.out(`Custom KPI ${id} deleted.`);
        return 0;
      }
      const minSample = values['min-sample'] === undefined ? undefined : Number(values['min-sample']);
      if (minSample !== undefined && !Number.isInteger(minSample))
        throw badRequest('invalid-arguments', '--min-sample is a whole number.');
      const saved = await saveCustomMetric(
        db,
        org,
        {
          id,
          name: values.name ?? '',
          names: { ru: values['name-ru'], lt: values['name-lt'] },
          formula: values.formula ?? '',
          description: values.description,
          unit: values.unit as never,
          direction: values.direction as never,
          min_sample: minSample,
        },
        values.replace ? 'replace' : 'create',
      );
      await recordAudit(
        db.kysely,
        { ...OPERATOR, orgId: org.id },
        values.replace ? 'metric.replaced' : 'metric.defined',
        saved.id,
        {
          formula: saved.formula,
        },
      );
      io.out(`Custom KPI ${saved.id} ${values.replace ? 'replaced' : 'defined'}: ${saved.formula}`);
      return 0;
    });
  }
  if (action) return (io.err(help), 2);
  const metrics: MetricInfo[] = listMetrics().map(describeMetric);
  // The organization's custom KPIs, when there is a database to read them from.
  if (config.databaseUrl || fs.existsSync(config.dataDir)) {
    await withDatabase(config, async (db) => {
      // Reading the catalog never creates the default organization; without one there are no custom KPIs.
      const org = values.org
        ? await resolveOrganization(db, config, values.org)
        : await findOrganizationBySlug(db.kysely, DEFAULT_ORG_SLUG);
      for (const custom of org ? await loadCustomMetrics(db, org) : []) {
        metrics.push(describeMetric(toMetricDef(custom)));
      }
    });
  }
  if (values.format === 'json') {
    io.out(JSON.stringify({ metrics }, null, 2));
    return 0;
  }
  const lang = (['en', 'ru', 'lt'].includes(values.lang ?? '') ? values.lang : 'en') as 'en' | 'ru' | 'lt';
  const width = Math.max(...metrics.map((m) => m.id.length));
  for (const metric of metrics) {
    const description = metric.custom ? `(custom) ${metric.formula}` : metric.description;
    io.out(`${metric.id.padEnd(width)}  ${metric.unit.padEnd(7)}  ${metric.names[lang]}: ${description}`);
  }
  return 0;
}
