import { Hono } from 'hono';
import { z } from 'zod';
import { recordAudit } from '../../auth/index.ts';
import type { ReportIssues, ReportList } from '../../contract/api.ts';
import { badRequest } from '../../errors.ts';
import {
  createReport,
  deleteReport,
  getIssueFile,
  getReport,
  lastCompletePeriod,
  LANGUAGES,
  listIssues,
  listReports,
  parseReportPeriod,
  previewReport,
  REPORT_FORMATS,
  sendReport,
  type Language,
  type ReportFormat,
} from '../../reports/index.ts';
import { assertMayReport } from '../../reports/definitions.ts';
import { requireAccess, type AppDeps, type AppEnv } from '../app.ts';
import { parseBody } from './auth.ts';

/**
 * Reports: definitions are listed to anyone who may query and defined, sent and deleted by those
 * who may set targets (the module checks role and scope); a preview and the archive show each
 * caller only their part of the data. `mail.configured` tells the dashboard whether reports are
 * e-mailed at all.
 */
function format(text: string | undefined): ReportFormat {
  const value = (text ?? 'pdf') as ReportFormat;
  if (!REPORT_FORMATS.includes(value)) throw badRequest('invalid-format', 'format is pdf, html or xlsx.');
  return value;
}

function download(file: { file: Buffer; filename: string; contentType: string }, inline: boolean) {
  return {
    'content-type': file.contentType,
    'content-disposition': `${inline ? 'inline' : 'attachment'}; filename="${file.filename}"`,
    // The archived HTML carries comments from customers: never run anything in it.
    'content-security-policy': "default-src 'none'; img-src data:; style-src 'unsafe-inline'",
  };
}

export function reportRoutes(deps: AppDeps) {
  return (
    new Hono<AppEnv>()
      .get('/api/v1/reports', requireAccess(deps, 'query'), async (c) =>
        c.json({
          reports: await listReports(deps.db, c.get('org').id),
          mail: { configured: Boolean(deps.mailer) },
        } satisfies ReportList<Date>),
      )
      .post('/api/v1/reports', requireAccess(deps, 'query'), async (c) => {
        const body = await parseBody(c, z.record(z.string(), z.unknown()));
        const report = await createReport(deps.db, c.get('org'), c.get('access'), body as never);
        await recordAudit(deps.db.kysely, c.get('access'), 'report.created', report.id, { name: report.name });
        return c.json(report, 201);
      })
      // ?report=NAME|ID or ?metrics=a,b[&scope=team:t1] &period=2026-03 &format=pdf|html|xlsx [&language=]
      .get('/api/v1/reports/preview', requireAccess(deps, 'query'), async (c) => {
        const q = c.req.query();
        if (q.language && !LANGUAGES.includes(q.language as Language))
          throw badRequest('invalid-language', 'language is en, ru or lt.');
        let scope: Record<string, string> | undefined;
        if (q.scope) {
          const [dimension, id] = [q.scope.slice(0, q.scope.indexOf(':')), q.scope.slice(q.scope.indexOf(':') + 1)];
          if (!dimension || !id) throw badRequest('invalid-scope', 'scope is DIM:ID, such as team:t1.');
          scope = { [dimension]: id };
        }
        const file = await previewReport(
          deps.db,
          c.get('org'),
          c.get('access'),
          {
            report: q.report,
            metrics: q.metrics ? q.metrics.split(',').filter(Boolean) : undefined,
            scope,
            period: q.period ?? '',
            language: q.language as Language | undefined,
          },
          format(q.format),
        );
        return c.body(new Uint8Array(file.file), 200, download(file, q.download !== '1'));
      })
      .get('/api/v1/reports/archive', requireAccess(deps, 'query'), async (c) => {
        const limit = Number(c.req.query('limit') ?? 100);
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
          throw badRequest('invalid-query', 'limit is 1-1000.');
        return c.json({
          issues: await listIssues(deps.db, c.get('org').id, c.get('access'), limit),
          mail: { configured: Boolean(deps.mailer) },
        } satisfies ReportIssues<Date>);
      })
      .get('/api/v1/reports/archive/:id/:format', requireAccess(deps, 'query'), async (c) => {
        const file = await getIssueFile(
          deps.db,
          c.get('org').id,
          c.get('access'),
          String(c.req.param('id')),
          format(c.req.param('format')),
        );
        return c.body(new Uint8Array(file.file), 200, download(file, c.req.query('download') !== '1'));
      })
      .post('/api/v1/reports/:id/send', requireAccess(deps, 'query'), async (c) => {
        const body = await parseBody(c, z.object({ period: z.string().max(20).optional() }).strict());
        const org = c.get('org');
        const report = await getReport(deps.db, org.id, String(c.req.param('id')));
        assertMayReport(c.get('access'), report.scope);
        const now = new Date();
        const period = body.period
          ? parseReportPeriod(body.period)
          : lastCompletePeriod(report.schedule, org.timezone, now);
        // Stored now; the e-mails go out with the job runner's next round (seconds).
        const issues = await sendReport(deps.db, { org, report, period, mailer: deps.mailer, now });
        await recordAudit(deps.db.kysely, c.get('access'), 'report.sent', report.id, { period: period.label });
        return c.json({ issues, mail: { configured: Boolean(deps.mailer) } } satisfies ReportIssues<Date>);
      })
      .delete('/api/v1/reports/:id', requireAccess(deps, 'query'), async (c) => {
        const removed = await deleteReport(deps.db, c.get('org').id, c.get('access'), String(c.req.param('id')));
        await recordAudit(deps.db.kysely, c.get('access'), 'report.deleted', removed.id, { name: removed.name });
        return c.body(null, 204);
      })
  );
}
