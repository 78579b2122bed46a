import assert from 'node:assert/strict';
import type { MetricRow } from '../../src/metrics/index.ts';

/** A seeded linear congruential generator in [0, 1): the same chunks and values every run. */
export function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

/**
 * Asserts that a row answered from rollups equals the raw rows' answer: group, period and n
 * exactly, value, interval, previous and delta within floating-point noise, the same verdict.
 * `where` names the metric, query and row in the message.
 */
export function assertSameRow(where: string, rolled: MetricRow, raw: MetricRow): void {
  assert.deepEqual(rolled.group, raw.group, `group of ${where}`);
  assert.equal(rolled.period, raw.period, `period of ${where}`);
  assert.equal(rolled.n, raw.n, `n of ${where}`);
  for (const field of ['value', 'ci_low', 'ci_high', 'previous', 'delta'] as const) {
    const a = rolled[field] ?? null;
    const b = raw[field] ?? null;
    if (a === null || b === null) assert.equal(a, b, `${field} of ${where}`);
    else assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${field} of ${where}: rollup ${a}, raw ${b}`);
  }
  assert.equal(rolled.significant ?? null, raw.significant ?? null, `significant of ${where}`);
}
