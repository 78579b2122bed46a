import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import { FONT_FILES, trendSvg } from './charts.ts';
import type { ReportContent, ReportKpi } from './content.ts';
import { formatter, t, T, type Formatter } from './format.ts';

/**
 * The report as a PDF, with PDFKit: text in the shipped DejaVu Sans (embedded as a subset, so
 * Cyrillic and Lithuanian letters survive copy and extraction), trend charts as vectors (ECharts'
 * SVG drawn by svg-to-pdfkit), page numbers and the generation time on every page.
 */
const MARGIN = 40;
const FOOTER = 24;
const INK = '#1f2933';
const MUTED = '#5f6b7a';
const RULE = '#d5d9de';

export async function renderPdf(content: ReportContent): Promise<Buffer> {
  const lang = content.language;
  const fmt = formatter(lang, content.currency);
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, left: MARGIN, right: MARGIN, bottom: MARGIN + FOOTER },
    bufferPages: true,
    info: {
      Title: `${content.title} – ${fmt.period(content.period.from, content.period.grain)}`,
      Author: content.organization,
      Creator: 'cxkpi',
      CreationDate: new Date(content.generated_at),
    },
    lang,
  });
  doc.registerFont('body', FONT_FILES.regular);
  doc.registerFont('bold', FONT_FILES.bold);
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const width = doc.page.width - 2 * MARGIN;
  const bottom = () => doc.page.height - MARGIN - FOOTER;
  const ensure = (height: number) => {
    if (doc.y + height > bottom()) doc.addPage();
  };
  const heading = (text: string) => {
    ensure(60);
    doc.moveDown(0.8).font('bold').fontSize(12).fillColor(INK).text(text, MARGIN, doc.y);
    doc.moveDown(0.3);
  };
  const para = (text: string, options: { size?: number; color?: string; font?: string } = {}) =>
    doc
      .font(options.font ?? 'body')
      .fontSize(options.size ?? 9)
      .fillColor(options.color ?? INK)
      .text(text, MARGIN, doc.y, { width });

  // Title block.
  doc.font('bold').fontSize(18).fillColor(INK).text(content.title, MARGIN, MARGIN, { width });
  doc.moveDown(0.2);
  para(
    [
      content.organization,
      fmt.period(content.period.from, content.period.grain),
      content.scope_label ?? t(T.organization, lang),
    ].join(' · '),
    { size: 10, color: MUTED },
  );
  if (content.restricted) para(t(T.yourPart, lang), { size: 8, color: MUTED });

  heading(t(T.kpis, lang));
  kpiTable(doc, content, fmt, width, ensure);
  const notes = [t(T.significant, lang)];
  if (content.kpis.some((k) => k.low_sample)) notes.push(`† ${t(T.lowSample, lang)}`);
  if (content.kpis.some((k) => k.partial)) notes.push(`‡ ${t(T.partial, lang)}`);
  doc.moveDown(0.4);
  for (const note of notes) para(note, { size: 7.5, color: MUTED });

  heading(t(T.moved, lang));
  if (!content.moved.length) para(t(T.movedNone, lang), { color: MUTED });
  for (const m of content.moved) {
    ensure(14);
    const where = m.dimension ? `, ${t(T[m.dimension], lang)} ${m.subject}` : '';
    para(
      `• ${m.name}${where}: ${fmt.value(m.value, m.unit)} (${fmt.value(m.previous, m.unit)} → ${fmt.change(m.delta, m.unit)}), ${t(T[m.verdict], lang)}`,
    );
  }

  if (content.combined.length) {
    heading(t(T.combined, lang));
    for (const view of content.combined) {
      ensure(20 + 12 * view.rows.length);
      para(view.kind === 'csat_by_first_response' ? t(T.csatByResponse, lang) : t(T.churnByNps, lang), {
        font: 'bold',
      });
      for (const row of view.rows)
        para(
          `${row.label}: ${fmt.value(row.value, view.unit)} (n = ${fmt.integer(row.n)}${row.low_sample ? `, ${t(T.lowSampleShort, lang)}` : ''})`,
        );
      doc.moveDown(0.3);
    }
  }

  heading(t(T.trends, lang));
  const chartWidth = (width - 16) / 2;
  const chartHeight = 120;
  for (let i = 0; i < content.kpis.length; i += 2) {
    ensure(chartHeight + 22);
    const top = doc.y;
    for (const [column, kpi] of content.kpis.slice(i, i + 2).entries()) {
      const x = MARGIN + column * (chartWidth + 16);
      doc.font('bold').fontSize(8.5).fillColor(INK).text(kpi.name, x, top, { width: chartWidth, lineBreak: false });
      const svg = trendSvg(kpi, fmt, content.period.grain, Math.round(chartWidth), chartHeight);
      SVGtoPDF(doc, svg, x, top + 12, {
        width: chartWidth,
        height: chartHeight,
        fontCallback: (_family: string, bold: boolean) => (bold ? 'bold' : 'body'),
        assumePt: true,
      });
    }
    doc.x = MARGIN;
    doc.y = top + chartHeight + 20;
  }

  heading(t(T.feedback, lang));
  if (!content.feedback) para('–', { color: MUTED });
  else {
    const { counts } = content.feedback;
    const total = counts.negative + counts.neutral + counts.positive;
    if (!total) para(t(T.noFeedback, lang), { color: MUTED });
    else {
      para(
        (['negative', 'neutral', 'positive'] as const)
          .map(
            (tone) => `${t(T.tones[tone], lang)}: ${fmt.integer(counts[tone])} (${fmt.percent(counts[tone] / total)})`,
          )
          .join(' · '),
      );
      for (const [label, list] of [
        [t(T.mostNegative, lang), content.feedback.negative],
        [t(T.mostPositive, lang), content.feedback.positive],
      ] as const) {
        if (!list.length) continue;
        ensure(40);
        doc.moveDown(0.4);
        para(label, { font: 'bold' });
        for (const c of list) {
          ensure(30);
          const who = [
            c.kind.toUpperCase(),
            c.score === null ? null : `${fmt.integer(c.score)}/${c.scale_max}`,
            c.team,
            c.agent,
          ]
            .filter(Boolean)
            .join(' · ');
          para(`“${c.text}”`);
          para(`${fmt.date(c.at.slice(0, 10))} · ${who}`, { size: 7.5, color: MUTED });
          doc.moveDown(0.2);
        }
      }
    }
  }

  heading(t(T.alerts, lang));
  if (!content.alerts.length) para(t(T.noAlerts, lang), { color: MUTED });
  for (const a of content.alerts) {
    ensure(14);
    const group = Object.entries(a.group)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    const unit = content.kpis.find((k) => k.metric === a.metric)?.unit ?? 'number';
    para(
      `• ${fmt.date(a.period)} ${a.alert} (${a.metric_name}${group ? `, ${group}` : ''}): ${fmt.value(a.value, unit)} – ${a.reason}`,
    );
  }

  heading(t(T.definitions, lang));
  for (const kpi of content.kpis) {
    ensure(30);
    doc.font('bold').fontSize(8.5).fillColor(INK).text(`${kpi.name} `, MARGIN, doc.y, { width, continued: true });
    doc.font('body').fillColor(MUTED).text(`(${kpi.metric}): ${kpi.definition}`);
    doc.moveDown(0.2);
  }

  // Footers, once the page count is known. Writing inside the bottom margin must not add pages.
  const range = doc.bufferedPageRange();
  const generated = `${t(T.generated, lang)} ${fmt.dateTime(new Date(content.generated_at), content.timezone)}`;
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const margins = doc.page.margins;
    doc.page.margins = { ...margins, bottom: 0 };
    const y = doc.page.height - MARGIN - 8;
    doc
      .moveTo(MARGIN, y - 6)
      .lineTo(MARGIN + width, y - 6)
      .lineWidth(0.5)
      .strokeColor(RULE)
      .stroke();
    doc.font('body').fontSize(7.5).fillColor(MUTED);
    doc.text(`${content.organization} · ${generated}`, MARGIN, y, { width: width * 0.75, lineBreak: false });
    doc.text(`${t(T.page, lang)} ${i + 1} ${t(T.of, lang)} ${range.count}`, MARGIN, y, {
      width,
      align: 'right',
      lineBreak: false,
    });
    doc.page.margins = margins;
  }
  doc.end();
  return done;
}

