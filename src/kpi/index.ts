import { dataScope, type Access } from '../auth/access.ts';
import type { Db } from '../db/connect.ts';
import { customMetricsFor, getMetric, queryMetrics } from '../metrics/index.ts';
import type { Organization } from '../orgs/index.ts';
import { setTarget as setTargetWith, type NewTarget, type Target } from './targets.ts';

export {
  assertMayTarget,
  assertPossibleValue,
  deleteTarget,
  judge,
  listTargets,
  scopeKey,
  TARGET_GRAINS,
  ZNewTarget,
  type Attainment,
  type NewTarget,
  type Target,
  type TargetGrain,
} from './targets.ts';

/** Sets a target as `access`: the metric engine checks the metric, scope and options as that caller. */
export function setTarget(db: Db, org: Organization, access: Access, input: NewTarget, now?: Date): Promise<Target> {
  return setTargetWith(
    db,
    org,
    access,
    input,
    {
      trial: (query) => queryMetrics(db, org, query, { scope: dataScope(access) }),
      metric: async (id) => getMetric(id) ?? (await customMetricsFor(db, org, [id])).get(id),
    },
    now,
  );
}
export {
  computeScorecard,
  parseScorecardPeriod,
  scorecardTable,
  weightedScore,
  ZScorecardQuery,
  type Scorecard,
  type ScorecardLine,
  type ScorecardQuery,
  type ScorecardSubject,
} from './scorecard.ts';
