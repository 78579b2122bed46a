import { escapeHtml } from '../surveys/render.ts';
import { svgToPng, trendSvg } from './charts.ts';
import type { ReportContent } from './content.ts';
import { formatter, t, T } from './format.ts';
import { kpiCells } from './pdf.ts';

/**
 * The report as an HTML e-mail: tables and inline styles only (mail clients drop <style> and
 * scripts), charts as PNG images, since Gmail and Outlook show no inline SVG. The stored copy
 * carries the images as data: URIs, so it opens anywhere as one file; the e-mail moves them into
 * attachments referenced by cid:, which mail clients show (see toMailHtml). Every text from the
 * data (comments, names) is escaped.
 */
const FONT = 'font-family:Arial,Helvetica,sans-serif;';
const CELL = 'padding:6px 8px;border-bottom:1px solid #e3e6ea;font-size:13px;vertical-align:top;';
const MUTED = 'color:#5f6b7a;';

export async function renderHtml(content: ReportContent): Promise<string> {
  const lang = content.language;
  const fmt = formatter(lang, content.currency);
  const e = escapeHtml;
  const period = fmt.period(content.period.from, content.period.grain);
  const out: string[] = [];
  out.push(
    `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
      `<title>${e(content.title)} – ${e(period)}</title></head>` +
      `<body style="margin:0;padding:0;background:#f4f6f8;${FONT}">` +
      `<table role="presentation" width="100%" cellspacing="0" cellpadding="0" style="background:#f4f6f8"><tr><td align="center" style="padding:16px 8px">` +
      `<table role="presentation" width="640" cellspacing="0" cellpadding="0" style="max-width:640px;width:100%;background:#ffffff;border:1px solid #e3e6ea;${FONT}color:#1f2933">` +
      `<tr><td style="padding:20px 24px 8px 24px"><h1 style="margin:0;font-size:22px">${e(content.title)}</h1>` +
      `<p style="margin:6px 0 0 0;font-size:14px;${MUTED}">${e(content.organization)} · ${e(period)} · ${e(content.scope_label ?? t(T.organization, lang))}</p>` +
      (content.restricted ? `<p style="margin:6px 0 0 0;font-size:12px;${MUTED}">${e(t(T.yourPart, lang))}</p>` : '') +
      `</td></tr>`,
  );
  const section = (title: string, body: string) =>
    out.push(
      `<tr><td style="padding:12px 24px"><h2 style="margin:0 0 8px 0;font-size:17px">${e(title)}</h2>${body}</td></tr>`,
    );

  const heads = [T.kpi, T.value, T.n, T.interval, T.previous, T.year, T.target].map((h) => t(h, lang));
  const rows = content.kpis
    .map((kpi) => {
      const cells = kpiCells(kpi, fmt);
      return `<tr>${cells
        .map(
          (lines, i) =>
            `<td style="${CELL}${i ? 'text-align:right;white-space:nowrap;' : 'font-weight:bold;'}">${lines
              .filter(Boolean)
              .map((line, j) => (j ? `<br><span style="font-size:11px;${MUTED}">${e(line)}</span>` : e(line)))
              .join('')}</td>`,
        )
        .join('')}</tr>`;
    })
    .join('');
  const notes = [t(T.significant, lang)];
  if (content.kpis.some((k) => k.low_sample)) notes.push(`† ${t(T.lowSample, lang)}`);
  if (content.kpis.some((k) => k.partial)) notes.push(`‡ ${t(T.partial, lang)}`);
  section(
    t(T.kpis, lang),
    `<table role="presentation" width="100%" cellspacing="0" cellpadding="0" style="border-collapse:collapse">` +
      `<tr>${heads.map((h, i) => `<th style="${CELL}font-size:12px;${MUTED}text-align:${i ? 'right' : 'left'}">${e(h)}</th>`).join('')}</tr>` +
      rows +
      `</table>` +
      notes.map((n) => `<p style="margin:6px 0 0 0;font-size:11px;${MUTED}">${e(n)}</p>`).join(''),
  );

  section(
    t(T.moved, lang),
    content.moved.length
      ? `<ul style="margin:0;padding-left:18px;font-size:13px">${content.moved
          .map((m) => {
            const colour = m.verdict === 'better' ? '#1e7b34' : m.verdict === 'worse' ? '#b3261e' : '#1f2933';
            const where = m.dimension ? `, ${t(T[m.dimension], lang)} ${m.subject}` : '';
            return `<li style="margin:2px 0">${e(`${m.name}${where}`)}: ${e(fmt.value(m.value, m.unit))} (${e(fmt.value(m.previous, m.unit))} → <span style="color:${colour}">${e(fmt.change(m.delta, m.unit))}</span>), ${e(t(T[m.verdict], lang))}</li>`;
          })
          .join('')}</ul>`
      : `<p style="margin:0;font-size:13px;${MUTED}">${e(t(T.movedNone, lang))}</p>`,
  );

  for (const view of content.combined) {
    section(
      view.kind === 'csat_by_first_response' ? t(T.csatByResponse, lang) : t(T.churnByNps, lang),
      `<table role="presentation" cellspacing="0" cellpadding="0" style="border-collapse:collapse">${view.rows
        .map(
          (row) =>
            `<tr><td style="${CELL}">${e(row.label)}</td><td style="${CELL}text-align:right">${e(fmt.value(row.value, view.unit))}</td><td style="${CELL}text-align:right;${MUTED}">n = ${e(fmt.integer(row.n))}</td></tr>`,
        )
        .join('')}</table>`,
    );
  }

  const charts: string[] = [];
  for (const kpi of content.kpis) {
    const png = await svgToPng(trendSvg(kpi, fmt, content.period.grain, 592, 150), 1.5);
    charts.push(
      `<p style="margin:10px 0 2px 0;font-size:13px;font-weight:bold">${e(kpi.name)}</p>` +
        `<img src="data:image/png;base64,${png.toString('base64')}" width="592" height="150" alt="${e(`${kpi.name}: ${t(T.trends, lang)}`)}" style="display:block;width:100%;max-width:592px;height:auto;border:0">`,
    );
  }
  section(t(T.trends, lang), charts.join(''));

  let feedback = `<p style="margin:0;font-size:13px;${MUTED}">–</p>`;
  if (content.feedback) {
    const { counts } = content.feedback;
    const total = counts.negative + counts.neutral + counts.positive;
    if (!total) feedback = `<p style="margin:0;font-size:13px;${MUTED}">${e(t(T.noFeedback, lang))}</p>`;
    else {
      feedback =
        `<p style="margin:0 0 6px 0;font-size:13px">${(['negative', 'neutral', 'positive'] as const)
          .map((tone) =>
            e(`${t(T.tones[tone], lang)}: ${fmt.integer(counts[tone])} (${fmt.percent(counts[tone] / total)})`),
          )
          .join(' · ')}</p>` +
        (
          [
            [t(T.mostNegative, lang), content.feedback.negative, '#b3261e'],
            [t(T.mostPositive, lang), content.feedback.positive, '#1e7b34'],
          ] as const
        )
          .filter(([, list]) => list.length)
          .map(
            ([label, list, colour]) =>
              `<p style="margin:10px 0 4px 0;font-size:13px;font-weight:bold">${e(label)}</p>` +
              list
                .map(
                  (c) =>
                    `<blockquote style="margin:4px 0;padding:4px 10px;border-left:3px solid ${colour};font-size:13px">${e(c.text)}` +
                    `<br><span style="font-size:11px;${MUTED}">${e(
                      [
                        fmt.date(c.at.slice(0, 10)),
                        c.kind.toUpperCase(),
                        c.score === null ? null : `${c.score}/${c.scale_max}`,
                        c.team,
                        c.agent,
                      ]
                        .filter(Boolean)
                        .join(' · '),
                    )}</span></blockquote>`,
                )
                .join(''),
          )
          .join('');
    }
  }
  section(t(T.feedback, lang), feedback);

  section(
    t(T.alerts, lang),
    content.alerts.length
      ? `<ul style="margin:0;padding-left:18px;font-size:13px">${content.alerts
          .map((a) => {
            const unit = content.kpis.find((k) => k.metric === a.metric)?.unit ?? 'number';
            const group = Object.entries(a.group)
              .map(([k, v]) => `${k}=${v}`)
              .join(', ');
            return `<li>${e(`${fmt.date(a.period)} ${a.alert} (${a.metric_name}${group ? `, ${group}` : ''}): ${fmt.value(a.value, unit)} – ${a.reason}`)}</li>`;
          })
          .join('')}</ul>`
      : `<p style="margin:0;font-size:13px;${MUTED}">${e(t(T.noAlerts, lang))}</p>`,
  );

  section(
    t(T.definitions, lang),
    content.kpis
      .map(
        (k) =>
          `<p style="margin:0 0 6px 0;font-size:12px"><strong>${e(k.name)}</strong> <span style="${MUTED}">(${e(k.metric)}): ${e(k.definition)}</span></p>`,
      )
      .join(''),
  );
  out.push(
    `<tr><td style="padding:12px 24px 20px 24px;font-size:11px;${MUTED}">${e(
      `${t(T.generated, lang)} ${fmt.dateTime(new Date(content.generated_at), content.timezone)} · cxkpi`,
    )}</td></tr></table></td></tr></table></body></html>`,
  );
  return out.join('');
}

/** The plain-text part of the e-mail: the KPI table as lines. */
export function renderText(content: ReportContent): string {
  const lang = content.language;
  const fmt = formatter(lang, content.currency);
  const lines = [
    `${content.title} – ${fmt.period(content.period.from, content.period.grain)}`,
    `${content.organization} · ${content.scope_label ?? t(T.organization, lang)}`,
    '',
    ...content.kpis.map((kpi) => {
      const prev =
        kpi.previous.delta === null
          ? ''
          : `, ${t(T.previous, lang)}: ${fmt.change(kpi.previous.delta, kpi.unit)}${kpi.previous.significant ? ' *' : ''}`;
      return `${kpi.name}: ${fmt.value(kpi.value, kpi.unit)} (n = ${fmt.integer(kpi.n)}${prev})`;
    }),
    '',
    t(T.attached, lang),
  ];
  return lines.join('\n');
}

/**
 * The stored HTML as an e-mail body: each data: image becomes an inline attachment referenced by
 * cid:, which Gmail, Outlook and Apple Mail show (they block data: URIs).
 */
export function toMailHtml(html: string): { html: string; images: Array<{ cid: string; content: Buffer }> } {
  const images: Array<{ cid: string; content: Buffer }> = [];
  const out = html.replace(/src="data:image\/png;base64,([A-Za-z0-9+/=]+)"/g, (_match, data: string) => {
    const cid = `chart${images.length + 1}@cxkpi`;
    images.push({ cid, content: Buffer.from(data, 'base64') });
    return `src="cid:${cid}"`;
  });
  return { html: out, images };
}
