import type { MetricDef } from './catalog/index.ts';
import { metricDimensionIds } from './dimensions.ts';
import { kindOf } from './kinds/index.ts';

/** A metric as the catalog endpoints and docs show it (no SQL). */
export interface MetricInfo {
  id: string;
  names: MetricDef['names'];
  description: string;
  unit: MetricDef['unit'];
  direction: MetricDef['direction'];
  entity: MetricDef['entity'];
  time: string;
  population: string;
  formula: string;
  min_sample: number;
  uncertainty: MetricDef['uncertainty'];
  options: Array<{ id: string; description: string; values?: readonly string[]; default: string | number | boolean }>;
  business_hours: boolean;
  dimensions: string[];
  /** An organization's own KPI (formula language), not part of the catalog. */
  custom: boolean;
}

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
