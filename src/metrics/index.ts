export { getMetric, listMetrics, type MetricDef } from './catalog/index.ts';
export { DIMENSIONS, findDimension, metricEntities } from './dimensions.ts';
export {
  customMetricsFor,
  listMetricRows,
  metricRefusal,
  queryMetrics,
  ZMetricQuery,
  ZMetricRowsQuery,
  type MetricQuery,
  type MetricResult,
  type MetricRow,
  type MetricRowsQuery,
  type MetricRowsResult,
} from './query-metrics.ts';
export { describeMetric, type MetricInfo } from './describe-metric.ts';
