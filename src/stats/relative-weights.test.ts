import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { bootstrapRelativeWeights, relativeWeights, seededRandom, symmetricEigen } from './relative-weights.ts';

const close = (a: number, b: number, eps = 1e-9) => assert.ok(Math.abs(a - b) < eps, `${a} vs ${b}`);

/** R² of ordinary least squares, by the normal equations (Gauss-Jordan), for comparison. */
function olsR2(x: number[][], y: number[]): number {
  const n = y.length;
  const rows = x.map((r) => [1, ...r]);
  const p = rows[0]!.length;
  const a = Array.from({ length: p }, (_, i) => [
    ...Array.from({ length: p }, (_, j) => rows.reduce((s, r) => s + r[i]! * r[j]!, 0)),
    rows.reduce((s, r, k) => s + r[i]! * y[k]!, 0),
  ]);
  for (let c = 0; c < p; c++) {
    let pivot = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[pivot]![c]!)) pivot = r;
    [a[c], a[pivot]] = [a[pivot]!, a[c]!];
    for (let r = 0; r < p; r++) {
      if (r === c) continue;
      const f = a[r]![c]! / a[c]![c]!;
      for (let k = c; k <= p; k++) a[r]![k]! -= f * a[c]![k]!;
    }
  }
  const beta = a.map((row, i) => row[p]! / row[i]!);
  const fitted = rows.map((r) => r.reduce((s, v, j) => s + v * beta[j]!, 0));
  const my = y.reduce((s, v) => s + v, 0) / n;
  const ssr = y.reduce((s, v, i) => s + (v - fitted[i]!) ** 2, 0);
  const sst = y.reduce((s, v) => s + (v - my) ** 2, 0);
  return 1 - ssr / sst;
}

test('uncorrelated predictors: each weight is its squared correlation with y (hand-worked)', () => {
  // x1 and x2 are orthogonal with mean 0; y = x1 + 2 x2 exactly: r1² = 1/5, r2² = 4/5, R² = 1.
  const x = [
    [1, 1],
    [1, -1],
    [-1, 1],
    [-1, -1],
  ];
  const y = x.map(([a, b]) => a! + 2 * b!);
  const w = relativeWeights(x, y);
  close(w.weights[0]!, 0.2);
  close(w.weights[1]!, 0.8);
  close(w.r2, 1);
});

test('the weights sum to the R² of the regression, also with correlated predictors', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 2, max: 5 }), (seed, p) => {
      const random = seededRandom(seed);
      const n = 40;
      const common = Array.from({ length: n }, () => random());
      const x = Array.from({ length: n }, (_, i) => Array.from({ length: p }, () => common[i]! * 0.7 + random()));
      const y = x.map((row) => row.reduce((s, v, j) => s + v * (j + 1), 0) + random() * 2);
      const w = relativeWeights(x, y);
      close(w.r2, olsR2(x, y), 1e-7);
      return w.weights.every((v) => v >= -1e-12);
    }),
    { numRuns: 50 },
  );
});

test('constructed data where one attribute explains most of the variance', () => {
  const random = seededRandom(7);
  const n = 300;
  const x = Array.from({ length: n }, () => [random(), random(), random()]);
  const y = x.map(([a, b, c]) => 5 * a! + 0.3 * b! + 0.1 * c! + random() * 0.5);
  const w = bootstrapRelativeWeights(x, y, 200, 3);
  assert.ok(w.weights[0]! / w.r2 > 0.9, `share of the first: ${w.weights[0]! / w.r2}`);
  assert.ok(w.low[0]! > w.high[1]! && w.low[0]! > w.high[2]!, 'its interval lies above the others');
  for (let j = 0; j < 3; j++) assert.ok(w.low[j]! <= w.weights[j]! + 1e-9 && w.weights[j]! <= w.high[j]! + 1e-9);
  assert.deepEqual(
    bootstrapRelativeWeights(x, y, 50, 3).low,
    bootstrapRelativeWeights(x, y, 50, 3).low,
    'seeded: repeats',
  );
});

test('a duplicated predictor shares its weight with its copy', () => {
  const random = seededRandom(11);
  const x = Array.from({ length: 100 }, () => {
    const a = random();
    return [a, a, random()];
  });
  const y = x.map(([a, , c]) => a! + 0.5 * c! + random() * 0.1);
  const w = relativeWeights(x, y);
  close(w.weights[0]!, w.weights[1]!, 1e-6);
  close(
    w.r2,
    olsR2(
      x.map((r) => [r[0]!, r[2]!]),
      y,
    ),
    1e-6,
  );
});

test('symmetricEigen: eigenvalues of a 2x2 matrix', () => {
  const { values } = symmetricEigen([
    [2, 1],
    [1, 2],
  ]);
  assert.deepEqual(values.map((v) => Math.round(v * 1e9) / 1e9).sort(), [1, 3]);
});
