import type { Db } from '../../db/connect.ts';
import type { Organization } from '../../orgs/index.ts';
import { queryMetrics, type MetricQuery, type MetricRow } from '../query-metrics.ts';
import { listMetrics } from '../catalog/index.ts';
import { kindOf } from '../kinds/index.ts';
import { rollupMetrics } from './index.ts';

/**
 * `cxkpi rollups check`: every metric with rollups, by month and by day, whole and grouped by
 * team, agent and channel, and every customer metric by month and quarter, whole and by segment
 * and plan (when the range is whole months), answered from rollups and from raw rows; each
 * disagreement (n, value or interval beyond a relative 1e-9, or a percentile beyond the error its
 * meta declares) is listed. Also tells when rollups did not answer at all (not built, stale,
 * another time zone).
 */
export interface RollupDifference {
  metric: string;
  query: string;
  period: string | null;
  group: Record<string, string | null>;
  field: string;
  rollup: number | null | string;
  raw: number | null | string;
}

export async function checkRollups(
  db: Db,
  org: Organization,
  range: { from: string; to: string },
): Promise<{ compared: number; differences: RollupDifference[] }> {
  const shapes: Array<Pick<MetricQuery, 'grain' | 'by'>> = [
    { grain: 'month', by: [] },
    { grain: 'day', by: [] },
    { grain: 'month', by: ['team'] },
    { grain: 'month', by: ['agent'] },
    { grain: 'month', by: ['channel'] },
  ];
  const customerShapes: Array<Pick<MetricQuery, 'grain' | 'by'>> = [
    { grain: 'month', by: [] },
    { grain: 'quarter', by: [] },
    { grain: 'month', by: ['customer.segment'] },
    { grain: 'month', by: ['customer.plan'] },
  ];
  const wholeMonths = range.from.endsWith('-01') && range.to.endsWith('-01');
  const quarterly = (date: string) => (Number(date.slice(5, 7)) - 1) % 3 === 0;
  const customerMetrics = listMetrics()
    .filter((m) => kindOf(m.formula).rollup.form === 'customer-state')
    .map((m) => m.id);
  const cases = [
    ...shapes.flatMap((shape) => rollupMetrics().map((item) => ({ shape, id: item.metric.id }))),
    ...(wholeMonths ? customerShapes : [])
      .filter((shape) => shape.grain !== 'quarter' || (quarterly(range.from) && quarterly(range.to)))
      .flatMap((shape) => customerMetrics.map((id) => ({ shape, id }))),
  ];
  const differences: RollupDifference[] = [];
  let compared = 0;
  for (const { shape, id } of cases) {
    const query: MetricQuery = { ...shape, metrics: [id], from: range.from, to: range.to };
    const label = `${shape.grain}${shape.by?.length ? ` by ${shape.by.join(',')}` : ''}`;
    const [rolled, raw] = await Promise.all([
      queryMetrics(db, org, query),
      queryMetrics(db, org, { ...query, exact: true }),
    ]);
    const base = { metric: id, query: label };
    if (rolled.meta.source[id] !== 'rollup') {
      // No rows at all (no survey answers yet, say): nothing the rollups should have answered.
      if (!raw.rows.some((row) => row.n > 0)) continue;
      differences.push({ ...base, period: null, group: {}, field: 'source', rollup: 'raw', raw: 'raw' });
      continue;
    }
    const error = rolled.meta.percentile_error[id] ?? 0;
    const byKey = new Map(rolled.rows.map((r) => [key(r), r]));
    for (const row of raw.rows) {
      compared++;
      const other = byKey.get(key(row));
      byKey.delete(key(row));
      for (const field of ['n', 'value', 'ci_low', 'ci_high'] as const) {
        const a = other ? other[field] : null;
        const b = row[field];
        if (!agrees(a, b, field === 'value' ? error : 0)) {
          differences.push({ ...base, period: row.period, group: row.group, field, rollup: a, raw: b });
        }
      }
    }
    for (const row of byKey.values()) {
      differences.push({ ...base, period: row.period, group: row.group, field: 'row', rollup: row.value, raw: null });
    }
  }
  return { compared, differences };
}

const key = (row: MetricRow) => JSON.stringify([row.period, row.group]);

function agrees(a: number | null, b: number | null, relative: number): boolean {
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) <= relative * Math.abs(b) + 1e-9 * Math.max(1, Math.abs(b));
}
