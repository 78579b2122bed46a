import type { Formula } from '../catalog/types.ts';
import { additiveKind } from './scan.ts';

/** The mean of `value` over rows where it is not null; t interval, Welch test. */
export const mean = additiveKind<Extract<Formula, { kind: 'mean' }>>({
  describe: 'sum / count of rows with a value',
  components: (f) => ({ n: { count: f.value }, s: { sum: f.value }, ss: { sumOfSquares: f.value } }),
  as: 'mean',
  rows: (f) => [['measured_value', `(${f.value})::float8`]],
});
