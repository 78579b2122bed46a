import assert from 'node:assert/strict';
import { test } from 'node:test';
import ExcelJS from 'exceljs';
import { writeXlsx } from './xlsx.ts';

// XLSX cells carry a type: text that looks like a formula is stored as a string, never as <f>.
test('formula-like text stays text in a workbook; numbers stay numbers', async () => {
  const hostile = [' =1+1', '=HYPERLINK("http://evil.example","x")', '+1', '-2+3', '@SUM(A1)', 'Ivanov;=1+1'];
  const file = await writeXlsx([
    {
      name: 'rows',
      columns: ['text', 'amount', 'object'],
      rows: hostile.map((text) => ({ text, amount: -12.5, object: { formula: '1+1', result: 2 } })),
    },
  ]);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(file as never);
  const sheet = workbook.getWorksheet('rows')!;
  hostile.forEach((text, i) => {
    const row = sheet.getRow(i + 2);
    assert.equal(row.getCell(1).type, ExcelJS.ValueType.String, text);
    assert.equal(row.getCell(1).value, text);
    assert.equal(row.getCell(1).formula, undefined);
    assert.equal(row.getCell(2).value, -12.5);
    // An object value is written as its JSON, not taken as ExcelJS's {formula} cell.
    assert.equal(row.getCell(3).type, ExcelJS.ValueType.String);
  });
});
