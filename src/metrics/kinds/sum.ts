import type { Formula } from '../catalog/types.ts';
import { num, NONE, plain } from './estimators.ts';
import { additiveKind } from './scan.ts';

/** The sum of `value`; n is the rows with a value. No interval (no sampling model for a total). */
export const sum = additiveKind<Extract<Formula, { kind: 'sum' }>>({
  describe: 'sum of the amounts',
  components: (f) => ({ n: { count: f.value }, s: { sum: f.value } }),
  estimate: (_f, _a, c) => (!c || num(c.n) === 0 ? { ...NONE } : plain(num(c.s), num(c.n))),
  rows: (f) => [['measured_value', `(${f.value})::float8`]],
});
