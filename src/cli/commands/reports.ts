import fs from 'node:fs';
import path from 'node:path';
import { OPERATOR, recordAudit } from '../../auth/index.ts';
import { badRequest } from '../../errors.ts';
import { publicUrl } from '../../http/server.ts';
import { runDueJobs } from '../../jobs/index.ts';
import { JOB_KINDS } from '../../jobs/kinds.ts';
import { createMailer } from '../../mail/mailer.ts';
import {
  createReport,
  deleteReport,
  getReport,
  lastCompletePeriod,
  LANGUAGES,
  listIssues,
  listReports,
  parseReportPeriod,
  previewReport,
  REPORT_FORMATS,
  REPORT_SCHEDULES,
  sendReport,
  type Language,
  type Report,
  type ReportFormat,
  type ReportSchedule,
} from '../../reports/index.ts';
import {
  configFrom,
  databaseOptions,
  parseCommand,
  parseFormatFlag,
  parseLimitFlag,
  parseNumberFlag,
  parseScopeFlags,
  resolveOrganization,
  withDatabase,
  type Io,
} from '../context.ts';

const help = `Usage:
  cxkpi reports create <name> --schedule monthly|quarterly --metrics M[,M...] --to ADDR[,ADDR]
                       [--scope DIM=ID] [--language en|ru|lt] [--attach pdf,xlsx] [--day N] [--time HH:MM]
  cxkpi reports list [--format table|json]
  cxkpi reports preview (<name> | --metrics M[,M...] [--scope DIM=ID]) --period YYYY-MM|YYYY-Qn
                        --out FILE.(pdf|html|xlsx) [--language en|ru|lt]
  cxkpi reports send <name> [--period P]
  cxkpi reports history [--limit N] [--format table|json]
  cxkpi reports delete <name>

A report is sent on day --day (default 1) of the month after each month (monthly) or of the first
month of the next quarter (quarterly), at --time (default 08:00) in the organization's time zone,
by the job runner (cxkpi serve, or cxkpi jobs run-once from cron), once per period. --to takes
e-mail addresses, and users of the organization as user:EMAIL: a user gets the part of the report
their role may see (a team lead: their teams). Without an SMTP server (CXKPI_SMTP_URL) reports are
still generated and stored, marked not mailed. Examples:
  cxkpi reports create "Monthly CX" --schedule monthly --metrics csat,nps,first_response_time \\
        --to director@example.com,user:lead@example.com --language lt
  cxkpi reports preview "Monthly CX" --period 2026-03 --out march.pdf
  cxkpi reports preview --metrics csat,fcr_rate --period 2026-Q1 --out q1.xlsx`;

