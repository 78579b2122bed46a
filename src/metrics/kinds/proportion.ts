import type { Formula } from '../catalog/types.ts';
import { additiveKind } from './scan.ts';

/** The share of rows for which `success` holds; Wilson interval, two-proportion test. */
export const proportion = additiveKind<Extract<Formula, { kind: 'proportion' }>>({
  describe: 'rows meeting the condition / all rows',
  components: (f) => ({ n: { count: '*' }, k: { count: '*', when: f.success } }),
  as: 'proportion',
  rows: (f) => [['counts_as_success', `(${f.success})`]],
});
