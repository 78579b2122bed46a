import { z } from 'zod';
import { can, type Access } from '../auth/access.ts';
import { findUserByEmail } from '../auth/users.ts';
import { addPeriods, periodStart } from '../calendar/periods.ts';
import { localDate, localToUtcMs } from '../calendar/zoned-time.ts';
import type { Report as ReportAnswer, ReportSchedule } from '../contract/api.ts';
import type { Db } from '../db/connect.ts';
import { AppError, badRequest, invalidInput, notFound } from '../errors.ts';
import { assertMayTarget } from '../kpi/index.ts';
import type { Organization } from '../orgs/index.ts';
import { LANGUAGES, type Language } from './format.ts';

/**
 * Report definitions: KPIs, a scope, a schedule (monthly on day N, or quarterly on day N of the
 * quarter's first month, at a local time in the organization's zone), a language, the files to
 * attach and the recipients: addresses, who get the report's scope, or users of the organization,
 * who get the part of it their role may see. Creating one is for those who may set targets (team
 * leads for their teams), as the KPIs' trial query runs as the creator.
 */
export const REPORT_SCHEDULES = ['monthly', 'quarterly'] as const satisfies readonly ReportSchedule[];
export type { ReportSchedule } from '../contract/api.ts';
export const REPORT_FORMATS = ['pdf', 'xlsx', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** What a report may be scoped to: one team, agent, channel or customer segment. */
export const SCOPE_DIMENSIONS = ['team', 'agent', 'channel', 'customer.segment'];

const ZRecipient = z.union([
  z.object({ email: z.email('is not an e-mail address') }).strict(),
  z.object({ user: z.string().min(1).max(200) }).strict(),
]);

export const ZNewReport = z
  .object({
    name: z.string().trim().min(1).max(100),
    schedule: z.enum(REPORT_SCHEDULES).default('monthly'),
    /** Day of the month (monthly) or of the quarter's first month (quarterly) the report is sent. */
    day: z.number().int().min(1).max(28).default(1),
    /** Local time of day, HH:MM, in the organization's time zone. */
    time: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'is a time such as 08:00')
      .default('08:00'),
    metrics: z.array(z.string().min(1).max(100)).min(1, 'name at least one KPI').max(20),
    scope: z
      .record(z.string(), z.string().min(1).max(200))
      .refine((s) => Object.keys(s).length <= 1, 'names at most one dimension')
      .refine(
        (s) => Object.keys(s).every((k) => SCOPE_DIMENSIONS.includes(k)),
        `is one of ${['team', 'agent', 'channel', 'customer.segment'].join(', ')}`,
      )
      .default({}),
    language: z.enum(LANGUAGES as [Language, ...Language[]]).optional(),
    attach: z
      .array(z.enum(['pdf', 'xlsx']))
      .max(2)
      .default(['pdf', 'xlsx']),
    recipients: z.array(ZRecipient).min(1, 'name at least one recipient').max(50),
  })
  .strict();
export type NewReport = z.input<typeof ZNewReport>;

/** A report definition; the shape is the HTTP contract's (GET /api/v1/reports), with a Date. */
export type Report = ReportAnswer<Date>;

const COLUMNS = [
  'id',
  'name',
  'schedule',
  'day',
  'send_time as time',
  'metrics',
  'scope',
  'language',
  'attach',
  'recipients',
  'enabled',
  'created_by',
  'created_at',
] as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Who may define and delete reports: those who may set targets, within the scope they may target. */
export function assertMayReport(access: Access, scope: Record<string, string>): void {
  if (!can(access, 'targets'))
    throw new AppError(403, 'forbidden', 'Only owners, admins, managers and team leads define reports.');
  assertMayTarget(access, scope);
}

/** `{user}` recipients by e-mail or id, as member ids; an address stays an address. */
async function resolveRecipients(db: Db, orgId: string, recipients: Array<{ email?: string; user?: string }>) {
  const out: Array<{ email?: string; user?: string }> = [];
  for (const [index, recipient] of recipients.entries()) {
    if (recipient.email) {
      out.push({ email: recipient.email.toLowerCase() });
      continue;
    }
    const ref = recipient.user!;
    const userId = UUID.test(ref) ? ref : (await findUserByEmail(db.kysely, ref))?.id;
    const member = userId
      ? await db.kysely
          .selectFrom('membership')
          .select('user_id')
          .where('org_id', '=', orgId)
          .where('user_id', '=', userId)
          .executeTakeFirst()
      : undefined;
    if (!member)
      throw invalidInput(
        'invalid-report',
        [{ path: ['recipients', index, 'user'], message: `${ref} is not a member of the organization` }],
        'report',
      );
    if (!out.some((r) => r.user === member.user_id)) out.push({ user: member.user_id });
  }
  return out;
}