export async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    ...databaseOptions,
    schedule: { type: 'string' },
    metrics: { type: 'string' },
    to: { type: 'string' },
    scope: { type: 'string', multiple: true },
    language: { type: 'string' },
    attach: { type: 'string' },
    day: { type: 'string' },
    time: { type: 'string' },
    period: { type: 'string' },
    out: { type: 'string' },
    limit: { type: 'string' },
    format: { type: 'string' },
  });
  const [action, name] = positionals;
  if (values.help || !action) return (io.out(help), values.help ? 0 : 2);
  const format = parseFormatFlag(values.format, ['table', 'json']);
  const list = (text: string | undefined) =>
    (text ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const language = values.language as Language | undefined;
  if (language && !LANGUAGES.includes(language)) throw badRequest('invalid-language', '--language is en, ru or lt.');
  const config = configFrom(values);
  return withDatabase(config, async (db) => {
    const org = await resolveOrganization(db, config, values.org);
    const operator = { ...OPERATOR, orgId: org.id };
    if (action === 'create' && name) {
      if (values.schedule && !REPORT_SCHEDULES.includes(values.schedule as ReportSchedule))
        throw badRequest('invalid-schedule', '--schedule is monthly or quarterly.');
      const report = await createReport(db, org, operator, {
        name,
        schedule: (values.schedule as ReportSchedule | undefined) ?? 'monthly',
        metrics: list(values.metrics),
        recipients: list(values.to).map((to) => (to.startsWith('user:') ? { user: to.slice(5) } : { email: to })),
        scope: parseScopeFlags(values.scope),
        language,
        attach: values.attach === undefined ? undefined : (list(values.attach) as never),
        day: parseNumberFlag('day', values.day, 'invalid-report'),
        time: values.time,
      });
      await recordAudit(db.kysely, operator, 'report.created', report.id, { name: report.name });
      io.out(format === 'json' ? JSON.stringify(report) : `Created report ${report.name}: ${describe(report)}.`);
      return 0;
    }
    if (action === 'list') {
      const reports = await listReports(db, org.id);
      if (format === 'json') io.out(JSON.stringify({ reports }));
      else if (!reports.length) io.out('No reports. Define one with cxkpi reports create.');
      else for (const report of reports) io.out(`${report.name}: ${describe(report)}`);
      return 0;
    }
    if (action === 'preview') {
      if (!values.period) throw badRequest('invalid-arguments', '--period is required, such as 2026-03. See --help.');
      if (!values.out) throw badRequest('invalid-arguments', '--out FILE.pdf|.html|.xlsx is required.');
      const ext = path.extname(values.out).slice(1).toLowerCase() as ReportFormat;
      if (!REPORT_FORMATS.includes(ext))
        throw badRequest('invalid-arguments', '--out names a .pdf, .html or .xlsx file.');
      if (!name && !values.metrics) throw badRequest('invalid-arguments', 'Name a report or give --metrics.');
      const preview = await previewReport(
        db,
        org,
        operator,
        {
          report: name,
          metrics: name ? undefined : list(values.metrics),
          scope: name ? undefined : parseScopeFlags(values.scope),
          period: values.period,
          language,
        },
        ext,
      );
      fs.writeFileSync(values.out, preview.file);
      io.out(`Wrote ${values.out} (${preview.file.length} bytes).`);
      return 0;
    }
    if (action === 'send' && name) {
      const report = await getReport(db, org.id, name);
      const now = new Date();
      const period = values.period
        ? parseReportPeriod(values.period)
        : lastCompletePeriod(report.schedule, org.timezone, now);
      const mailer = createMailer(config);
      try {
        await sendReport(db, { org, report, period, mailer, now });
        // The same mail jobs the server runs; only this kind, so nothing else due is started.
        if (mailer)
          await runDueJobs(
            { db, mailer, publicUrl: publicUrl(config), now },
            { kinds: { 'report.mail': JOB_KINDS['report.mail']! } },
          );
      } finally {
        mailer?.close();
      }
      const issues = (await listIssues(db, org.id, operator)).filter(
        (issue) => issue.report_id === report.id && issue.period === period.label,
      );
      if (format === 'json') io.out(JSON.stringify({ issues }));
      else
        for (const issue of issues)
          io.out(
            `${report.name} ${period.label} ${issue.audience || 'report scope'}: ${issue.mail_state}` +
              ` (${issue.addresses.join(', ') || 'no recipients'})${issue.mail_error ? ` - ${issue.mail_error}` : ''}` +
              (issue.mail_state === 'not_mailed' ? '. No SMTP server (CXKPI_SMTP_URL): stored, not e-mailed.' : ''),
          );
      return issues.some((issue) => issue.mail_state === 'failed') ? 1 : 0;
    }
    if (action === 'history') {
      const issues = await listIssues(db, org.id, operator, parseLimitFlag(values.limit));
      if (format === 'json') io.out(JSON.stringify({ issues }));
      else if (!issues.length) io.out('No report generated yet.');
      else
        for (const issue of issues)
          io.out(
            `${issue.id}  ${issue.report} ${issue.period} ${issue.audience || 'report scope'} ${issue.mail_state} ${issue.generated_at.toISOString()}`,
          );
      return 0;
    }
    if (action === 'delete' && name) {
      const removed = await deleteReport(db, org.id, operator, name);
      await recordAudit(db.kysely, operator, 'report.deleted', removed.id, { name: removed.name });
      io.out(`Deleted report ${removed.name}.`);
      return 0;
    }
    io.err(help);
    return 2;
  });
}

function describe(report: Report): string {
  const scope =
    Object.entries(report.scope)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ') || 'organization';
  const to = report.recipients.map((r) => r.email ?? `user ${r.user}`).join(', ');
  return `${report.schedule} on day ${report.day} at ${report.time}, ${report.metrics.join(', ')}, ${scope}, to ${to}`;
}
