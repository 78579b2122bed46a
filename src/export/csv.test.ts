import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csvField, csvRow, type CsvSeparator } from './csv.ts';

/**
 * How a spreadsheet reads a line with a given separator: a quote opens or closes quoting anywhere
 * (`""` inside quotes is a quote), the separator outside quotes ends a cell. Lenient like Excel
 * and LibreOffice, which read a comma file opened in a `;` locale this way.
 */
function spreadsheetCells(line: string, separator: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (char === '"') {
      if (quoted && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else quoted = !quoted;
    } else if (char === separator && !quoted) {
      cells.push(cell);
      cell = '';
    } else cell += char;
  }
  cells.push(cell);
  return cells;
}

/** A cell a spreadsheet runs as a formula (it ignores leading spaces). */
const isFormula = (cell: string) => /^\s*[=+\-@]|^[\t\r]/.test(cell);

// The values and OWASP's list: = + - @ tab CR, after spaces, after ; or , inside a value.
const HOSTILE = [
  '=1+1',
  ' =1+1',
  '   =HYPERLINK("http://evil.example","x")',
  '+1+cmd|" /C calc"!A0',
  '-2+3',
  '@SUM(A1:A9)',
  '\t=1+1',
  '\r=1+1',
  '\tplain after a tab',
  'Ivanov;=1+1',
  'Ivanov; =HYPERLINK("http://evil.example")',
  'a;+1',
  'a;-1+1',
  'a;@SUM(A1)',
  'a,=1+1',
  'a, -1+1',
  'quote " then ;=1+1',
];

test('values a spreadsheet would run are neutralized for both separators', () => {
  for (const separator of [',', ';'] as CsvSeparator[]) {
    for (const value of HOSTILE) {
      const line = csvRow(['first', value, 'last'], separator).replace(/\r\n$/, '');
      // Whichever separator the spreadsheet splits on, no cell is a formula.
      for (const readAs of [',', ';']) {
        for (const cell of spreadsheetCells(line, readAs)) {
          assert.ok(!isFormula(cell), `${JSON.stringify(value)} written with "${separator}", read with "${readAs}"`);
        }
      }
      // Read with the separator it was written with, the value is the original after one quote mark.
      assert.deepEqual(spreadsheetCells(line, separator), ['first', `'${value}`, 'last'], JSON.stringify(value));
    }
  }
});

test('neutralized fields are quoted and start with a single quote', () => {
  assert.equal(csvField(' =1+1'), `"' =1+1"`);
  assert.equal(csvField('Ivanov;=1+1'), `"'Ivanov;=1+1"`);
  assert.equal(csvField('=A1&"x"'), `"'=A1&""x"""`);
});

test('a value with a separator is quoted whichever separator the file uses', () => {
  assert.equal(csvRow(['a;b', 'c,d'], ','), '"a;b","c,d"\r\n');
  assert.equal(csvRow(['a;b', 'c,d'], ';'), '"a;b";"c,d"\r\n');
  assert.equal(csvRow(['plain', 'tab\there'], ';'), 'plain;"tab\there"\r\n');
});

test('numbers stay numbers; ordinary text, dates and lists are unchanged', () => {
  assert.equal(csvField(-12.5), '-12.5');
  assert.equal(csvField('-12.5'), '-12.5', 'a numeric column comes back from PostgreSQL as text');
  assert.equal(csvField(-3), '-3');
  assert.equal(csvField(0), '0');
  assert.equal(csvField('2026-03-01'), '2026-03-01');
  assert.equal(csvField(new Date('2026-03-01T09:00:00Z')), '2026-03-01T09:00:00.000Z');
  assert.equal(csvField('a-b=c'), 'a-b=c', 'a sign inside a word starts no cell');
  assert.equal(csvField(['x', 'y']), 'x|y');
  assert.equal(csvField(null), '');
  // Not a plain number: the minus could start an expression.
  assert.equal(csvField('-1e5'), `"'-1e5"`);
  assert.equal(csvField('-12,5'), `"'-12,5"`);
});
