/**
 * Anomaly rules for KPI series, one per kind of number, each with a minimum history and the
 * range a normal value falls in. Pure functions: the alert module feeds them the metric
 * engine's values and n per period.
 *
 * - proportion: a p-chart on the period's own n. The centre is the pooled share of the history
 *   (points outside their own limits left out, so a past spike does not widen today's range);
 *   the limits are centre +- 3 sqrt(p (1 - p) / n). A small team's share moves a lot by chance,
 *   and its wide limits say so.
 * - count: a baseline of the history's mean and standard deviation (at least sqrt(mean), the
 *   Poisson spread), mean +- 3 sd; for daily counts the history is the same weekday.
 * - robust: for durations and other values, the median of the history and its MAD scaled to a
 *   standard deviation (1.4826 MAD); a value more than 3.5 such deviations away is unusual
 *   (Iglewicz and Hoaglin's modified z-score).
 */
export type AnomalyMethod = 'p-chart' | 'count-baseline' | 'robust-z';

export interface SeriesPoint {
  value: number | null;
  n: number;
}

export interface AnomalyVerdict {
  method: AnomalyMethod;
  /** Enough history and sample to judge. */
  judged: boolean;
  anomalous: boolean;
  expected_low: number | null;
  expected_high: number | null;
  /** Why it was not judged, or how far out it is. */
  reason: string;
}

export const MIN_HISTORY = 6;

const usable = (points: SeriesPoint[]) => points.filter((p) => p.value !== null && p.n > 0);

function notJudged(method: AnomalyMethod, reason: string): AnomalyVerdict {
  return { method, judged: false, anomalous: false, expected_low: null, expected_high: null, reason };
}

/** p-chart of a share against its history, on the current period's n. */
export function pChart(history: SeriesPoint[], current: SeriesPoint, minHistory = MIN_HISTORY): AnomalyVerdict {
  let points = usable(history);
  if (points.length < minHistory)
    return notJudged('p-chart', `${points.length} periods of history, ${minHistory} needed`);
  if (current.value === null || current.n <= 0) return notJudged('p-chart', 'no value in the period');
  const centre = (pts: SeriesPoint[]) => pts.reduce((s, p) => s + p.value! * p.n, 0) / pts.reduce((s, p) => s + p.n, 0);
  const limits = (p: number, n: number) => 3 * Math.sqrt((p * (1 - p)) / n);
  // Phase I: drop history points outside their own limits, once.
  const first = centre(points);
  const inControl = points.filter((p) => Math.abs(p.value! - first) <= limits(first, p.n));
  if (inControl.length >= minHistory) points = inControl;
  const p = centre(points);
  if (p === 0 || p === 1) return notJudged('p-chart', 'the history does not vary');
  const half = limits(p, current.n);
  const low = Math.max(0, p - half);
  const high = Math.min(1, p + half);
  const anomalous = current.value < low || current.value > high;
  return {
    method: 'p-chart',
    judged: true,
    anomalous,
    expected_low: low,
    expected_high: high,
    reason: `share ${round(current.value)} of ${current.n} against ${round(p)} +- 3 sigma over ${points.length} periods`,
  };
}

/** Mean +- 3 sd of the history (sd at least the Poisson spread sqrt(mean)). */
export function countBaseline(history: SeriesPoint[], current: SeriesPoint, minHistory = MIN_HISTORY): AnomalyVerdict {
  const values = history.filter((p) => p.value !== null).map((p) => p.value!);
  if (values.length < minHistory)
    return notJudged('count-baseline', `${values.length} periods of history, ${minHistory} needed`);
  if (current.value === null) return notJudged('count-baseline', 'no value in the period');
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1));
  const spread = Math.max(sd, Math.sqrt(mean));
  const low = Math.max(0, mean - 3 * spread);
  const high = mean + 3 * spread;
  return {
    method: 'count-baseline',
    judged: true,
    anomalous: current.value < low || current.value > high,
    expected_low: low,
    expected_high: high,
    reason: `${round(current.value)} against a mean of ${round(mean)} +- 3 x ${round(spread)} over ${values.length} periods`,
  };
}

/** Modified z-score against the median and MAD of the history. */
export function robustZ(history: SeriesPoint[], current: SeriesPoint, minHistory = MIN_HISTORY): AnomalyVerdict {
  const values = history.filter((p) => p.value !== null).map((p) => p.value!);
  if (values.length < minHistory)
    return notJudged('robust-z', `${values.length} periods of history, ${minHistory} needed`);
  if (current.value === null) return notJudged('robust-z', 'no value in the period');
  const m = median(values);
  const mad = median(values.map((v) => Math.abs(v - m)));
  // A history without spread: no scale to judge by (every change would be infinitely unusual).
  if (mad === 0) return notJudged('robust-z', 'the history does not vary');
  const scale = 1.4826 * mad;
  const z = (current.value - m) / scale;
  return {
    method: 'robust-z',
    judged: true,
    anomalous: Math.abs(z) > 3.5,
    expected_low: m - 3.5 * scale,
    expected_high: m + 3.5 * scale,
    reason: `modified z ${round(z)} against the median ${round(m)} of ${values.length} periods`,
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;
