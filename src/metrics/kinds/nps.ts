import type { Formula } from '../catalog/types.ts';
import { additiveKind } from './scan.ts';

const PROMOTER = 'e.score >= 9';
const DETRACTOR = 'e.score <= 6';

/** NPS from 0-10 scores: Wald interval on its variance, z test of two NPS. */
export const nps = additiveKind<Extract<Formula, { kind: 'nps' }>>({
  describe: '100 x (promoters 9-10 - detractors 0-6) / answers',
  components: () => ({
    n: { count: '*' },
    promoters: { count: '*', when: PROMOTER },
    detractors: { count: '*', when: DETRACTOR },
  }),
  as: 'nps',
  rows: () => [
    ['promoter', PROMOTER],
    ['detractor', DETRACTOR],
  ],
});