function kpiTable(
  doc: PDFKit.PDFDocument,
  content: ReportContent,
  fmt: Formatter,
  width: number,
  ensure: (height: number) => void,
) {
  const lang = content.language;
  const columns = [
    { title: t(T.kpi, lang), width: 0.22, align: 'left' as const },
    { title: t(T.value, lang), width: 0.12, align: 'right' as const },
    { title: t(T.n, lang), width: 0.08, align: 'right' as const },
    { title: t(T.interval, lang), width: 0.16, align: 'right' as const },
    { title: t(T.previous, lang), width: 0.14, align: 'right' as const },
    { title: t(T.year, lang), width: 0.14, align: 'right' as const },
    { title: `${t(T.target, lang)}`, width: 0.14, align: 'right' as const },
  ];
  const row = (cells: string[][], header: boolean) => {
    // The first line of a cell may wrap (long KPI names, column titles); the lines below it do not.
    const size = header ? 7.5 : 8;
    const heights = columns.map((column, i) => {
      const [first = '', ...rest] = cells[i] ?? [];
      doc.font(header || i === 0 ? 'bold' : 'body').fontSize(size);
      return doc.heightOfString(first, { width: column.width * width - 4 }) + 9 * rest.length;
    });
    const height = Math.max(...heights) + 6;
    ensure(height);
    const top = doc.y;
    let x = MARGIN;
    for (const [i, column] of columns.entries()) {
      const w = column.width * width - 4;
      const [first = '', ...rest] = cells[i] ?? [];
      doc
        .font(header || i === 0 ? 'bold' : 'body')
        .fontSize(size)
        .fillColor(header ? MUTED : INK)
        .text(first, x + 2, top + 3, { width: w, align: column.align });
      const below = doc.y;
      rest.forEach((line, j) =>
        doc
          .font('body')
          .fontSize(7)
          .fillColor(MUTED)
          .text(line, x + 2, below + 9 * j, { width: w, align: column.align, lineBreak: false }),
      );
      x += column.width * width;
    }
    doc
      .moveTo(MARGIN, top + height)
      .lineTo(MARGIN + width, top + height)
      .lineWidth(0.5)
      .strokeColor(RULE)
      .stroke();
    doc.x = MARGIN;
    doc.y = top + height;
  };
  row(
    columns.map((c) => [c.title]),
    true,
  );
  for (const kpi of content.kpis) row(kpiCells(kpi, fmt), false);
}

/** One line of the KPI table: each cell a main line and, for comparisons, the change below it. */
export function kpiCells(kpi: ReportKpi, fmt: Formatter): string[][] {
  const lang = fmt.language;
  const compare = (c: ReportKpi['previous']) => [
    fmt.value(c.value, kpi.unit),
    c.delta === null ? '' : `${fmt.change(c.delta, kpi.unit)}${c.significant ? ' *' : ''}`,
  ];
  const marks = `${kpi.low_sample ? ' †' : ''}${kpi.partial ? ' ‡' : ''}`;
  return [
    [kpi.name],
    [`${fmt.value(kpi.value, kpi.unit)}${marks}`],
    [fmt.integer(kpi.n)],
    [
      kpi.ci_low === null || kpi.ci_high === null
        ? '–'
        : `${fmt.value(kpi.ci_low, kpi.unit)} – ${fmt.value(kpi.ci_high, kpi.unit)}`,
    ],
    compare(kpi.previous),
    compare(kpi.year),
    kpi.target === null
      ? ['–']
      : [
          fmt.value(kpi.target, kpi.unit),
          t(T.attainments[kpi.attainment as keyof typeof T.attainments] ?? T.attainments.no_target, lang),
        ],
  ];
}
