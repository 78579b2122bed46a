import { dataScope, type Access } from '../auth/access.ts';
import { addPeriods, periodStart } from '../calendar/periods.ts';
import { localDate } from '../calendar/zoned-time.ts';
import type { Db } from '../db/connect.ts';
import { queryMetrics } from '../metrics/index.ts';
import type { Organization } from '../orgs/index.ts';
import { createReport as createReportWith, type NewReport } from './definitions.ts';

export {
  deleteReport,
  duePeriod,
  getReport,
  lastCompletePeriod,
  listReports,
  parseReportPeriod,
  REPORT_FORMATS,
  REPORT_SCHEDULES,
  sendInstant,
  ZNewReport,
  type NewReport,
  type Report,
  type ReportFormat,
  type ReportPeriod,
  type ReportSchedule,
} from './definitions.ts';
export { buildReportContent, type ReportContent } from './content.ts';
export { formatter, LANGUAGES, type Language } from './format.ts';
export {
  CONTENT_TYPES,
  generateReport,
  getIssueFile,
  listIssues,
  previewReport,
  reportJobKinds,
  scheduleReports,
  sendReport,
  type ReportIssue,
} from './deliver.ts';

/** Defines a report as `access`: its KPIs and scope are tried by the metric engine as that caller. */
export function createReport(db: Db, org: Organization, access: Access, input: NewReport, now = new Date()) {
  return createReportWith(db, org, access, input, async (metrics, scope) => {
    const from = addPeriods(periodStart(localDate(org.timezone, now.getTime()), 'month'), 'month', -1);
    await queryMetrics(
      db,
      org,
      { metrics, from, to: addPeriods(from, 'month', 1), grain: 'month', where: scope },
      { scope: dataScope(access) },
    );
  });
}