export async function createReport(
  db: Db,
  org: Organization,
  access: Access,
  input: NewReport,
  trial: (metrics: string[], scope: Record<string, string>) => Promise<unknown>,
): Promise<Report> {
  const parsed = ZNewReport.safeParse(input);
  if (!parsed.success) throw invalidInput('invalid-report', parsed.error.issues, 'report');
  const report = parsed.data;
  assertMayReport(access, report.scope);
  await trial(report.metrics, report.scope);
  const recipients = await resolveRecipients(db, org.id, report.recipients);
  const taken = await db.kysely
    .selectFrom('report_definition')
    .select('id')
    .where('org_id', '=', org.id)
    .where('name', '=', report.name)
    .executeTakeFirst();
  if (taken) throw new AppError(409, 'report-exists', `A report named "${report.name}" exists; choose another name.`);
  const row = await db.kysely
    .insertInto('report_definition')
    .values({
      org_id: org.id,
      name: report.name,
      schedule: report.schedule,
      day: report.day,
      send_time: report.time,
      metrics: JSON.stringify([...new Set(report.metrics)]),
      scope: JSON.stringify(report.scope),
      language: report.language ?? null,
      attach: JSON.stringify([...new Set(report.attach)]),
      recipients: JSON.stringify(recipients),
      created_by: access.actor,
    })
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
  return row as Report;
}

export async function listReports(db: Db, orgId: string): Promise<Report[]> {
  const rows = await db.kysely
    .selectFrom('report_definition')
    .select(COLUMNS)
    .where('org_id', '=', orgId)
    .orderBy('name')
    .execute();
  return rows as Report[];
}

/** A report by id or name. */
export async function getReport(db: Db, orgId: string, idOrName: string): Promise<Report> {
  const row = await db.kysely
    .selectFrom('report_definition')
    .select(COLUMNS)
    .where('org_id', '=', orgId)
    .where((eb) => (UUID.test(idOrName) ? eb('id', '=', idOrName) : eb('name', '=', idOrName)))
    .executeTakeFirst();
  if (!row) throw notFound('report-not-found', `No report ${idOrName}; see cxkpi reports list.`);
  return row as Report;
}

export async function deleteReport(db: Db, orgId: string, access: Access, idOrName: string): Promise<Report> {
  const report = await getReport(db, orgId, idOrName);
  assertMayReport(access, report.scope);
  await db.kysely.deleteFrom('report_definition').where('org_id', '=', orgId).where('id', '=', report.id).execute();
  return report;
}

export interface ReportPeriod {
  /** 2026-03 or 2026-Q1. */
  label: string;
  grain: 'month' | 'quarter';
  from: string;
  to: string;
}

/** 2026-03 -> the month, 2026-Q1 -> the quarter, as [from, to). */
export function parseReportPeriod(text: string): ReportPeriod {
  const quarter = /^(\d{4})-Q([1-4])$/.exec(text);
  if (quarter) {
    const from = `${quarter[1]}-${String((Number(quarter[2]) - 1) * 3 + 1).padStart(2, '0')}-01`;
    return { label: text, grain: 'quarter', from, to: addPeriods(from, 'quarter', 1) };
  }
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(text))
    throw badRequest('invalid-period', `period "${text}" is YYYY-MM or YYYY-Qn, such as 2026-03 or 2026-Q1.`);
  const from = `${text}-01`;
  return { label: text, grain: 'month', from, to: addPeriods(from, 'month', 1) };
}

export function periodLabel(from: string, grain: 'month' | 'quarter'): string {
  return grain === 'month'
    ? from.slice(0, 7)
    : `${from.slice(0, 4)}-Q${Math.floor((Number(from.slice(5, 7)) - 1) / 3) + 1}`;
}

const GRAIN = { monthly: 'month', quarterly: 'quarter' } as const;

/** When the report of the period starting `from` is due: day N of the next period, at the local time. */
export function sendInstant(report: Pick<Report, 'schedule' | 'day' | 'time'>, from: string, timeZone: string): Date {
  const next = addPeriods(from, GRAIN[report.schedule], 1);
  const [y, m] = next.split('-').map(Number) as [number, number];
  const [hh, mm] = report.time.split(':').map(Number) as [number, number];
  return new Date(localToUtcMs(timeZone, y, m, report.day, hh, mm));
}

/**
 * The latest period whose report is due at `now` (its send instant has passed), or undefined when
 * that instant is before the report was created: a new report starts with the next period rather
 * than mailing a past one at once (`cxkpi reports send` does that on request).
 */
export function duePeriod(
  report: Pick<Report, 'schedule' | 'day' | 'time' | 'created_at'>,
  timeZone: string,
  now: Date,
): ReportPeriod | undefined {
  const grain = GRAIN[report.schedule];
  let from = addPeriods(periodStart(localDate(timeZone, now.getTime()), grain), grain, -1);
  if (sendInstant(report, from, timeZone) > now) from = addPeriods(from, grain, -1);
  const at = sendInstant(report, from, timeZone);
  if (at < report.created_at) return undefined;
  return { label: periodLabel(from, grain), grain, from, to: addPeriods(from, grain, 1) };
}

/** The last complete period of a schedule at `now`: what `reports send` sends without --period. */
export function lastCompletePeriod(schedule: ReportSchedule, timeZone: string, now: Date): ReportPeriod {
  const grain = GRAIN[schedule];
  const from = addPeriods(periodStart(localDate(timeZone, now.getTime()), grain), grain, -1);
  return { label: periodLabel(from, grain), grain, from, to: addPeriods(from, grain, 1) };
}
