import type { Formula } from '../catalog/types.ts';
import { num, NONE, plain, type Components, type Estimate } from './estimators.ts';
import { additiveKind } from './scan.ts';

type F = Extract<Formula, { kind: 'count' }>;

/** n is the population; k what is counted in it (every row when the metric counts all). */
export function countEstimate(c: Components | undefined): Estimate {
  const n = num(c?.n);
  if (!c || n === 0) return { ...NONE };
  return c.k === undefined || c.k === null ? plain(n, n) : plain(num(c.k), n);
}

export const count = additiveKind<F>({
  describe: 'count of the rows of the population (that meet its condition)',
  components: (f) => ({ n: { count: '*' }, ...(f.counted ? { k: { count: '*', when: f.counted } } : {}) }),
  estimate: (_f, _a, c) => countEstimate(c),
  rows: (f) => (f.counted ? [['counted', `(${f.counted})`]] : []),
});
