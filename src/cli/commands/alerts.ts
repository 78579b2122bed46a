import { OPERATOR, recordAudit } from '../../auth/index.ts';
import { badRequest } from '../../errors.ts';
import {
  acknowledgeAlertEvent,
  ALERT_GRAINS,
  ALERT_RULES,
  createAlert,
  deleteAlert,
  evaluateAlerts,
  listAlertEvents,
  listAlerts,
} from '../../alerts/index.ts';
import { createLogger } from '../../http/logger.ts';
import { publicUrl } from '../../http/server.ts';
import { runDueJobs } from '../../jobs/index.ts';
import { JOB_KINDS } from '../../jobs/kinds.ts';
import { createMailer } from '../../mail/mailer.ts';
import {
  configFrom,
  databaseOptions,
  parseCommand,
  parseFormatFlag,
  parseLimitFlag,
  parseNumberFlag,
  parseOptionsFlag,
  parseScopeFlags,
  resolveOrganization,
  withDatabase,
  type Io,
} from '../context.ts';

const help = `Usage:
  cxkpi alerts create <name> --metric M [--rule threshold|target|anomaly] [--above X | --below X]
                      [--significant] [--scope DIM=ID ...] [--grain day|week|month]
                      [--notify email:ADDR|webhook:URL ...] [--language en|ru|lt] [--options JSON]
  cxkpi alerts list
  cxkpi alerts delete <name or id>
  cxkpi alerts evaluate [--at DATE]   check every alert for the last complete period before DATE
                                      (default now) and deliver what fires, once per period
  cxkpi alerts history [--limit N]
  cxkpi alerts ack <event id>

Rules: threshold (--above / --below), target (the period missed its target; --significant: only
when the whole interval is past it), anomaly (outside the range the metric's own history
predicts; docs/metrics.md#alerts). A webhook receives a JSON POST signed with the alert's secret
(X-Cxkpi-Signature: sha256=HMAC), printed once at creation.`;

