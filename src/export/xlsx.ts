import ExcelJS from 'exceljs';

/** One sheet of a workbook: a header row, then the rows in column order. */
export interface Sheet {
  name: string;
  columns: string[];
  rows: Array<Record<string, unknown>>;
}

/**
 * An .xlsx workbook. Numbers stay numbers and dates become Excel dates, so spreadsheets can
 * compute with them; lists are joined with |, objects written as JSON.
 */
export async function writeXlsx(sheets: Sheet[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'cxkpi';
  for (const sheet of sheets) {
    const worksheet = workbook.addWorksheet(sheet.name.slice(0, 31));
    worksheet.columns = sheet.columns.map((column) => ({
      header: column,
      key: column,
      width: Math.max(10, column.length + 2),
    }));
    worksheet.getRow(1).font = { bold: true };
    worksheet.views = [{ state: 'frozen', ySplit: 1 }];
    for (const row of sheet.rows) {
      worksheet.addRow(sheet.columns.map((column) => cell(row[column])));
    }
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function cell(value: unknown): ExcelJS.CellValue {
  if (value === null || value === undefined) return null;
  if (value instanceof Date || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.join('|');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
