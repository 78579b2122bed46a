import { sql } from 'kysely';
import { dataScope, OPERATOR, type Access, type DataScope } from '../auth/access.ts';
import { memberAccess } from '../auth/users.ts';
import type { ReportIssue as ReportIssueAnswer } from '../contract/api.ts';
import type { Db } from '../db/connect.ts';
import { notFound } from '../errors.ts';
import { enqueueJobs, type JobContext, type JobKinds } from '../jobs/index.ts';
import type { Mailer } from '../mail/mailer.ts';
import { getOrganization, type Organization } from '../orgs/index.ts';
import { buildReportContent, type ReportContent, type ReportRequest } from './content.ts';
import {
  duePeriod,
  getReport,
  parseReportPeriod,
  type Report,
  type ReportFormat,
  type ReportPeriod,
} from './definitions.ts';
import { formatter, t, T, type Language } from './format.ts';
import { renderHtml, renderText, toMailHtml } from './html.ts';
import { renderPdf } from './pdf.ts';
import { renderXlsx } from './xlsx.ts';

/**
 * Generating, storing and mailing reports. A scheduled report is sent by the job runner once per
 * period: every five minutes `reports.schedule` finds each report's latest due period and queues
 * one `report.send` job keyed by report and period (a second enqueue does nothing, and a period
 * already in the archive is never queued again), so a restart does not send twice and a run
 * missed while the server was down happens when it is back. `report.send` writes one copy per
 * audience (the report's scope for addresses and unrestricted users; each restricted user's part
 * of it) into the archive, then queues one `report.mail` job per address. Without SMTP the copies
 * are stored and marked not mailed.
 */
export interface GeneratedReport {
  content: ReportContent;
  pdf: Buffer;
  xlsx: Buffer;
  html: string;
}

export async function generateReport(
  db: Db,
  org: Organization,
  request: ReportRequest,
  scope: DataScope | undefined,
  now = new Date(),
): Promise<GeneratedReport> {
  const content = await buildReportContent(db, org, request, scope, now);
  const [pdf, xlsx, html] = await Promise.all([renderPdf(content), renderXlsx(content), renderHtml(content)]);
  return { content, pdf, xlsx, html };
}

export const CONTENT_TYPES: Record<ReportFormat, string> = {
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  html: 'text/html; charset=utf-8',
};

/** One format of a report for any period, as the caller may see it; nothing is stored or sent. */
export async function previewReport(
  db: Db,
  org: Organization,
  access: Access,
  input: { report?: string; metrics?: string[]; scope?: Record<string, string>; period: string; language?: Language },
  format: ReportFormat,
): Promise<{ file: Buffer; filename: string; contentType: string }> {
  const period = parseReportPeriod(input.period);
  const report = input.report ? await getReport(db, org.id, input.report) : undefined;
  const language = input.language ?? report?.language ?? org.language;
  const request: ReportRequest = {
    title: report?.name ?? t(T.report, language),
    metrics: report?.metrics ?? input.metrics ?? [],
    scope: report?.scope ?? input.scope ?? {},
    period,
    language,
  };
  if (!request.metrics.length)
    throw notFound('report-needs-metrics', 'Name a report or the KPIs (--metrics) to preview.');
  const content = await buildReportContent(db, org, request, dataScope(access));
  const file =
    format === 'pdf'
      ? await renderPdf(content)
      : format === 'xlsx'
        ? await renderXlsx(content)
        : Buffer.from(await renderHtml(content));
  return { file, filename: fileName(request.title, period, format), contentType: CONTENT_TYPES[format] };
}

export function fileName(title: string, period: ReportPeriod, format: ReportFormat): string {
  const slug =
    title
      .normalize('NFKD')
      .replace(/[^\w\s-]/g, '')
      .trim()
      .replace(/\s+/g, '-')
      .toLowerCase()
      .slice(0, 60) || 'report';
  return `${slug}-${period.label}.${format}`;
}

/** Who gets which copy: the report's scope, or a restricted user's part of it. */
interface Audience {
  key: string;
  scope: DataScope | undefined;
  addresses: string[];
}

async function audiences(db: Db, orgId: string, report: Report): Promise<Audience[]> {
  const shared: Audience = { key: '', scope: undefined, addresses: [] };
  const restricted: Audience[] = [];
  for (const recipient of report.recipients) {
    if (recipient.email) {
      if (!shared.addresses.includes(recipient.email)) shared.addresses.push(recipient.email);
      continue;
    }
    const access = await memberAccess(db.kysely, orgId, recipient.user!);
    if (!access) continue; // no longer a member: receives nothing
    const scope = dataScope(access);
    if (!scope) {
      if (!shared.addresses.includes(access.actor)) shared.addresses.push(access.actor);
    } else restricted.push({ key: `user:${recipient.user}`, scope, addresses: [access.actor] });
  }
  return [...(shared.addresses.length ? [shared] : []), ...restricted];
}

/** A stored copy; the shape is the HTTP contract's (GET /api/v1/reports/archive), with Dates. */
export type ReportIssue = ReportIssueAnswer<Date>;

