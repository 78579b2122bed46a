import { createHmac } from 'node:crypto';
import { addPeriods } from '../calendar/periods.ts';
import type { Db } from '../db/connect.ts';
import type { JobContext, JobKinds } from '../jobs/index.ts';
import { customMetricsFor, getMetric } from '../metrics/index.ts';
import { getOrganization } from '../orgs/index.ts';
import { escapeHtml } from '../surveys/render.ts';
import { evaluateAlerts, organizationsWithAlerts, type FiredAlert } from './alerts.ts';

/**
 * Delivering fired alerts, as jobs: one per event and channel, retried with backoff by the job
 * runner. A webhook is a JSON POST signed with the alert's secret
 * (`X-Cxkpi-Signature: sha256=<hex HMAC-SHA256 of the body>`); an e-mail goes through the SMTP
 * settings in the alert's language (default the organization's).
 */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

type Language = 'en' | 'ru' | 'lt';
const T = {
  subject: { en: 'cxkpi alert', ru: 'Оповещение cxkpi', lt: 'cxkpi įspėjimas' },
  value: { en: 'Value', ru: 'Значение', lt: 'Reikšmė' },
  expected: { en: 'Expected range', ru: 'Ожидаемый диапазон', lt: 'Tikėtinas intervalas' },
  period: { en: 'Period', ru: 'Период', lt: 'Laikotarpis' },
  scope: { en: 'Scope', ru: 'Область', lt: 'Apimtis' },
  organization: { en: 'whole organization', ru: 'вся организация', lt: 'visa organizacija' },
  rule: { en: 'Rule', ru: 'Правило', lt: 'Taisyklė' },
  open: { en: 'Open in the explorer', ru: 'Открыть в обозревателе', lt: 'Atidaryti naršyklėje' },
  rules: {
    threshold: { en: 'threshold', ru: 'порог', lt: 'riba' },
    target: { en: 'missed target', ru: 'цель не достигнута', lt: 'tikslas nepasiektas' },
    anomaly: { en: 'anomaly', ru: 'аномалия', lt: 'anomalija' },
  },
} as const;

const NUMBER_LOCALE: Record<Language, string> = { en: 'en-GB', ru: 'ru-RU', lt: 'lt-LT' };

export function renderAlertEmail(
  fired: FiredAlert & { metric_name: string },
  language: Language,
  link: string,
): { subject: string; text: string; html: string } {
  const number = (x: number | null) =>
    x === null ? '-' : new Intl.NumberFormat(NUMBER_LOCALE[language], { maximumFractionDigits: 4 }).format(x);
  const scope =
    Object.entries(fired.group)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ') || T.organization[language];
  const rule = T.rules[fired.rule as keyof typeof T.rules]?.[language] ?? fired.rule;
  const lines: Array<[string, string]> = [
    [T.value[language], number(fired.value)],
    [T.expected[language], `${number(fired.expected_low)} .. ${number(fired.expected_high)}`],
    [T.period[language], fired.period],
    [T.scope[language], scope],
    [T.rule[language], `${rule}: ${fired.reason}`],
  ];
  const subject = `${T.subject[language]}: ${fired.metric_name} (${fired.alert}), ${fired.period}`;
  const text = [
    `${fired.metric_name}: ${fired.alert}`,
    '',
    ...lines.map(([k, v]) => `${k}: ${v}`),
    '',
    `${T.open[language]}: ${link}`,
  ].join('\n');
  const html =
    `<p><strong>${escapeHtml(fired.metric_name)}</strong>: ${escapeHtml(fired.alert)}</p>` +
    `<table style="border-collapse:collapse">${lines
      .map(
        ([k, v]) =>
          `<tr><td style="padding:2px 12px 2px 0;color:#555">${escapeHtml(k)}</td><td>${escapeHtml(v)}</td></tr>`,
      )
      .join('')}</table>` +
    `<p><a href="${escapeHtml(link)}">${escapeHtml(T.open[language])}</a></p>`;
  return { subject, text, html };
}

