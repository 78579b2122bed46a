import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countBaseline, median, pChart, robustZ } from './anomaly.ts';

const shares = (values: number[], n: number) => values.map((value) => ({ value, n }));

test('p-chart: a churn spike fires; normal months and the first months without history do not', () => {
  // Hand-worked: centre 0.025, n = 3,400: 3 sqrt(0.025 x 0.975 / 3400) = 0.008036.
  const history = shares([0.024, 0.026, 0.025, 0.023, 0.027, 0.025], 3000);
  const spike = pChart(history, { value: 0.06, n: 3400 });
  assert.equal(spike.judged, true);
  assert.equal(spike.anomalous, true);
  assert.ok(Math.abs(spike.expected_high! - (0.025 + 0.008036)) < 1e-5, String(spike.expected_high));
  assert.equal(pChart(history, { value: 0.03, n: 3400 }).anomalous, false);
  const young = pChart(history.slice(0, 5), { value: 0.2, n: 3400 });
  assert.deepEqual([young.judged, young.anomalous], [false, false]);
  assert.match(young.reason, /5 periods of history, 6 needed/);
});

test("p-chart: a small team's normal noise does not fire, the same drop in a large team does", () => {
  const small = shares([0.7, 0.9, 0.8, 0.6, 0.9, 0.8], 10);
  assert.equal(pChart(small, { value: 0.5, n: 10 }).anomalous, false, 'n = 10: limits about +- 0.38');
  const large = shares([0.79, 0.81, 0.8, 0.78, 0.82, 0.8], 1000);
  assert.equal(pChart(large, { value: 0.5, n: 1000 }).anomalous, true);
});

test('p-chart: a past spike is left out of the centre, so it does not hide the next one', () => {
  const history = shares([0.025, 0.025, 0.06, 0.025, 0.025, 0.025, 0.025], 3000);
  const verdict = pChart(history, { value: 0.036, n: 3000 });
  assert.ok(Math.abs(verdict.expected_high! - (0.025 + 3 * Math.sqrt((0.025 * 0.975) / 3000))) < 1e-9);
  assert.equal(verdict.anomalous, true);
});

test('count baseline: mean +- 3 sd, at least the Poisson spread', () => {
  const history = [100, 95, 105, 98, 102, 100].map((value) => ({ value, n: value }));
  assert.equal(countBaseline(history, { value: 160, n: 160 }).anomalous, true);
  assert.equal(countBaseline(history, { value: 110, n: 110 }).anomalous, false);
  // A flat history still has the Poisson spread sqrt(100) = 10: 125 is inside 100 +- 30.
  const flat = Array.from({ length: 6 }, () => ({ value: 100, n: 100 }));
  const verdict = countBaseline(flat, { value: 125, n: 125 });
  assert.deepEqual([verdict.anomalous, verdict.expected_low, verdict.expected_high], [false, 70, 130]);
});

test('robust z: durations against the median and MAD of their history', () => {
  const history = [300, 320, 310, 290, 305, 315].map((value) => ({ value, n: 100 }));
  // Median 307.5, MAD 7.5, scale 11.1195: 600 is z = 26.3.
  const slow = robustZ(history, { value: 600, n: 100 });
  assert.equal(slow.anomalous, true);
  assert.ok(Math.abs(slow.expected_high! - (307.5 + 3.5 * 1.4826 * 7.5)) < 1e-9);
  assert.equal(robustZ(history, { value: 330, n: 100 }).anomalous, false);
  const flat = robustZ(
    Array.from({ length: 6 }, () => ({ value: 60, n: 10 })),
    { value: 61, n: 10 },
  );
  assert.deepEqual([flat.judged, flat.reason], [false, 'the history does not vary']);
  assert.equal(median([3, 1, 2, 10]), 2.5);
});
