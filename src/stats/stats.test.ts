import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  adjustedWaldInterval,
  compareNps,
  meanInterval,
  normalCdf,
  normalQuantile,
  npsInterval,
  npsScore,
  npsVariance,
  percentile,
  sampleSizeForNps,
  sampleSizeForProportion,
  studentQuantile,
  twoProportionTest,
  welchTest,
  wilsonInterval,
} from './index.ts';

const close = (actual: number | null | undefined, expected: number, tolerance = 1e-6, label = '') =>
  assert.ok(
    actual !== null && actual !== undefined && Math.abs(actual - expected) <= tolerance,
    `${label}: ${actual} vs ${expected}`,
  );

test('reference vectors of metrics.md', () => {
  // NPS: 60 promoters, 25 passives, 15 detractors.
  const counts = { promoters: 60, passives: 25, detractors: 15 };
  close(npsScore(counts), 45, 1e-12, 'NPS');
  close(npsVariance(counts), 0.5475, 1e-12, 'V');
  const nps = npsInterval(counts)!;
  close(nps.low, 30.497591, 1e-6, 'NPS low');
  close(nps.high, 59.502409, 1e-6, 'NPS high');
  close((nps.high - nps.low) / 2 / normalQuantile(0.975), 7.399324, 1e-6, 'SE');
  // CSAT Wilson intervals.
  const w = wilsonInterval(80, 100)!;
  close(w.low, 0.7111708, 1e-7, 'Wilson 80/100 low');
  close(w.high, 0.8666331, 1e-7, 'Wilson 80/100 high');
  assert.deepEqual(wilsonInterval(0, 10)!.low, 0);
  close(wilsonInterval(0, 10)!.high, 0.2775328, 1e-7, 'Wilson 0/10');
  close(wilsonInterval(10, 10)!.low, 0.7224672, 1e-7, 'Wilson 10/10');
  assert.equal(wilsonInterval(10, 10)!.high, 1);
  // Response minutes: median 52.5, mean 206, p90 360 (type 7).
  const minutes = [5, 12, 18, 30, 45, 60, 90, 120, 240, 1440];
  assert.equal(percentile(minutes, 0.5), 52.5);
  close(percentile(minutes, 0.9), 360, 1e-9, 'p90');
  assert.equal(minutes.reduce((a, b) => a + b, 0) / minutes.length, 206);
});

test('distributions against published quantiles', () => {
  close(normalQuantile(0.975), 1.959963985, 1e-8, 'z 0.975');
  close(normalQuantile(0.5), 0, 1e-12, 'z 0.5');
  close(normalQuantile(0.001), -3.090232306, 1e-7, 'z 0.001');
  close(normalCdf(1.959963985), 0.975, 1e-7, 'Phi');
  // Student t critical values (any statistics table; R: qt(0.975, df)).
  close(studentQuantile(0.975, 1), 12.70620474, 1e-6, 't df 1');
  close(studentQuantile(0.975, 10), 2.228138852, 1e-8, 't df 10');
  close(studentQuantile(0.975, 100), 1.983971519, 1e-8, 't df 100');
});

test('Welch test: R t.test(extra ~ group, data = sleep)', () => {
  const g1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
  const g2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
  const components = (v: number[]) => ({
    n: v.length,
    sum: v.reduce((a, b) => a + b, 0),
    sumOfSquares: v.reduce((a, b) => a + b * b, 0),
  });
  const result = welchTest(components(g1), components(g2))!;
  close(result.statistic, -1.860813, 1e-6, 't');
  close(result.df, 17.77647, 1e-5, 'df');
  close(result.pValue, 0.07939414, 1e-6, 'p');
  assert.equal(result.significant, false);
  // R: t.test(g1) 95 % interval -0.5297804 2.0297804
  const interval = meanInterval(components(g1))!;
  close(interval.low, -0.5297804, 1e-6, 'mean low');
  close(interval.high, 2.0297804, 1e-6, 'mean high');
});

