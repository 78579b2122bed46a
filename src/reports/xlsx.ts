import ExcelJS from 'exceljs';
import type { Unit } from '../metrics/catalog/index.ts';
import type { ReportContent } from './content.ts';
import { formatter, t, T } from './format.ts';

/**
 * The report as a workbook: a sheet with the KPI table and one per KPI with its 12-period trend.
 * Cells hold the numbers queryMetrics returned (a share as 0.85, a duration in seconds, money in
 * the reporting currency) with a number format that shows them as a person reads them, and
 * periods as dates, so the sheet can be computed with.
 */
export function numberFormat(unit: Unit, currency: string): string {
  switch (unit) {
    case 'ratio':
      return '0.0%';
    case 'count':
      return '#,##0';
    case 'money':
      return `#,##0.00 "${currency.replace(/"/g, '')}"`;
    case 'seconds':
      return '#,##0" s"';
    case 'nps':
      return '0.0';
    default:
      return '0.00';
  }
}

export async function renderXlsx(content: ReportContent): Promise<Buffer> {
  const lang = content.language;
  const fmt = formatter(lang, content.currency);
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'cxkpi';
  workbook.created = new Date(content.generated_at);
  const sheet = workbook.addWorksheet(t(T.sheetKpis, lang));
  const head = [
    'metric',
    t(T.kpi, lang),
    t(T.value, lang),
    'n',
    'ci_low',
    'ci_high',
    'low_sample',
    t(T.previous, lang),
    `${t(T.change, lang)} (${t(T.previous, lang)})`,
    'significant',
    t(T.year, lang),
    `${t(T.change, lang)} (${t(T.year, lang)})`,
    'significant_year',
    t(T.target, lang),
    t(T.attainment, lang),
  ];
  sheet.addRow([`${content.title} – ${fmt.period(content.period.from, content.period.grain)}`]).font = {
    bold: true,
    size: 13,
  };
  sheet.addRow([`${content.organization} · ${content.scope_label ?? t(T.organization, lang)}`]);
  const header = sheet.addRow(head);
  header.font = { bold: true };
  sheet.views = [{ state: 'frozen', ySplit: 3 }];
  for (const kpi of content.kpis) {
    const row = sheet.addRow([
      kpi.metric,
      kpi.name,
      kpi.value,
      kpi.n,
      kpi.ci_low,
      kpi.ci_high,
      kpi.low_sample,
      kpi.previous.value,
      kpi.previous.delta,
      kpi.previous.significant,
      kpi.year.value,
      kpi.year.delta,
      kpi.year.significant,
      kpi.target,
      kpi.attainment,
    ]);
    const format = numberFormat(kpi.unit, content.currency);
    for (const column of [3, 5, 6, 8, 9, 11, 12, 14]) row.getCell(column).numFmt = format;
    row.getCell(4).numFmt = '#,##0';
  }
  sheet.columns.forEach((column, i) => (column.width = i === 1 ? 30 : i === 0 ? 24 : 14));

  const used = new Set<string>();
  for (const kpi of content.kpis) {
    // Sheet names: at most 31 characters, unique, none of : \ / ? * [ ].
    let name = kpi.metric.replace(/[:\\/?*[\]]/g, '_').slice(0, 31);
    for (let i = 2; used.has(name); i++) name = `${kpi.metric.slice(0, 28)}_${i}`;
    used.add(name);
    const trend = workbook.addWorksheet(name);
    trend.addRow([kpi.name]).font = { bold: true };
    trend.addRow([t(T.period, lang), t(T.value, lang), 'n', 'low_sample', t(T.target, lang)]).font = { bold: true };
    const format = numberFormat(kpi.unit, content.currency);
    for (const point of kpi.trend) {
      const row = trend.addRow([
        new Date(`${point.period}T00:00:00Z`),
        point.value,
        point.n,
        point.low_sample,
        point.target,
      ]);
      row.getCell(1).numFmt = 'yyyy-mm-dd';
      row.getCell(2).numFmt = format;
      row.getCell(3).numFmt = '#,##0';
      row.getCell(5).numFmt = format;
    }
    trend.columns.forEach((column) => (column.width = 16));
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
