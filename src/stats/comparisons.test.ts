import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  chiSquareCdf,
  compareMeans,
  compareNpsArms,
  compareProportions,
  fisherExact,
  holmAdjust,
  mannWhitney,
  meanComponentsOf,
  needsExactTest,
  sampleRatioCheck,
  sampleSizeForMeans,
  sampleSizeForProportions,
} from './index.ts';

// Reference values are R 4.2.2's printed outputs for the data written here (the calls are in
// the comments); t.test on `sleep` and wilcox.test on x/y are the examples of their help pages.
const close = (actual: number | null | undefined, expected: number, tolerance: number, label: string) =>
  assert.ok(
    actual !== null && actual !== undefined && Math.abs(actual - expected) <= tolerance,
    `${label}: ${actual} vs ${expected}`,
  );

test("Welch's t test reproduces R's t.test(extra ~ group, data = sleep)", () => {
  const g1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
  const g2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
  const r = compareMeans(meanComponentsOf(g1), meanComponentsOf(g2))!;
  close(r.statistic, -1.8608135, 1e-6, 't');
  close(r.df!, 17.776474, 1e-5, 'df');
  close(r.pValue, 0.07939414, 1e-6, 'p');
  close(r.low, -3.3654832307, 1e-6, 'low');
  close(r.high, 0.2054832307, 1e-6, 'high');
  close(r.difference, 0.75 - 2.33, 1e-12, 'difference');
});

test("Mann-Whitney exact: R's ?wilcox.test example, wilcox.test(x, y, conf.int = TRUE)", () => {
  const x = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
  const y = [1.15, 0.88, 0.9, 0.74, 1.21];
  const r = mannWhitney(x, y)!;
  close(r.statistic, 35, 0, 'W');
  close(r.pValue, 0.2544123, 1e-7, 'p');
  close(r.difference, 0.305, 1e-12, 'difference in location');
  close(r.low, -0.15, 1e-12, 'low');
  close(r.high, 0.76, 1e-12, 'high');
});

test('Mann-Whitney with ties, normal approximation: R wilcox.test(a, b, conf.int = TRUE)', () => {
  // set.seed(1); a <- round(rexp(80, 1/300)); b <- round(rexp(70, 1/200))
  const a = [
    227, 354, 44, 42, 131, 868, 369, 162, 287, 44, 417, 229, 371, 1327, 316, 311, 563, 196, 101, 177, 709, 193, 88, 170,
    32, 18, 174, 1188, 352, 299, 431, 11, 97, 396, 61, 307, 91, 218, 225, 71, 324, 308, 388, 376, 166, 90, 388, 298,
    154, 602, 127, 654, 965, 167, 178, 293, 63, 93, 332, 232, 27, 332, 74, 472, 1450, 129, 819, 341, 244, 251, 535, 694,
    873, 86, 117, 16, 106, 470, 244, 828,
  ];
  const b = [
    77, 202, 164, 12, 457, 161, 317, 247, 269, 420, 207, 89, 209, 52, 136, 53, 89, 42, 27, 70, 380, 103, 90, 76, 250,
    539, 39, 460, 113, 153, 315, 367, 7, 25, 284, 144, 87, 14, 43, 60, 47, 149, 342, 196, 4, 36, 652, 273, 18, 238, 53,
    251, 76, 76, 22, 181, 31, 20, 415, 157, 106, 206, 450, 237, 44, 161, 115, 81, 341, 422,
  ];
  const r = mannWhitney(a, b)!;
  close(r.statistic, 3743, 0, 'W');
  close(r.pValue, 0.000384399, 1e-8, 'p');
  // R inverts the approximate test numerically (uniroot): 91.00004 [40.00001, 153.00005]; the
  // Hodges-Lehmann median of differences and its order-statistic interval land on the same values.
  close(r.difference, 91.00004305, 1e-3, 'shift');
  close(r.low, 40.0000105, 1.5, 'low');
  close(r.high, 153.0000481, 1.5, 'high');
});

