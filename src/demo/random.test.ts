import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, WeightedSampler } from './random.ts';

test('the same seed gives the same sequence; forks are stable and independent', () => {
  const a = new Rng(42);
  const b = new Rng(42);
  const xs = Array.from({ length: 100 }, () => a.float());
  assert.deepEqual(
    xs,
    Array.from({ length: 100 }, () => b.float()),
  );
  assert.notDeepEqual(
    xs,
    Array.from({ length: 100 }, () => new Rng(43).float()),
  );
  assert.equal(new Rng(42).fork('tickets').float(), new Rng(42).fork('tickets').float());
  assert.notEqual(new Rng(42).fork('tickets').float(), new Rng(42).fork('surveys').float());
  for (const x of xs) assert.ok(x >= 0 && x < 1);
});

test('helpers stay in range and have the right means', () => {
  const rng = new Rng(7);
  const n = 20_000;
  const ints = Array.from({ length: n }, () => rng.int(1, 6));
  assert.deepEqual([...new Set(ints)].sort(), [1, 2, 3, 4, 5, 6]);
  const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;
  assert.ok(Math.abs(mean(Array.from({ length: n }, () => rng.normal(10, 2))) - 10) < 0.1);
  assert.ok(Math.abs(mean(Array.from({ length: n }, () => rng.poisson(3.5))) - 3.5) < 0.1);
  assert.ok(Math.abs(mean(Array.from({ length: n }, () => rng.poisson(120))) - 120) < 1);
  const medianOf = (values: number[]) => values.sort((x, y) => x - y)[values.length >> 1]!;
  assert.ok(Math.abs(medianOf(Array.from({ length: n }, () => rng.lognormalMedian(50, 1))) - 50) < 3);
  assert.ok(Math.abs(mean(Array.from({ length: n }, () => (rng.chance(0.3) ? 1 : 0))) - 0.3) < 0.015);
  const picks = Array.from({ length: n }, () => rng.weightedKey({ a: 1, b: 3, c: 0 }));
  assert.ok(!picks.includes('c'));
  assert.ok(Math.abs(picks.filter((p) => p === 'b').length / n - 0.75) < 0.015);
  const sampler = new WeightedSampler(['x', 'y', 'z'], [0, 1, 1]);
  const drawn = Array.from({ length: 2000 }, () => sampler.draw(rng));
  assert.ok(!drawn.includes('x') && drawn.includes('y') && drawn.includes('z'));
  assert.deepEqual(rng.shuffle([1, 2, 3, 4, 5]).sort(), [1, 2, 3, 4, 5]);
});