test('two-proportion z test: R prop.test(c(45, 30), c(100, 100), correct = FALSE)', () => {
  const result = twoProportionTest(45, 100, 30, 100)!;
  close(result.statistic ** 2, 4.8, 1e-9, 'X-squared');
  close(result.pValue, 0.02845974, 1e-6, 'p');
  assert.equal(result.significant, true);
});

test('NPS comparison and sample sizes', () => {
  const a = { promoters: 60, passives: 25, detractors: 15 };
  const b = { promoters: 40, passives: 30, detractors: 30 };
  const result = compareNps(a, b)!;
  close(result.difference, 35, 1e-12, 'difference');
  close(result.statistic, 35 / (100 * Math.sqrt(0.5475 / 100 + (0.7 - 0.01) / 100)), 1e-9, 'z');
  assert.equal(sampleSizeForProportion(0.05), 385); // the classic 384.15 rounded up
  assert.equal(sampleSizeForNps(10, 0.6, 0.15), Math.ceil(((1.959963985 * 100) ** 2 * 0.5475) / 100));
  assert.equal(npsInterval({ promoters: 0, passives: 0, detractors: 0 }), null);
  assert.equal(wilsonInterval(0, 0), null);
});

test('properties: intervals contain their estimate and stay in range', () => {
  fc.assert(
    fc.property(fc.nat(500), fc.nat(500), (k, extra) => {
      const n = k + extra;
      if (n === 0) return;
      for (const interval of [wilsonInterval(k, n)!, adjustedWaldInterval(k, n)!]) {
        assert.ok(interval.low >= 0 && interval.high <= 1);
      }
      const w = wilsonInterval(k, n)!;
      assert.ok(w.low <= k / n + 1e-12 && k / n <= w.high + 1e-12);
    }),
  );
  fc.assert(
    fc.property(fc.nat(300), fc.nat(300), fc.nat(300), (promoters, passives, detractors) => {
      const counts = { promoters, passives, detractors };
      const score = npsScore(counts);
      if (score === null) return;
      assert.ok(score >= -100 && score <= 100);
      const interval = npsInterval(counts)!;
      assert.ok(interval.low <= score + 1e-9 && score <= interval.high + 1e-9);
      assert.ok(interval.low >= -100 && interval.high <= 100);
    }),
  );
  fc.assert(
    fc.property(
      fc.nat(200),
      fc.integer({ min: 1, max: 200 }),
      fc.nat(200),
      fc.integer({ min: 1, max: 200 }),
      (k1, e1, k2, e2) => {
        const ab = twoProportionTest(k1, k1 + e1, k2, k2 + e2)!;
        const ba = twoProportionTest(k2, k2 + e2, k1, k1 + e1)!;
        assert.ok(ab.pValue >= 0 && ab.pValue <= 1);
        assert.ok(Math.abs(ab.pValue - ba.pValue) < 1e-12, 'symmetric');
      },
    ),
  );
});

test('properties: type-7 percentile is monotone, bounded and matches a brute-force definition', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 40 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      (values, p, q) => {
        const [lo, hi] = p <= q ? [p, q] : [q, p];
        const a = percentile(values, lo)!;
        const b = percentile(values, hi)!;
        assert.ok(a <= b + 1e-9);
        assert.ok(a >= Math.min(...values) - 1e-9 && b <= Math.max(...values) + 1e-9);
        // Brute force: the piecewise-linear function through (i / (n - 1), x_(i)).
        const sorted = [...values].sort((x, y) => x - y);
        const position = lo * (sorted.length - 1);
        const i = Math.floor(position);
        const expected =
          i + 1 < sorted.length ? sorted[i]! * (1 - (position - i)) + sorted[i + 1]! * (position - i) : sorted[i]!;
        assert.ok(Math.abs(a - expected) < 1e-9);
      },
    ),
  );
  fc.assert(
    fc.property(fc.double({ min: 0.0001, max: 0.9999, noNaN: true }), (p) =>
      assert.ok(Math.abs(normalCdf(normalQuantile(p)) - p) < 1e-6),
    ),
  );
});
