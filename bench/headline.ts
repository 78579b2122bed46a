/**
 * What the metric benchmarks (bench/metrics.ts on the server, bench/metrics-pglite.ts on PGlite)
 * ask, declared once so that their figures stay comparable: the last twelve months of the
 * generated data, the headline KPIs, the dashboard's overview and an agent's scorecard.
 */
export { OVERVIEW_METRICS } from '../src/contract/overview.ts';

/** The generated data covers 2024-2025 in local time; the queries ask for 2025, by month. */
export const FROM = '2025-01-01';
export const TO = '2026-01-01';

/** (a) the overview's KPIs that plain SQL is written for, with tickets created. */
export const HEADLINE = [
  'nps',
  'csat',
  'ces',
  'first_response_time',
  'resolution_time',
  'fcr_rate',
  'backlog',
  'tickets_created',
  'customer_churn_rate',
] as const;

/** (c) an agent's scorecard: the KPIs of tickets and answers a team lead reviews per agent. */
export const AGENT_SCORECARD = [
  'nps',
  'csat',
  'ces',
  'first_response_time',
  'resolution_time',
  'fcr_rate',
  'reopen_rate',
  'sla_first_response',
  'tickets_created',
  'tickets_resolved',
  'backlog',
] as const;
export const SCORECARD_AGENT = 'a0001';
export const SCORECARD_PERIOD = '2025-12';
