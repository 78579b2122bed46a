import type { Formula, MetricDef, MetricEntity } from '../catalog/types.ts';
import { clv, ratioOfMetrics, sumOfMetrics } from './combined.ts';
import { count } from './count.ts';
import { custom } from './custom.ts';
import { customerState } from './customer-state.ts';
import { distribution } from './distribution.ts';
import { mean } from './mean.ts';
import { nps } from './nps.ts';
import { openAtEnd } from './open-at-end.ts';
import { ordersPerCustomer } from './orders-per-customer.ts';
import { proportion } from './proportion.ts';
import { proratedMrr, proratedSum } from './prorated.ts';
import { sum } from './sum.ts';
import type { FormulaKind } from './types.ts';

export type { Aggregate, FormulaKind, KindContext, PreparedMetric, RollupForm } from './types.ts';
export type { Components, Estimate, TestKind } from './estimators.ts';

/** Every formula kind, registered once: a new kind is a module here and a member of `Formula`. */
const KINDS: { [K in Formula['kind']]: FormulaKind<Extract<Formula, { kind: K }>> } = {
  count,
  proportion,
  nps,
  sum,
  mean,
  distribution,
  open_at_end: openAtEnd,
  customer_state: customerState,
  orders_per_customer: ordersPerCustomer,
  clv,
  custom,
  prorated_mrr: proratedMrr,
  sum_of_metrics: sumOfMetrics,
  prorated_sum: proratedSum,
  ratio_of_metrics: ratioOfMetrics,
};

/** The declaration of a formula's kind. */
export function kindOf<F extends Formula>(formula: F): FormulaKind<F> {
  return KINDS[formula.kind] as unknown as FormulaKind<F>;
}

/** The metrics a metric is computed from (revenue's parts, CLV's ARPU and churn, a formula's metrics). */
export function metricParts(metric: Pick<MetricDef, 'formula'>): string[] {
  return kindOf(metric.formula).parts?.(metric.formula) ?? [];
}

/** The entities a metric reads itself (its parts read theirs). */
export function ownEntities(metric: Pick<MetricDef, 'formula' | 'entity'>): MetricEntity[] {
  const kind = kindOf(metric.formula);
  if (kind.entities) return kind.entities(metric.formula);
  return kind.parts ? [] : [metric.entity];
}
