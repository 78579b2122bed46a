import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import {
  bgNbdLogLikelihood,
  conditionalExpectedPurchases,
  expectedAverageValue,
  expectedPurchases,
  fitBgNbd,
  fitGammaGamma,
  probabilityAlive,
  purchaseCountProbability,
  type CustomerSummary,
} from './clv-model.ts';

// The published CDNOW values restated in ../shared/datasets/lifetimes_cdnow/EXPECTED_VALUES.md
// (Fader, Hardie & Lee 2005; the lifetimes test-suite), in weeks, with the tolerances given there.
const dir = ['../shared/datasets', '/work/shared/datasets']
  .map((d) => path.resolve(import.meta.dirname, '../..', d, 'lifetimes_cdnow'))
  .concat(process.env.CXKPI_DATASETS_DIR ? [path.join(process.env.CXKPI_DATASETS_DIR, 'lifetimes_cdnow')] : [])
  .find((d) => fs.existsSync(path.join(d, 'EXPECTED_VALUES.md')));
if (!dir) throw new Error('The CDNOW dataset (../shared/datasets/lifetimes_cdnow) is missing; set CXKPI_DATASETS_DIR.');

function readCsv(file: string): string[][] {
  return fs
    .readFileSync(path.join(dir!, file), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','));
}
const summary: CustomerSummary[] = readCsv('cdnow_customers_summary.csv').map(([, x, tx, T]) => ({
  x: Number(x),
  tx: Number(tx),
  T: Number(T),
}));
const withValue: CustomerSummary[] = readCsv('cdnow_customers_summary_with_transactions.csv').map(
  ([, x, tx, T, m]) => ({ x: Number(x), tx: Number(tx), T: Number(T), monetary: Number(m) }),
);
const published = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const near = (actual: number, expected: number, tolerance: number, label: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${label}: ${actual} vs ${expected} (±${tolerance})`);

test('BG/NBD fitted by maximum likelihood on CDNOW gives r, alpha, a, b = 0.243, 4.414, 0.793, 2.426', () => {
  assert.equal(summary.length, 2357);
  const fit = fitBgNbd(summary)!;
  near(fit.params.r, 0.243, 0.005, 'r');
  near(fit.params.alpha, 4.414, 0.005, 'alpha');
  near(fit.params.a, 0.793, 0.005, 'a');
  near(fit.params.b, 2.426, 0.005, 'b');
  // Published log-likelihood of the fit: -9582.4 (FHL 2005).
  near(fit.logLikelihood, -9582.4, 0.1, 'LL');
  // The maximum: every nearby point is worse.
  const ll = (p: typeof published) => summary.reduce((s, c) => s + bgNbdLogLikelihood(p, c), 0);
  for (const key of ['r', 'alpha', 'a', 'b'] as const)
    for (const f of [0.99, 1.01]) assert.ok(ll({ ...fit.params, [key]: fit.params[key] * f }) < fit.logLikelihood);
});

test('BG/NBD conditional expectations and probabilities match the published values', () => {
  const fit = fitBgNbd(summary)!.params;
  near(
    conditionalExpectedPurchases(fit, { x: 2, tx: 30.43, T: 38.86 }, 39),
    1.226,
    0.001,
    'E[Y(39) | 2, 30.43, 38.86]',
  );
  const ts = [0.1429, 1, 3, 31.8571, 32, 78];
  const expected = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576];
  ts.forEach((t, i) => near(expectedPurchases(fit, t), expected[i]!, 0.0005, `E[X(${t})]`));
  near(purchaseCountProbability(published, 2, 10), 1.07869e-7, 1e-11, 'P(X(2) = 10)');
  near(purchaseCountProbability(published, 39, 0), 0.5737864, 1e-4, 'P(X(39) = 0)');
  const p30 = [
    0.0019995214, 0.001517023, 0.001163315, 0.0009003148, 0.0007023638, 0.0005517902, 0.0004361913, 0.0003467171,
    0.0002769613, 0.000222226,
  ];
  p30.forEach((p, i) => near(purchaseCountProbability(published, 30, 11 + i), p, 5e-6, `P(X(30) = ${11 + i})`));
  assert.equal(probabilityAlive(published, { x: 0, tx: 1, T: 1 }), 1);
  // A customer who bought often and recently is more likely alive than one silent since.
  assert.ok(probabilityAlive(fit, { x: 5, tx: 38, T: 39 }) > probabilityAlive(fit, { x: 5, tx: 5, T: 39 }));
});

test('Gamma-Gamma on CDNOW gives p, q, v = 6.25, 3.74, 15.44 and the published expected values', () => {
  const fit = fitGammaGamma(withValue)!;
  assert.equal(fit.customers, 946);
  // "2 decimals" as lifetimes asserts it (numpy: |difference| < 1.5e-2).
  near(fit.params.p, 6.25, 0.015, 'p');
  near(fit.params.q, 3.74, 0.015, 'q');
  near(fit.params.v, 15.44, 0.015, 'v');
  const first10 = withValue
    .slice(0, 10)
    .map((c) =>
      c.x > 0 ? expectedAverageValue(fit.params, c.x, c.monetary!) : expectedAverageValue(fit.params, 0, 0),
    );
  const published10 = [24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17];
  first10.forEach((value, i) => near(value, published10[i]!, 0.1, `customer ${i + 1}`));
});
