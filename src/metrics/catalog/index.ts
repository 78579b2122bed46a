import { customerMetrics } from './customers.ts';
import { feedbackMetrics } from './feedback.ts';
import { moneyMetrics } from './money.ts';
import { supportMetrics } from './support.ts';
import { surveyMetrics } from './survey.ts';
import type { MetricDef } from './types.ts';

export type { Direction, Formula, MetricDef, MetricEntity, MetricOption, Unit } from './types.ts';

const catalog: MetricDef[] = [
  ...surveyMetrics,
  ...supportMetrics,
  ...customerMetrics,
  ...moneyMetrics,
  ...feedbackMetrics,
];
const byId = new Map(catalog.map((metric) => [metric.id, metric]));

export function listMetrics(): MetricDef[] {
  return catalog;
}

export function getMetric(id: string): MetricDef | undefined {
  return byId.get(id);
}
