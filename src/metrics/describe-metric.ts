import type { MetricDef } from './catalog/index.ts';
import { metricDimensionIds } from './dimensions.ts';
import type { MetricInfo } from '../contract/api.ts';
import { kindOf } from './kinds/index.ts';

/** A metric as the catalog endpoints and docs show it (no SQL): the HTTP contract's shape. */
export type { MetricInfo };

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
    formula: kindOf(metric.formula).describe(metric.formula),
    min_sample: metric.minSample,
    uncertainty: metric.uncertainty,
    options: (metric.options ?? []).map((o) => ({ ...o })),
    business_hours: Boolean(metric.duration),
    dimensions: metricDimensionIds(metric),
    custom: Boolean(metric.custom),
  };
}
