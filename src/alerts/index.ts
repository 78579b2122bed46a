import { dataScope, type Access } from '../auth/access.ts';
import type { Db } from '../db/connect.ts';
import { queryMetrics } from '../metrics/index.ts';
import type { Organization } from '../orgs/index.ts';
import { createAlert as createAlertWith, type NewAlert } from './alerts.ts';

export {
  acknowledgeAlertEvent,
  ALERT_GRAINS,
  ALERT_RULES,
  anomalyMethod,
  deleteAlert,
  evaluateAlerts,
  listAlertEvents,
  listAlerts,
  ZNewAlert,
  type Alert,
  type AlertEvent,
  type FiredAlert,
  type NewAlert,
} from './alerts.ts';
export { explorerLink, renderAlertEmail, signBody } from './deliver.ts';

/** Creates an alert as `access`: the metric engine checks its query as that caller. */
export function createAlert(db: Db, org: Organization, access: Access, input: NewAlert, now?: Date) {
  return createAlertWith(
    db,
    org,
    access,
    input,
    (query) => queryMetrics(db, org, query, { scope: dataScope(access) }),
    now,
  );
}
