import type { RawBuilder } from 'kysely';
import type { DataScope } from '../../auth/access.ts';
import type { Grain } from '../../calendar/periods.ts';
import type { Db } from '../../db/connect.ts';
import type { Organization } from '../../orgs/index.ts';
import type { Formula, MetricDef, MetricEntity } from '../catalog/types.ts';
import type { Join } from '../dimensions.ts';
import type { Components, Estimate, TestKind } from './estimators.ts';

/**
 * A formula kind (proportion, NPS, mean, percentile, count, ratio of metrics, customer state, ...)
 * declared in one module: how its value is described, the components its raw query returns, its
 * estimator and interval, the test of a change, how its drill-down rows are explained, and the
 * form of its rollup. The registry (index.ts) holds one per kind; the engine (query-metrics.ts),
 * the statistics, the rollups, the catalog's descriptions and experiments all ask it.
 */
export type Aggregate = 'median' | 'mean' | 'p90';

/** A metric with its options resolved: what a query computes. */
export interface PreparedMetric<F extends Formula = Formula> {
  metric: MetricDef;
  /** Every option of the metric, defaults filled in. */
  options: Record<string, string | number | boolean>;
  where: string;
  formula: F;
  aggregate: Aggregate;
  businessHours: boolean;
}

/** The part of a query a kind's computation reads. */
export interface KindQuery {
  grain: Grain;
  by: string[];
  where: Record<string, string | string[]>;
  scope?: DataScope;
}

/** The SQL of a query's dimensions for one entity (dimensionSql in dimensions.ts). */
export interface DimensionSql {
  /** Joins, with the series join and the business calendar where they apply. */
  joins: RawBuilder<unknown>;
  /** `g0, g0_name, ...,` (with the trailing comma) or nothing. */
  groups: RawBuilder<unknown>;
  /** `and ...` or nothing. */
  filters: RawBuilder<unknown>;
  /** `1, gs, g0, ...`: the period (first column) and the group columns. */
  groupBy: RawBuilder<unknown>[];
}

/** Everything a kind's raw computation needs, built by the engine for one metric and range. */
export interface KindContext<F extends Formula = Formula> extends DimensionSql {
  db: Db;
  org: Organization;
  item: PreparedMetric<F>;
  query: KindQuery;
  tz: string;
  from: string;
  to: string;
  /** The table (or row source) of the metric's entity, aliased `e` by the caller. */
  table: string;
  /** `e.<time>`: the timestamp that places a row in a period. */
  time: RawBuilder<unknown>;
  /** SQL of a row's period: its local period start as text, or null for grain all. */
  period: RawBuilder<unknown>;
  /** The instant (ISO) a local date starts at in the query's time zone. */
  instant: (date: string) => string;
  /** Each period of the range with its first and last day clipped to [from, to). */
  bounds: Array<{ period: string | null; start: string; end: string }>;
  /** Query rows (period, g0, g0_name, ..., components) as components keyed by period and group. */
  keyed: (rows: Array<Record<string, unknown>>) => Map<string, Components>;
  /**
   * Another metric's components for the same query: a part of this one (with the options of the
   * whole that it also has) or, with `own: true`, with its own defaults; over another range when
   * given. Parts shared within a request are computed once.
   */
  part: (
    id: string,
    how?: { own?: boolean; from?: string; to?: string },
  ) => Promise<{ item: PreparedMetric; map: Map<string, Components> }>;
  /** The dimension SQL of the query over another entity (custom formulas count several). */
  dimensions: (
    entity: MetricEntity,
    perAgent: boolean,
    joins: Join[],
  ) => DimensionSql & { table: string; time: RawBuilder<unknown>; period: RawBuilder<unknown> };
}

/** An additive component, rendered as an aggregate with an optional condition. */
export type Aggregation = { count: string; when?: string } | { sum: string } | { sumOfSquares: string };
export type ComponentName = 'n' | 'k' | 's' | 'ss' | 'promoters' | 'detractors';

/**
 * How a kind is kept in rollups (src/metrics/rollups, docs/scaling.md):
 * - `additive`: counts and sums (sums of squares for intervals) per day, summed over days;
 * - `histogram`: the exact count of each distinct value per day, merged by addition;
 * - `backlog`: rows started and ended per day; the open count at an end is the sums before it;
 * - `customer-state`: each customer's state per calendar month, quarter and year (active at the
 *   start and end, MRR, subscription revenue), summed per period and customer field;
 * - `combined`: from the metrics it is computed from, each by its own path;
 * - `raw`: always from raw rows.
 * Additive metrics whose SQL reads other rows (FCR and repeat contact read the customer's later
 * tickets, "latest answer counts" the ticket's other answers) are "dependent": a writer marks the
 * days of the rows that depend on what it writes, so their flags stay current.
 */
export type RollupForm<F extends Formula> =
  | { form: 'additive'; components: (f: F) => Partial<Record<ComponentName, Aggregation>> }
  | { form: 'histogram' }
  | { form: 'backlog' }
  | { form: 'customer-state' }
  | { form: 'combined' }
  | { form: 'raw' };

export interface FormulaKind<F extends Formula = Formula> {
  /** How the value is computed, in words (catalog, docs). */
  describe: (f: F) => string;
  /** Metrics it is computed from. */
  parts?: (f: F) => string[];
  /** Entities it reads itself, when not the metric's own (custom formulas). */
  entities?: (f: F) => MetricEntity[];
  /** The components per period and group from raw rows (keys as KindContext.keyed). */
  components: (ctx: KindContext<F>) => Promise<Map<string, Components>>;
  /** The value, its n and its 95 % interval from one period's components. */
  estimate: (f: F, aggregate: Aggregate, c: Components | undefined) => Estimate;
  /** The test a change between two periods takes (also used by experiments). */
  test: (f: F, aggregate: Aggregate) => TestKind | null;
  /** Whether two periods differ at 5 %; null where no test applies. Default: by `test`. */
  compare?: (f: F, aggregate: Aggregate, a: Components | undefined, b: Components | undefined) => boolean | null;
  /**
   * The columns that explain a drill-down row (name, SQL over `e`); absent when the value is not
   * computed from rows one can list (states, other metrics).
   */
  rows?: (f: F) => Array<[string, string]>;
  rollup: RollupForm<F>;
}
