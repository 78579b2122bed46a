import type { DataScope } from '../../auth/index.ts';
import type { ThemeSummaries } from '../../contract/api.ts';
import type { Db } from '../../db/connect.ts';
import { queryMetrics, type MetricRow } from '../../metrics/index.ts';
import type { Organization } from '../../orgs/index.ts';
import { listThemes } from './index.ts';

/**
 * Themes side by side for a range: mentions, the share negative (with its Wilson interval) and
 * the monthly trend of mentions, next to the attribute rating of the same name (ratings.speed
 * beside the speed theme). Every figure comes from queryMetrics (theme_mentions,
 * theme_negative_share, attribute_rating); drill down with the Feedback stream's `theme` filter.
 * The answer's shapes are the HTTP contract's (src/contract/api.ts), which the dashboard imports too.
 */
export type { ThemeSummaries, ThemeSummary } from '../../contract/api.ts';

const pick = (row: MetricRow | undefined) =>
  row ? { value: row.value, n: row.n, ci_low: row.ci_low, ci_high: row.ci_high, low_sample: row.low_sample } : null;

export async function summarizeThemes(
  db: Db,
  org: Organization,
  range: { from: string; to: string },
  context: { scope?: DataScope } = {},
): Promise<ThemeSummaries> {
  const { themes, custom } = await listThemes(db, org.id);
  const base = { from: range.from, to: range.to };
  const [totals, trend] = await Promise.all([
    queryMetrics(
      db,
      org,
      { ...base, grain: 'all', metrics: ['theme_mentions', 'theme_negative_share', 'attribute_rating'] },
      context,
    ),
    queryMetrics(db, org, { ...base, grain: 'month', metrics: ['theme_mentions'] }, context),
  ]);
  const find = (metric: string, key: string, id: string) =>
    totals.rows.find((r) => r.metric === metric && r.group[key] === id);
  return {
    from: range.from,
    to: range.to,
    custom,
    themes: themes.map((theme) => ({
      id: theme.id,
      names: theme.names,
      mentions: find('theme_mentions', 'theme', theme.id)?.value ?? 0,
      negative_share: pick(find('theme_negative_share', 'theme', theme.id)),
      attribute_rating: pick(find('attribute_rating', 'attribute', theme.id)),
      trend: trend.rows
        .filter((r) => r.group.theme === theme.id && r.period)
        .map((r) => ({ period: r.period!, mentions: r.value ?? 0 })),
    })),
  };
}