test("Two-proportion z test: R's prop.test(c(15, 25), c(50, 50), correct = FALSE)", () => {
  const r = compareProportions(15, 50, 25, 50)!;
  close(r.statistic ** 2, 4.1666667, 1e-6, 'X-squared');
  close(r.pValue, 0.04122683, 1e-7, 'p');
  close(r.low, -0.38799314123, 1e-8, 'low');
  close(r.high, -0.01200685877, 1e-8, 'high');
  const s = compareProportions(83, 86, 90, 93)!;
  close(s.statistic ** 2, 0.0095085187, 1e-9, 'smokers X-squared');
  close(s.pValue, 0.9223201, 1e-6, 'smokers p');
  close(s.low, -0.05547737856, 1e-8, 'smokers low');
  close(s.high, 0.05022606573, 1e-8, 'smokers high');
  // That table has expected non-successes under 5: R warns, the analysis switches to Fisher's test.
  assert.equal(needsExactTest(83, 86, 90, 93), true);
  assert.equal(needsExactTest(15, 50, 25, 50), false);
});

test("Fisher's exact test: R's fisher.test(matrix(c(3, 1, 1, 3), 2)) and matrix(c(2, 7, 8, 2), 2)", () => {
  close(fisherExact(3, 4, 1, 4)!.pValue, 0.4857143, 1e-7, 'tea tasting');
  close(fisherExact(2, 9, 8, 10)!.pValue, 0.02301414, 1e-8, '2x2');
  assert.equal(fisherExact(3, 4, 1, 4)!.test, 'fisher-exact');
});

test("Holm's correction: R's p.adjust(c(0.01, 0.02, 0.03, 0.04, 0.05), 'holm')", () => {
  assert.deepEqual(
    holmAdjust([0.01, 0.02, 0.03, 0.04, 0.05]).map((p) => Number(p.toFixed(12))),
    [0.05, 0.08, 0.09, 0.09, 0.09],
  );
  // Order of input is kept; adjusted values never fall below the raw ones and never exceed 1.
  fc.assert(
    fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 20 }), (ps) => {
      const adjusted = holmAdjust(ps);
      return adjusted.every((q, i) => q >= ps[i]! - 1e-15 && q <= 1);
    }),
  );
});

test("Sample-ratio check: R's chisq.test(c(5120, 4880), p = c(0.5, 0.5))", () => {
  const r = sampleRatioCheck(5120, 4880)!;
  close(r.statistic, 5.76, 1e-9, 'X-squared');
  close(r.pValue, 0.01639507, 1e-7, 'p');
  assert.equal(r.mismatch, false);
  assert.equal(sampleRatioCheck(5400, 4600)!.mismatch, true);
  close(chiSquareCdf(3.841458821, 1), 0.95, 1e-7, 'chi-square 95 %');
  close(chiSquareCdf(12.6, 3), 1 - 0.005585, 1e-5, 'prop.test smokers X-squared 12.6 on 3 df');
});

test("Planner: R's power.prop.test(p1 = 0.8, p2 = 0.85, power = 0.8) and power.t.test(delta = 1, sd = 3)", () => {
  close(sampleSizeForProportions(0.8, 0.85), 905.365778, 1e-4, 'proportions');
  close(sampleSizeForMeans(1, 3), 142.2465959, 0.2, 'means');
});

test('NPS arms: the difference of scores with its z test, interval contains the difference', () => {
  const r = compareNpsArms(
    { promoters: 60, passives: 25, detractors: 15 },
    { promoters: 45, passives: 30, detractors: 25 },
  )!;
  close(r.difference, 25, 1e-12, 'difference');
  // V1 = 0.5475, V2 = 0.7 - 0.04 = 0.66; se = 100 sqrt((0.5475 + 0.66) / 100) = 10.98863
  close(r.statistic, 25 / 10.98863, 1e-5, 'z');
  assert.ok(r.low < r.difference && r.difference < r.high);
});

test('every comparison interval contains its difference', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 2, maxLength: 40 }),
      fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 2, maxLength: 40 }),
      (x, y) => {
        const m = mannWhitney(x, y)!;
        const t = compareMeans(meanComponentsOf(x), meanComponentsOf(y));
        return (
          m.low <= m.difference && m.difference <= m.high && (!t || (t.low <= t.difference && t.difference <= t.high))
        );
      },
    ),
  );
});
