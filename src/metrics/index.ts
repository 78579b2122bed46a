export { getMetric, listMetrics, type MetricDef } from './catalog/index.ts';
export { DIMENSIONS, findDimension } from './dimensions.ts';
export { queryMetrics, ZMetricQuery, type MetricQuery, type MetricResult, type MetricRow } from './query-metrics.ts';
export { describeMetric, type MetricInfo } from './describe-metric.ts';
