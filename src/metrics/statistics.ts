import type { Formula } from './catalog/index.ts';
import { compareAs, type Components, type Estimate } from './kinds/estimators.ts';
import { kindOf, type Aggregate } from './kinds/index.ts';

/**
 * Turns the components of one period and group into the value, its n and its 95 % interval, and
 * decides whether two periods differ significantly (5 %): each formula kind declares both
 * (src/metrics/kinds); the statistics themselves are in src/stats.
 */
export type { Components, Estimate };

export function estimate(formula: Formula, aggregate: string, c: Components | undefined): Estimate {
  return kindOf(formula).estimate(formula, aggregate as Aggregate, c);
}

/** Two-sided test at 5 % (pooled z for shares, z on the variances for NPS, Welch for means), or null. */
export function compareComponents(
  formula: Formula,
  aggregate: string,
  a: Components | undefined,
  b: Components | undefined,
): boolean | null {
  const kind = kindOf(formula);
  if (kind.compare) return kind.compare(formula, aggregate as Aggregate, a, b);
  return compareAs(kind.test(formula, aggregate as Aggregate), a, b);
}
