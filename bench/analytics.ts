/**
 * How long the customer-analytics computations take on the public data: the BG/NBD and
 * Gamma-Gamma fits on CDNOW's 2,357 customers (pure, from the summary file), and the
 * Mann-Whitney test with the Hodges-Lehmann shift on two arms of durations (no n1 x n2 array).
 * Prints figures with the load average; never fails on time.
 *
 *   node --import tsx bench/analytics.ts [--runs 5] [--arm 50000]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fitBgNbd, fitGammaGamma, type CustomerSummary } from '../src/analytics/clv-model.ts';
import { mannWhitney } from '../src/stats/index.ts';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, arm: { type: 'string', default: '50000' } },
});
const runs = Number(values.runs);
const armSize = Number(values.arm);
const dir = [
  process.env.CXKPI_DATASETS_DIR,
  path.resolve(import.meta.dirname, '../../shared/datasets'),
  '/work/shared/datasets',
]
  .filter((d): d is string => Boolean(d))
  .map((d) => path.join(d, 'lifetimes_cdnow'))
  .find((d) => fs.existsSync(d));
if (!dir) throw new Error('The CDNOW dataset is missing; set CXKPI_DATASETS_DIR.');
const customers: CustomerSummary[] = fs
  .readFileSync(path.join(dir, 'cdnow_customers_summary_with_transactions.csv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => l.split(','))
  .map(([, x, tx, T, m]) => ({ x: Number(x), tx: Number(tx), T: Number(T), monetary: Number(m) }));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
function time(label: string, fn: () => unknown) {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    ms.push(performance.now() - start);
  }
  console.log(`${label.padEnd(48)} median ${median(ms).toFixed(1)} ms  (runs ${runs})`);
}

console.log(
  `load average ${os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ')}, ${os.cpus().length} cores`,
);
time(`BG/NBD fit, ${customers.length} CDNOW customers`, () => fitBgNbd(customers));
time('Gamma-Gamma fit, 946 repeat customers', () => fitGammaGamma(customers));
let seed = 1;
const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
const arm = (scale: number) => Array.from({ length: armSize }, () => Math.round(-Math.log(random()) * scale));
const a = arm(300);
const b = arm(280);
time(`Mann-Whitney + Hodges-Lehmann, 2 x ${armSize} durations`, () => mannWhitney(a, b));
