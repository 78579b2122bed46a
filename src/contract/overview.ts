/**
 * The headline KPIs of the dashboard's overview, in the order of its cards: what a CX manager
 * reads every morning. The dashboard (web/src/pages/overview.tsx) shows them and the benchmarks
 * (bench/headline.ts) time the same request, so the two cannot drift apart. No imports: the
 * dashboard bundles this file.
 */
export const OVERVIEW_METRICS: readonly string[] = [
  'nps',
  'csat',
  'ces',
  'first_response_time',
  'resolution_time',
  'fcr_rate',
  'backlog',
  'customer_churn_rate',
  'arpu',
  'clv',
  'support_cost_to_revenue',
];
