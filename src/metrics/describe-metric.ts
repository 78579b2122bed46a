import type { MetricDef } from './catalog/index.ts';
import { metricDimensionIds } from './dimensions.ts';
import type { MetricInfo } from '../contract/api.ts';

/** A metric as the catalog endpoints and docs show it (no SQL): the HTTP contract's shape. */
export type { MetricInfo };

const FORMULAS: Record<MetricDef['formula']['kind'], string> = {
  count: 'count of the rows of the population (that meet its condition)',
  proportion: 'rows meeting the condition / all rows',
  nps: '100 x (promoters 9-10 - detractors 0-6) / answers',
  mean: 'sum / count of rows with a value',
  distribution: 'median (type-7 percentile) of the durations; options: mean, p90',
  open_at_end: 'count of rows open at the end of the period',
  customer_state: 'from the customers active (subscription or recent order) at the period start and end',
  orders_per_customer: 'completed orders counted per ordering customer in the period',
  clv: 'arpu x gross margin / customer churn rate pooled over the trailing six periods',
  custom: 'the formula',
  sum: 'sum of the amounts',
  prorated_sum: 'amounts spread evenly over the days they cover, summed over the days of the period',
  ratio_of_metrics: 'one metric divided by another in the same period and group',
  prorated_mrr: 'MRR x the share of each calendar month the subscription is active in the period',
  sum_of_metrics: 'the sum of other metrics in the same period and group',
};

export function describeMetric(metric: MetricDef): MetricInfo {
  return {
    id: metric.id,
    names: metric.names,
    description: metric.description,
    unit: metric.unit,
    direction: metric.direction,
    entity: metric.entity,
    time: metric.time,
    population: metric.population,
    formula: metric.formula.kind === 'custom' ? metric.formula.text : FORMULAS[metric.formula.kind],
    min_sample: metric.minSample,
    uncertainty: metric.uncertainty,
    options: (metric.options ?? []).map((o) => ({ ...o })),
    business_hours: Boolean(metric.duration),
    dimensions: metricDimensionIds(metric),
    custom: Boolean(metric.custom),
  };
}
