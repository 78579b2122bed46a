import { listMetrics } from './catalog/index.ts';
import { FORMULA_ENTITIES } from './custom/compile.ts';
import { describeMetric } from './describe-metric.ts';

/** The metric reference of docs/metrics.md, generated from the catalog. */
export function describeCatalog(): string {
  const parts: string[] = [];
  for (const metric of listMetrics().map(describeMetric)) {
    parts.push(`### \`${metric.id}\`: ${metric.names.en}`, '');
    parts.push(`${metric.names.ru} · ${metric.names.lt}`, '', metric.description, '');
    parts.push('| | |', '|---|---|');
    parts.push(`| unit | ${metric.unit} |`);
    parts.push(`| better | ${metric.direction.replaceAll('_', ' ')} |`);
    parts.push(`| placed in a period by | \`${metric.time}\` (${metric.entity}) |`);
    parts.push(`| population | ${metric.population} |`);
    parts.push(`| formula | ${metric.formula} |`);
    parts.push(`| uncertainty | ${metric.uncertainty === 'none' ? 'none' : metric.uncertainty} |`);
    parts.push(`| minimum sample | ${metric.min_sample || 'none'} |`);
    for (const option of metric.options) {
      const values = option.values ? ` (${option.values.join(', ')})` : '';
      parts.push(`| option \`${option.id}\` | ${option.description}${values}; default \`${String(option.default)}\` |`);
    }
    parts.push('');
  }
  return parts.join('\n');
}

/** The entities and fields of the custom KPI formula language (docs/metrics.md). */
export function describeFormulaFields(): string {
  const parts = ['| entity | placed in a period by | fields |', '|---|---|---|'];
  for (const [entity, { time, fields }] of Object.entries(FORMULA_ENTITIES)) {
    const list = Object.entries(fields).map(([id, f]) => `\`${id}\` (${f.type}: ${f.description})`);
    parts.push(`| \`${entity}\` | \`${time}\` | ${list.join(', ')} |`);
  }
  return parts.join('\n');
}
