import type { Direction, MetricEntity, Unit } from '../../contract/api.ts';
import type { CompiledFormula } from '../custom/compile.ts';

/**
 * A KPI as data. The engine turns a definition into one SQL query per request that returns
 * additive components per period and group (counts, sums, sums of squares) or, for
 * distributions, the exact percentile; the formula is applied after summing, never by averaging
 * ratios. SQL fragments here are static text written by us, never user input; `e` is the row of
 * the metric's entity.
 */
// Declared with the HTTP contract, which the dashboard shares.
export type { Direction, MetricEntity, Unit } from '../../contract/api.ts';

/**
 * In the SQL of a metric with a `duration`: the seconds between its two timestamps, calendar
 * time or (business_hours in a query) the organization's open hours (business-hours-sql.ts).
 */
export const DURATION = '{duration}';

export type Formula =
  /**
   * How many rows of the population (`where`) meet `counted` (all of them when absent): n is the
   * population, so a population with none counted gives 0 and an empty one no value.
   */
  | { kind: 'count'; counted?: string }
  /** Share of rows for which `success` holds; Wilson interval. */
  | { kind: 'proportion'; success: string }
  /** NPS from a 0-10 `score`: 100 x (share 9-10 - share 0-6); Wald interval on its variance. */
  | { kind: 'nps' }
  /** Sum of `value`. */
  | { kind: 'sum'; value: string }
  /** Mean of `value` over rows where it is not null; t interval. */
  | { kind: 'mean'; value: string }
  /** Percentile (type 7, PostgreSQL percentile_cont) of `value`; mean and p90 as options. */
  | { kind: 'distribution'; value: string }
  /**
   * Rows open at the end of each period: started (`time`) before it, not `until` by then. The
   * population is every row started before the end, so with all of them closed the value is 0.
   */
  | { kind: 'open_at_end'; until: string }
  /**
   * Customers by their activity at each period's start and end instant. A customer is active at
   * t when a subscription has started_at <= t < ended_at (or no end), or (order businesses) a
   * completed order was placed in the activity window before t; see the `activity` option.
   */
  | {
      kind: 'customer_state';
      measure:
        | 'active_end'
        | 'average_active'
        | 'new'
        | 'churned'
        | 'churn_rate'
        | 'retention_rate'
        | 'mrr'
        | 'net_revenue_retention'
        | 'gross_revenue_retention';
      /** Churn: also count customers who start and leave within the period (denominator start + new). */
      withNew?: boolean;
    }
  /**
   * Completed orders counted per ordering customer and period: the share of customers with two
   * or more (`repeat`, Wilson interval) or the mean number per customer (`frequency`, t interval).
   */
  | { kind: 'orders_per_customer'; measure: 'repeat' | 'frequency' }
  /** ARPU x gross margin / churn rate pooled over the trailing six periods (this one included). */
  | { kind: 'clv' }
  /** An organization's own KPI from the formula language (src/metrics/custom). */
  | { kind: 'custom'; text: string; compiled: CompiledFormula }
  /** Subscription MRR earned in the period: each calendar month it is active for pays its MRR pro rata. */
  | { kind: 'prorated_mrr' }
  /** The sum of other metrics' values, per period and group. */
  | { kind: 'sum_of_metrics'; parts: string[] }
  /** `amount` of rows covering a date range (`e.period_start`..`e.period_end`), prorated by day. */
  | { kind: 'prorated_sum'; amount: string }
  /** The value of one metric divided by another's, per period and group. */
  | { kind: 'ratio_of_metrics'; numerator: string; denominator: string };

export interface MetricOption {
  id: string;
  description: string;
  values?: readonly string[];
  default: string | number | boolean;
}

export interface MetricDef {
  id: string;
  names: { en: string; ru: string; lt: string };
  description: string;
  unit: Unit;
  direction: Direction;
  entity: MetricEntity;
  /** The timestamp that places a row in a period. */
  time: string;
  /** Which rows count, in words (for the catalog and docs). */
  population: string;
  /** The same as SQL over `e`; may use the metric's options through `sqlFor`. */
  where: string;
  formula: Formula;
  /** Below this n the value is flagged low_sample (still shown). */
  minSample: number;
  uncertainty: 'wilson' | 'nps-wald' | 't-mean' | 'none';
  options?: MetricOption[];
  /** Unit-level SQL that depends on options (FCR window, SLA target, bot replies). */
  sqlFor?: (options: Record<string, string | number | boolean>) => { where?: string; formula?: Formula };
  /** One series per value of an expression over extra rows (attribute_rating: per attribute). */
  series?: { dimension: string; join: string; sql: string };
  /**
   * For duration metrics: the two timestamps measured. With `business_hours` in a query the
   * duration counts only the organization's open hours between them.
   */
  duration?: { start: string; end: string };
  /** Defined by an organization, not part of the catalog. */
  custom?: boolean;
}
