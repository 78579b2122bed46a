import { addPeriods, listPeriods, type Grain } from '../calendar/periods.ts';
import type { Db } from '../db/connect.ts';
import { badRequest } from '../errors.ts';
import type { MetricRow } from '../metrics/query-metrics.ts';
import type { Organization } from '../orgs/index.ts';
import { fitClvModel } from './fit-clv-model.ts';

/**
 * The catalog's `clv` with `method: model`: per period, BG/NBD + Gamma-Gamma fitted to every
 * completed order before the period's end, and the value is the mean expected value per customer
 * over the next `horizon_weeks` (x gross margin); n is the customers of the fit. Grouping only by
 * customer segment (one model per segment); no filters and no comparison. queryMetrics calls this
 * for that variant and nothing else.
 */
export async function modelClvRows(
  db: Db,
  org: Organization,
  query: { from: string; to: string; grain: Grain; by: string[]; where: Record<string, unknown>; compare?: string },
  options: Record<string, string | number | boolean>,
  now: Date,
): Promise<MetricRow[]> {
  const bySegment = query.by.length === 1 && ['segment', 'customer.segment'].includes(query.by[0]!);
  if (query.by.length && !bySegment)
    throw badRequest('invalid-query', 'clv with method model groups only by customer.segment (one model per segment).');
  if (Object.keys(query.where).length || query.compare)
    throw badRequest(
      'invalid-query',
      'clv with method model takes no where and no compare: it fits a model on all orders.',
    );
  const margin = Number(options.gross_margin ?? 1);
  const horizon = Number(options.horizon_weeks ?? 52);
  if (!(horizon > 0 && horizon <= 520)) throw badRequest('invalid-option', 'clv: horizon_weeks is 1 to 520.');
  const periods: Array<{ period: string | null; end: string }> =
    query.grain === 'all'
      ? [{ period: null, end: query.to }]
      : listPeriods(query.from, query.to, query.grain).map((p) => {
          const next = addPeriods(p, query.grain as Exclude<Grain, 'all'>, 1);
          return { period: p, end: next < query.to ? next : query.to };
        });
  const rows: MetricRow[] = [];
  const today = now.toISOString().slice(0, 10);
  for (const { period, end } of periods) {
    const fit = await fitClvModel(db, org, { to: end, horizon_weeks: horizon, by_segment: bySegment });
    const models = bySegment ? fit.models.filter((m) => m.segment !== null) : fit.models.slice(0, 1);
    for (const m of models) {
      rows.push({
        metric: 'clv',
        period,
        group: bySegment ? { [query.by[0]!]: m.segment || null } : {},
        value: m.mean_expected_value === null ? null : m.mean_expected_value * margin,
        n: m.customers,
        ci_low: null,
        ci_high: null,
        low_sample: m.customers < 30,
        partial: end > today,
      });
    }
  }
  return rows;
}