/** The explorer view of the alert's metric, scope and grain around the period. */
/** The explorer view of a firing: the metric at the alert's grain, the fired period last (to is exclusive). */
export function explorerLink(
  publicUrl: string,
  fired: Pick<FiredAlert, 'metric' | 'period' | 'group'>,
  grain: 'day' | 'week' | 'month',
) {
  const params = new URLSearchParams({
    metric: fired.metric,
    grain,
    from: addPeriods(fired.period, grain, grain === 'day' ? -27 : -11),
    to: addPeriods(fired.period, grain, 1),
  });
  for (const [dimension, value] of Object.entries(fired.group)) params.append('where', `${dimension}:${value}`);
  return `${publicUrl}/explorer?${params.toString()}`;
}

async function loadEvent(db: Db, orgId: string, id: string) {
  return db.kysely
    .selectFrom('alert_event as e')
    .innerJoin('alert_rule as a', (j) => j.onRef('a.org_id', '=', 'e.org_id').onRef('a.id', '=', 'e.alert_id'))
    .select([
      'e.id',
      'e.period',
      'e.group',
      'e.value',
      'e.expected_low',
      'e.expected_high',
      'e.rule',
      'e.reason',
      'a.name',
      'a.metric',
      'a.grain',
      'a.notify',
      'a.language',
      'a.secret',
    ])
    .where('e.org_id', '=', orgId)
    .where('e.id', '=', id)
    .executeTakeFirst();
}

async function deliver(ctx: JobContext, orgId: string, eventId: string, channel: number) {
  const event = await loadEvent(ctx.db, orgId, eventId);
  if (!event) return { skipped: 1 }; // the alert was deleted since
  const target = event.notify[channel];
  if (!target) return { skipped: 1 };
  const fired: FiredAlert = {
    event: event.id,
    alert: event.name,
    metric: event.metric,
    period: event.period,
    group: event.group as Record<string, string>,
    value: event.value,
    expected_low: event.expected_low,
    expected_high: event.expected_high,
    rule: event.rule,
    reason: event.reason,
  };
  const link = explorerLink(ctx.publicUrl, fired, event.grain);
  if (target.webhook) {
    const body = JSON.stringify({ ...fired, link });
    const response = await fetch(target.webhook, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-cxkpi-signature': signBody(event.secret, body) },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`webhook ${target.webhook} answered ${response.status}`);
  } else if (target.email) {
    if (!ctx.mailer) throw new Error('No SMTP server is configured (CXKPI_SMTP_URL): the alert cannot be e-mailed.');
    const org = await getOrganization(ctx.db.kysely, orgId);
    const metric = getMetric(event.metric) ?? (await customMetricsFor(ctx.db, org, [event.metric])).get(event.metric);
    const language = event.language ?? org.language;
    const message = renderAlertEmail(
      { ...fired, metric_name: metric?.names[language] ?? event.metric },
      language,
      link,
    );
    await ctx.mailer.send({ to: target.email, ...message, headers: { 'Content-Language': language } });
  }
  // A dead delivery retried by an administrator (cxkpi jobs retry, the dashboard's Jobs tab)
  // turns a failed event into a delivered one; an acknowledged event stays acknowledged.
  await ctx.db.kysely
    .updateTable('alert_event')
    .set({ state: 'delivered', delivered_at: ctx.now, error: null })
    .where('org_id', '=', orgId)
    .where('id', '=', eventId)
    .where('state', 'in', ['fired', 'failed'])
    .execute();
  return { delivered: 1 };
}

export const alertJobKinds: JobKinds = {
  'alerts.evaluate': {
    maxAttempts: 3,
    every: { ms: 5 * 60_000, orgs: organizationsWithAlerts },
    run: async (ctx, job) => ({
      fired: (await evaluateAlerts(ctx.db, { orgId: job.org_id, at: ctx.now })).fired.length,
    }),
  },
  'alert.deliver': {
    maxAttempts: 6,
    run: (ctx, job) => deliver(ctx, job.org_id, String(job.payload.event), Number(job.payload.channel)),
    async onDead(ctx, job, error) {
      await ctx.db.kysely
        .updateTable('alert_event')
        .set({ state: 'failed', error: (error instanceof Error ? error.message : String(error)).slice(0, 500) })
        .where('org_id', '=', job.org_id)
        .where('id', '=', String(job.payload.event))
        .where('state', 'in', ['fired', 'delivered'])
        .execute();
    },
  },
};