export async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    ...databaseOptions,
    metric: { type: 'string' },
    rule: { type: 'string' },
    above: { type: 'string' },
    below: { type: 'string' },
    significant: { type: 'boolean' },
    scope: { type: 'string', multiple: true },
    grain: { type: 'string' },
    notify: { type: 'string', multiple: true },
    language: { type: 'string' },
    options: { type: 'string' },
    at: { type: 'string' },
    limit: { type: 'string' },
    format: { type: 'string' },
  });
  const [action, target] = positionals;
  if (values.help || !action) return (io.out(help), values.help ? 0 : 2);
  const format = parseFormatFlag(values.format, ['table', 'json']);
  const config = configFrom(values);
  return withDatabase(config, async (db) => {
    const org = await resolveOrganization(db, config, values.org);
    const operator = { ...OPERATOR, orgId: org.id };
    if (action === 'create' && target) {
      if (values.rule && !ALERT_RULES.includes(values.rule as never))
        throw badRequest('invalid-alert', `--rule is one of ${ALERT_RULES.join(', ')}.`);
      if (values.grain && !ALERT_GRAINS.includes(values.grain as never))
        throw badRequest('invalid-alert', `--grain is one of ${ALERT_GRAINS.join(', ')}.`);
      const scope = parseScopeFlags(values.scope);
      const notify = (values.notify ?? []).map((item) => {
        const [kind, ...rest] = item.split(':');
        const address = rest.join(':');
        if (kind === 'email' && address) return { email: address };
        if (kind === 'webhook' && address) return { webhook: address };
        throw badRequest('invalid-notify', `--notify "${item}" must be email:ADDRESS or webhook:URL.`);
      });
      const options = parseOptionsFlag(values.options);
      const { alert, secret } = await createAlert(db, org, operator, {
        name: target,
        metric: values.metric ?? '',
        rule: values.rule as never,
        above: parseNumberFlag('above', values.above, 'invalid-alert'),
        below: parseNumberFlag('below', values.below, 'invalid-alert'),
        significant_only: values.significant ?? false,
        scope,
        grain: values.grain as never,
        notify,
        language: values.language as never,
        options,
      });
      await recordAudit(db.kysely, operator, 'alert.created', alert.id, { name: alert.name, metric: alert.metric });
      if (format === 'json') io.out(JSON.stringify({ ...alert, secret }));
      else
        io.out(
          `Created alert "${alert.name}" (${alert.rule} on ${alert.metric} per ${alert.grain}).` +
            (alert.notify.some((n) => n.webhook) ? `\nWebhook secret (shown once): ${secret}` : ''),
        );
      return 0;
    }
    if (action === 'list') {
      const alerts = await listAlerts(db, org.id);
      if (format === 'json') io.out(JSON.stringify({ alerts }));
      else if (!alerts.length) io.out('No alerts. Create one with cxkpi alerts create <name> --metric M.');
      else
        for (const a of alerts) {
          const rule =
            a.rule === 'threshold'
              ? [a.above !== null ? `above ${a.above}` : '', a.below !== null ? `below ${a.below}` : '']
                  .filter(Boolean)
                  .join(' or ')
              : a.rule + (a.significant_only ? ' (significant)' : '');
          const scope =
            Object.entries(a.scope)
              .map(([k, v]) => `${k}=${v}`)
              .join(', ') || 'organization';
          const to = a.notify.map((n) => n.email ?? n.webhook).join(', ') || 'history only';
          io.out(`${a.name}: ${a.metric} ${rule} per ${a.grain}, ${scope}; to ${to}`);
        }
      return 0;
    }
    if (action === 'delete' && target) {
      await deleteAlert(db, org.id, operator, target);
      await recordAudit(db.kysely, operator, 'alert.deleted', target);
      io.out(`Deleted alert ${target}.`);
      return 0;
    }
    if (action === 'evaluate') {
      const at = values.at ? new Date(values.at.length === 10 ? `${values.at}T00:00:00Z` : values.at) : new Date();
      if (Number.isNaN(at.getTime())) throw badRequest('invalid-time', `--at "${values.at}" is not a date or time.`);
      const result = await evaluateAlerts(db, { orgId: org.id, at });
      // Deliver what fired now, as the server's job runner would.
      const mailer = createMailer(config);
      try {
        await runDueJobs(
          { db, mailer, publicUrl: publicUrl(config), logger: createLogger(config.logLevel), now: at },
          { kinds: { 'alert.deliver': JOB_KINDS['alert.deliver']! } },
        );
      } finally {
        mailer?.close();
      }
      const fired = result.fired.map(({ event: _event, ...rest }) => rest);
      if (format === 'json') io.out(JSON.stringify({ fired }));
      else if (!fired.length) io.out('Nothing fired.');
      else
        for (const f of fired)
          io.out(
            `${f.alert}: ${f.metric} ${f.period} value ${f.value} (expected ${f.expected_low ?? '-'} .. ${f.expected_high ?? '-'}): ${f.reason}`,
          );
      return 0;
    }
    if (action === 'history') {
      const limit = parseLimitFlag(values.limit);
      const events = await listAlertEvents(db, org.id, limit);
      if (format === 'json') io.out(JSON.stringify({ events }));
      else if (!events.length) io.out('No alert has fired.');
      else
        for (const e of events)
          io.out(
            `${e.fired_at.toISOString().slice(0, 16)}Z  ${e.alert}  ${e.period}  value ${e.value}  ${e.state}${e.error ? ` (${e.error})` : ''}  ${e.id}`,
          );
      return 0;
    }
    if (action === 'ack' && target) {
      await acknowledgeAlertEvent(db, org.id, operator, target);
      io.out(`Acknowledged ${target}.`);
      return 0;
    }
    io.err(help);
    return 2;
  });
}