const ISSUE_COLUMNS = [
  'i.id',
  'i.report_id',
  'r.name as report',
  'i.period',
  'i.audience',
  'i.language',
  'i.addresses',
  'i.delivered',
  'i.mail_state',
  'i.mail_error',
  'i.generated_at',
  'i.mailed_at',
] as const;

/**
 * Generates and stores every copy of a report for a period that is not stored yet, and queues its
 * e-mails (or marks it not mailed without SMTP). A copy already stored is kept as it was: sending
 * again mails only what was never mailed.
 */
export async function sendReport(
  db: Db,
  options: { org: Organization; report: Report; period: ReportPeriod; mailer?: Mailer; now: Date },
): Promise<ReportIssue[]> {
  const { org, report, period, now } = options;
  const language = report.language ?? org.language;
  for (const audience of await audiences(db, org.id, report)) {
    const exists = await db.kysely
      .selectFrom('report_issue')
      .select(['id', 'mail_state'])
      .where('org_id', '=', org.id)
      .where('report_id', '=', report.id)
      .where('period', '=', period.label)
      .where('audience', '=', audience.key)
      .executeTakeFirst();
    let issueId = exists?.id;
    if (!exists) {
      const generated = await generateReport(
        db,
        org,
        { title: report.name, metrics: report.metrics, scope: report.scope, period, language },
        audience.scope,
        now,
      );
      const inserted = await db.kysely
        .insertInto('report_issue')
        .values({
          org_id: org.id,
          report_id: report.id,
          period: period.label,
          audience: audience.key,
          language,
          addresses: JSON.stringify(audience.addresses),
          content: JSON.stringify(generated.content),
          pdf: generated.pdf,
          xlsx: generated.xlsx,
          html: generated.html,
          mail_state: options.mailer ? 'queued' : 'not_mailed',
          generated_at: now,
        })
        .onConflict((oc) => oc.columns(['org_id', 'report_id', 'period', 'audience']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!inserted) continue; // another runner stored it meanwhile and queues its mail
      issueId = inserted.id;
    } else if (exists.mail_state !== 'not_mailed' || !options.mailer) continue;
    else
      await db.kysely
        .updateTable('report_issue')
        .set({ mail_state: 'queued', mail_error: null })
        .where('org_id', '=', org.id)
        .where('id', '=', issueId!)
        .execute();
    if (options.mailer)
      await enqueueJobs(
        db,
        audience.addresses.map((address) => ({
          orgId: org.id,
          kind: 'report.mail',
          key: `${issueId}:${address}`,
          payload: { issue: issueId, address },
          runAt: now,
          maxAttempts: 6,
        })),
      );
  }
  return (await listIssues(db, org.id, OPERATOR_ACCESS(org.id))).filter(
    (issue) => issue.report_id === report.id && issue.period === period.label,
  );
}

const OPERATOR_ACCESS = (orgId: string): Access => ({ ...OPERATOR, orgId });

/** The archive, newest first: everything for unrestricted callers, a restricted user's own copies otherwise. */
export async function listIssues(db: Db, orgId: string, access: Access, limit = 100): Promise<ReportIssue[]> {
  let query = db.kysely
    .selectFrom('report_issue as i')
    .innerJoin('report_definition as r', (j) => j.onRef('r.org_id', '=', 'i.org_id').onRef('r.id', '=', 'i.report_id'))
    .select(ISSUE_COLUMNS)
    .where('i.org_id', '=', orgId);
  if (dataScope(access)) query = query.where('i.audience', '=', `user:${access.actorId ?? ''}`);
  const rows = await query
    .orderBy('i.generated_at', 'desc')
    .orderBy('i.id')
    .limit(Math.min(Math.max(limit, 1), 1000))
    .execute();
  return rows as ReportIssue[];
}

export async function getIssueFile(
  db: Db,
  orgId: string,
  access: Access,
  id: string,
  format: ReportFormat,
): Promise<{ file: Buffer; filename: string; contentType: string }> {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
  let query = db.kysely
    .selectFrom('report_issue as i')
    .innerJoin('report_definition as r', (j) => j.onRef('r.org_id', '=', 'i.org_id').onRef('r.id', '=', 'i.report_id'))
    .select(['i.pdf', 'i.xlsx', 'i.html', 'i.period', 'r.name'])
    .where('i.org_id', '=', orgId)
    .where('i.id', '=', uuid ? id : '00000000-0000-0000-0000-000000000000');
  if (dataScope(access)) query = query.where('i.audience', '=', `user:${access.actorId ?? ''}`);
  const row = await query.executeTakeFirst();
  if (!row) throw notFound('report-issue-not-found', `No stored report ${id}; see the archive.`);
  const file = format === 'html' ? Buffer.from(row.html) : Buffer.from(format === 'pdf' ? row.pdf : row.xlsx);
  return {
    file,
    filename: fileName(row.name, parseReportPeriod(row.period), format),
    contentType: CONTENT_TYPES[format],
  };
}

async function mailIssue(ctx: JobContext, orgId: string, issueId: string, address: string) {
  const row = await ctx.db.kysely
    .selectFrom('report_issue as i')
    .innerJoin('report_definition as r', (j) => j.onRef('r.org_id', '=', 'i.org_id').onRef('r.id', '=', 'i.report_id'))
    .select(['i.id', 'i.content', 'i.pdf', 'i.xlsx', 'i.html', 'i.period', 'i.delivered', 'r.name', 'r.attach'])
    .where('i.org_id', '=', orgId)
    .where('i.id', '=', issueId)
    .executeTakeFirst();
  if (!row) return { skipped: 1 }; // the report was deleted since
  if (row.delivered.includes(address)) return { skipped: 1 };
  if (!ctx.mailer) throw new Error('No SMTP server is configured (CXKPI_SMTP_URL): the report cannot be e-mailed.');
  const content = row.content as unknown as ReportContent;
  const fmt = formatter(content.language, content.currency);
  const period = parseReportPeriod(row.period);
  const { html, images } = toMailHtml(row.html);
  const attachments = [
    ...row.attach.map((format) => ({
      filename: fileName(row.name, period, format),
      content: Buffer.from(format === 'pdf' ? row.pdf : row.xlsx),
      contentType: CONTENT_TYPES[format],
    })),
    ...images.map((image, i) => ({
      filename: `chart-${i + 1}.png`,
      content: image.content,
      contentType: 'image/png',
      cid: image.cid,
    })),
  ];
  await ctx.mailer.send({
    to: address,
    subject: `${row.name} – ${fmt.period(content.period.from, content.period.grain)}`,
    text: renderText(content),
    html,
    headers: { 'Content-Language': content.language },
    attachments,
  });
  await sql`
    update report_issue set delivered = delivered || ${JSON.stringify([address])}::jsonb,
      mail_state = case when jsonb_array_length(delivered) + 1 >= jsonb_array_length(addresses) then 'sent' else mail_state end,
      mailed_at = ${ctx.now}::timestamptz
    where org_id = ${orgId}::uuid and id = ${issueId}::uuid`.execute(ctx.db.kysely);
  return { mailed: 1 };
}

/** Organizations with an enabled report, for the recurring schedule job. */
async function organizationsWithReports(db: Db): Promise<string[]> {
  const rows = await db.kysely
    .selectFrom('report_definition')
    .select('org_id')
    .distinct()
    .where('enabled', '=', true)
    .execute();
  return rows.map((row) => row.org_id);
}

/** Queues the send of each report's latest due period that is not in the archive yet. */
export async function scheduleReports(db: Db, orgId: string, now: Date): Promise<number> {
  const org = await getOrganization(db.kysely, orgId);
  const reports = (
    await db.kysely
      .selectFrom('report_definition')
      .select(['id', 'schedule', 'day', 'send_time as time', 'created_at'])
      .where('org_id', '=', orgId)
      .where('enabled', '=', true)
      .execute()
  ).map((r) => ({ ...r }));
  let queued = 0;
  for (const report of reports) {
    const period = duePeriod(report, org.timezone, now);
    if (!period) continue;
    const stored = await db.kysely
      .selectFrom('report_issue')
      .select('id')
      .where('org_id', '=', orgId)
      .where('report_id', '=', report.id)
      .where('period', '=', period.label)
      .executeTakeFirst();
    if (stored) continue;
    queued += await enqueueJobs(db, [
      {
        orgId,
        kind: 'report.send',
        key: `${report.id}:${period.label}`,
        payload: { report: report.id, period: period.label },
        runAt: now,
        maxAttempts: 3,
      },
    ]);
  }
  return queued;
}

export const reportJobKinds: JobKinds = {
  'reports.schedule': {
    maxAttempts: 3,
    every: { ms: 5 * 60_000, orgs: organizationsWithReports },
    run: async (ctx, job) => ({ queued: await scheduleReports(ctx.db, job.org_id, ctx.now) }),
  },
  'report.send': {
    maxAttempts: 3,
    async run(ctx, job) {
      const org = await getOrganization(ctx.db.kysely, job.org_id);
      let report: Report;
      try {
        report = await getReport(ctx.db, org.id, String(job.payload.report));
      } catch {
        return { skipped: 1 }; // deleted since
      }
      const issues = await sendReport(ctx.db, {
        org,
        report,
        period: parseReportPeriod(String(job.payload.period)),
        mailer: ctx.mailer,
        now: ctx.now,
      });
      return { generated: issues.length };
    },
  },
  'report.mail': {
    maxAttempts: 6,
    run: (ctx, job) => mailIssue(ctx, job.org_id, String(job.payload.issue), String(job.payload.address)),
    async onDead(ctx, job, error) {
      await ctx.db.kysely
        .updateTable('report_issue')
        .set({
          mail_state: 'failed',
          mail_error: `${String(job.payload.address)}: ${(error instanceof Error ? error.message : String(error)).slice(0, 400)}`,
        })
        .where('org_id', '=', job.org_id)
        .where('id', '=', String(job.payload.issue))
        .execute();
    },
  },
};
